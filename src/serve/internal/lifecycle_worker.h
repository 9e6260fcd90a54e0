// LifecycleWorker: the one background thread that moves endpoints through their lifecycle. The
// endpoint service queues an endpoint's name whenever it changes; the worker calls `process` with
// each name in turn, outside any lock of the queue. A name already waiting is not queued twice (the
// callback reads the endpoint's latest state anyway); a name queued while it is being processed
// runs again afterwards.
//
// Thread-safe. The destructor stops after the item in progress and joins the thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>

namespace kiln::serve_internal {

class LifecycleWorker {
 public:
  explicit LifecycleWorker(std::function<void(const std::string&)> process);
  LifecycleWorker(const LifecycleWorker&) = delete;
  LifecycleWorker& operator=(const LifecycleWorker&) = delete;
  ~LifecycleWorker();

  void Enqueue(const std::string& name);
  // Blocks until nothing is queued or being processed.
  void WaitIdle();

 private:
  void Run(std::stop_token stop);

  const std::function<void(const std::string&)> process_;
  std::mutex mu_;
  std::condition_variable_any wake_;  // GUARDED_BY(mu_): work arrived or stop requested
  std::condition_variable idle_;      // GUARDED_BY(mu_): the queue drained
  std::deque<std::string> queue_;     // GUARDED_BY(mu_)
  bool busy_ = false;                 // GUARDED_BY(mu_): `process` is running
  std::jthread thread_;               // last: starts once the rest is built
};

}  // namespace kiln::serve_internal
