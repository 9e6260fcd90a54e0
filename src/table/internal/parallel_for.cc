#include "table/internal/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace kiln::table_internal {

void ParallelFor(std::size_t num_tasks, int num_threads,
                 const std::function<void(std::size_t)>& task) {
  std::size_t workers =
      std::min<std::size_t>(num_tasks, static_cast<std::size_t>(std::max(1, num_threads)));
  if (workers <= 1) {
    for (std::size_t i = 0; i < num_tasks; ++i)
      task(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  auto run = [&] {
    for (std::size_t i = next.fetch_add(1); i < num_tasks; i = next.fetch_add(1))
      task(i);
  };
  std::vector<std::jthread> threads;
  threads.reserve(workers - 1);
  for (std::size_t w = 1; w < workers; ++w)
    threads.emplace_back(run);
  run();
  // jthreads join here.
}

int ResolveThreadCount(int requested) {
  if (requested > 0)
    return requested;
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

}  // namespace kiln::table_internal
