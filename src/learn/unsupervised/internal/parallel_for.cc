#include "learn/unsupervised/internal/parallel_for.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace kiln::unsupervised_internal {

void ParallelFor(std::size_t num_tasks, int num_threads,
                 const std::function<void(std::size_t task)>& fn) {
  const std::size_t threads =
      std::min<std::size_t>(static_cast<std::size_t>(std::max(num_threads, 1)), num_tasks);
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t t = next++; t < num_tasks; t = next++)
      fn(t);
  };
  std::vector<std::jthread> helpers;
  for (std::size_t i = 1; i < threads; ++i)
    helpers.emplace_back(work);
  work();
}

}  // namespace kiln::unsupervised_internal
