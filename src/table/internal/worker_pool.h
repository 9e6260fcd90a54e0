// WorkerPool: a few threads that run batches of independent tasks for one caller (one CSV parse
// runs five such batches). Run(n, task) runs task(0..n-1) on the workers and the calling thread,
// handing tasks out one at a time from a shared counter so uneven tasks balance, and returns when
// every task has run, without waiting for a worker that has not woken up yet: on a busy machine
// the caller then does the batch alone instead of waiting for the scheduler. Workers are
// std::jthread, started by the first batch of more than one task (a pool that only ever runs
// single tasks starts none) and joined when the pool is destroyed. An exception thrown by a task
// (std::bad_alloc) ends nothing early: the batch completes and Run rethrows the first one.
// Thread-safe for one caller at a time (Run is not reentrant).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace kiln::table_internal {

class WorkerPool {
 public:
  // `num_threads` threads in all: the caller's and num_threads - 1 workers.
  explicit WorkerPool(int num_threads);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  ~WorkerPool();

  void Run(std::size_t num_tasks, const std::function<void(std::size_t)>& task);
  int threads() const { return threads_; }

 private:
  // Claims and runs tasks of batch `batch` until none is left (`task` is only called for a claimed
  // task, so it may point at a batch that has ended).
  void RunTasks(std::uint64_t batch, const std::function<void(std::size_t)>* task,
                std::size_t num_tasks);
  void Work();

  std::mutex mu_;
  std::condition_variable wake_;                            // a new batch, or stop
  std::condition_variable finished_;                        // the batch's last task is done
  std::uint64_t batch_ = 0;                                 // guarded by mu_
  const std::function<void(std::size_t)>* task_ = nullptr;  // guarded by mu_
  std::size_t num_tasks_ = 0;                               // guarded by mu_
  bool stop_ = false;                                       // guarded by mu_
  // The batch number (high 32 bits) and the next task (low 32 bits): a worker that wakes late
  // cannot claim a task of a batch it did not read.
  std::atomic<std::uint64_t> next_{0};
  std::atomic<std::size_t> done_{0};  // tasks of the current batch that have run
  std::exception_ptr error_;          // guarded by mu_: the batch's first exception
  const int threads_;
  std::vector<std::jthread> workers_;  // threads_ - 1 once started
};

// ReadOptions::num_threads resolved: 0 means one per hardware thread (at least 1).
int ResolveThreadCount(int requested);

}  // namespace kiln::table_internal
