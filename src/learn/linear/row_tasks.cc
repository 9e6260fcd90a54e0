#include "learn/linear/row_tasks.h"

#include <algorithm>
#include <thread>
#include <vector>

namespace kiln {

RowTasks::RowTasks(std::size_t rows, std::size_t min_rows, std::size_t max_tasks)
    : rows_(rows),
      count_(std::clamp<std::size_t>(rows / std::max<std::size_t>(min_rows, 1), 1,
                                     std::max<std::size_t>(max_tasks, 1))) {}

void RowTasks::Run(int num_threads, const std::function<void(std::size_t task)>& fn) const {
  const std::size_t threads = std::min(static_cast<std::size_t>(std::max(num_threads, 1)), count_);
  auto work = [&](std::size_t first) {
    for (std::size_t t = first; t < count_; t += threads)
      fn(t);
  };
  std::vector<std::jthread> helpers;
  helpers.reserve(threads - 1);
  for (std::size_t i = 1; i < threads; ++i)
    helpers.emplace_back(work, i);
  work(0);
}

}  // namespace kiln
