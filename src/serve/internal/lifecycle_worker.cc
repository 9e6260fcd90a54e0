#include "serve/internal/lifecycle_worker.h"

#include <algorithm>

namespace kiln::serve_internal {

LifecycleWorker::LifecycleWorker(std::function<void(const std::string&)> process)
    : process_(std::move(process)), thread_([this](std::stop_token stop) { Run(stop); }) {}

LifecycleWorker::~LifecycleWorker() {
  thread_.request_stop();
  thread_.join();
}

void LifecycleWorker::Enqueue(const std::string& name) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (std::find(queue_.begin(), queue_.end(), name) != queue_.end())
      return;
    queue_.push_back(name);
  }
  wake_.notify_one();
}

void LifecycleWorker::WaitIdle() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_.wait(lock, [&] { return queue_.empty() && !busy_; });
}

void LifecycleWorker::Run(std::stop_token stop) {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    wake_.wait(lock, stop, [&] { return !queue_.empty(); });
    if (stop.stop_requested())
      break;
    const std::string name = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    process_(name);
    lock.lock();
    busy_ = false;
    if (queue_.empty())
      idle_.notify_all();
  }
  busy_ = false;
  queue_.clear();
  idle_.notify_all();
}

}  // namespace kiln::serve_internal
