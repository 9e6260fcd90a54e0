// RowTasks: splits rows into contiguous tasks whose number depends only on the row count, and runs
// them on a few threads. Callers write one partial result per task and reduce them in task order,
// so results are bit-identical for any thread count. Private to the linear learner.
//
// Thread-safety: Run blocks until every task is done; `fn` must be safe to call concurrently for
// different tasks.
#pragma once

#include <cstddef>
#include <functional>

namespace kiln {

class RowTasks {
 public:
  // At most `max_tasks` tasks of at least `min_rows` rows each (one task when rows is small).
  RowTasks(std::size_t rows, std::size_t min_rows, std::size_t max_tasks);

  std::size_t count() const { return count_; }
  std::size_t begin(std::size_t task) const { return task * rows_ / count_; }
  std::size_t end(std::size_t task) const { return (task + 1) * rows_ / count_; }

  // Calls fn(task) for every task on up to num_threads threads (the caller's among them).
  void Run(int num_threads, const std::function<void(std::size_t task)>& fn) const;

 private:
  std::size_t rows_;
  std::size_t count_;
};

}  // namespace kiln
