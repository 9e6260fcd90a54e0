#include "table/internal/worker_pool.h"

#include <utility>

namespace kiln::table_internal {

WorkerPool::WorkerPool(int num_threads) : threads_(num_threads < 1 ? 1 : num_threads) {}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  // jthreads join here.
}

void WorkerPool::Run(std::size_t num_tasks, const std::function<void(std::size_t)>& task) {
  if (threads_ == 1 || num_tasks <= 1) {
    for (std::size_t i = 0; i < num_tasks; ++i)
      task(i);
    return;
  }
  if (workers_.empty()) {
    for (int i = 1; i < threads_; ++i)
      workers_.emplace_back([this] { Work(); });
  }
  std::uint64_t batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    batch = ++batch_;
    task_ = &task;
    num_tasks_ = num_tasks;
    done_.store(0);
    next_.store(batch << 32);
  }
  wake_.notify_all();
  RunTasks(batch, &task, num_tasks);
  // Wait only for tasks that workers claimed and are running.
  std::unique_lock<std::mutex> lock(mu_);
  finished_.wait(lock, [&] { return done_.load() == num_tasks; });
  if (error_) {
    std::exception_ptr error = std::move(error_);
    error_ = nullptr;
    std::rethrow_exception(error);
  }
}

void WorkerPool::RunTasks(std::uint64_t batch, const std::function<void(std::size_t)>* task,
                          std::size_t num_tasks) {
  while (true) {
    std::uint64_t next = next_.load();
    do {
      if ((next >> 32) != (batch & 0xFFFFFFFF) || (next & 0xFFFFFFFF) >= num_tasks)
        return;
    } while (!next_.compare_exchange_weak(next, next + 1));
    try {
      (*task)(static_cast<std::size_t>(next & 0xFFFFFFFF));
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu_);
      if (!error_)
        error_ = std::current_exception();
    }
    if (done_.fetch_add(1) + 1 == num_tasks) {
      std::lock_guard<std::mutex> lock(mu_);
      finished_.notify_one();
    }
  }
}

void WorkerPool::Work() {
  std::uint64_t seen = 0;
  while (true) {
    std::uint64_t batch;
    const std::function<void(std::size_t)>* task;
    std::size_t num_tasks;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return stop_ || batch_ != seen; });
      if (stop_)
        return;
      seen = batch = batch_;
      task = task_;
      num_tasks = num_tasks_;
    }
    RunTasks(batch, task, num_tasks);
  }
}

int ResolveThreadCount(int requested) {
  if (requested > 0)
    return requested;
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(hw);
}

}  // namespace kiln::table_internal
