// JobWorkerPool: the bounded pool of worker threads that training and transform jobs queue on.
//
// Jobs are queued by name, oldest first. Each of the pool's threads takes the next one, makes its
// RunningJob (a JobControl, and `Live` state the service wants to read while the job runs, e.g.
// progress counters) and calls the service's `run`, which does the whole job. The pool owns the
// queue, the threads and the running jobs' controls; the service owns what a job is (its record,
// its steps). Stop takes a job off the queue or asks a running one to stop (StopCause::kUser);
// destroying the pool asks every running job to stop with StopCause::kShutdown and joins the
// threads; queued jobs stay queued in the service's records, for the next start to run.
//
// Thread-safe. The threads are owned (std::jthread) and joined by the destructor, so a service
// declares its pool as its last member: the pool stops before what `run` uses is destroyed.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "jobs/job_control.h"

namespace kiln {

// For a pool whose jobs keep no live state besides their JobControl.
struct NoLiveState {};

// What a worker keeps about the job it runs. `Live` must be default-constructible.
template <typename Live = NoLiveState>
struct RunningJob {
  explicit RunningJob(const Clock& clock) : control(clock) {}
  JobControl control;
  Live live;
};

template <typename Live = NoLiveState>
class JobWorkerPool {
 public:
  // Runs job `name` to its end (it returns when the job has ended, or stopped for a restart).
  using RunFn = std::function<void(const std::string& name, RunningJob<Live>& job)>;
  // Tells whether a job may be queued behind `running` running and `queued` waiting ones, and
  // records it (the counts stay true while it runs); an error keeps the job out of the queue.
  using AdmitFn = std::function<Status(std::size_t running, std::size_t queued)>;

  // `clock` times each job's JobControl and must outlive the pool.
  explicit JobWorkerPool(const Clock& clock) : clock_(clock) {}
  JobWorkerPool(const JobWorkerPool&) = delete;
  JobWorkerPool& operator=(const JobWorkerPool&) = delete;

  ~JobWorkerPool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      shutting_down_ = true;
      for (auto& [name, job] : running_)
        job->control.RequestStop(StopCause::kShutdown);
    }
    for (std::jthread& w : workers_)
      w.request_stop();
    workers_.clear();  // joins
  }

  // Starts `workers` threads running queued jobs with `run`. Call once.
  void Start(int workers, RunFn run) {
    run_ = std::move(run);
    for (int i = 0; i < workers; ++i)
      workers_.emplace_back([this](std::stop_token stop) { WorkerLoop(stop); });
  }

  // Queues `name` behind the jobs already waiting.
  void Enqueue(std::string name) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(std::move(name));
    }
    cv_.notify_all();
  }

  // Queues `name` if `admit` says so: `admit` runs under the pool's lock (it must not call the
  // pool), so no job starts or ends while it decides and records the new job. Returns its error.
  Status EnqueueIf(std::string name, const AdmitFn& admit) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      RETURN_IF_ERROR(admit(running_.size(), queue_.size()));
      queue_.push_back(std::move(name));
    }
    cv_.notify_all();
    return Status::Ok();
  }

  // When `name` is queued: takes it off the queue and calls `dequeued()` (outside the lock, before
  // waiters of WaitIdle are told). When it runs: asks it to stop (StopCause::kUser).
  void Stop(std::string_view name, const std::function<void()>& dequeued) {
    bool was_queued = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = std::find(queue_.begin(), queue_.end(), name);
      if (it != queue_.end()) {
        queue_.erase(it);
        was_queued = true;
      } else if (auto run = running_.find(name); run != running_.end()) {
        run->second->control.RequestStop(StopCause::kUser);
      }
    }
    if (was_queued) {
      dequeued();
      cv_.notify_all();
    }
  }

  // Calls `read(live)` under the pool's lock when `name` is running; false when it is not.
  bool ReadLive(std::string_view name, const std::function<void(const Live&)>& read) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = running_.find(name);
    if (it == running_.end())
      return false;
    read(it->second->live);
    return true;
  }

  // Blocks until no job is queued or running; false if `timeout` passes first.
  bool WaitIdle(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return queue_.empty() && running_.empty(); });
  }

 private:
  void WorkerLoop(std::stop_token stop) {
    while (true) {
      std::string name;
      std::shared_ptr<RunningJob<Live>> job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, stop, [&] { return shutting_down_ || !queue_.empty(); });
        if (stop.stop_requested() || shutting_down_)
          return;
        name = queue_.front();
        queue_.pop_front();
        job = std::make_shared<RunningJob<Live>>(clock_);
        running_[name] = job;
      }
      run_(name, *job);
      {
        std::lock_guard<std::mutex> lock(mu_);
        running_.erase(name);
      }
      cv_.notify_all();
    }
  }

  const Clock& clock_;
  RunFn run_;  // set by Start, before the threads

  mutable std::mutex mu_;
  std::condition_variable_any cv_;  // queue_ or running_ changed, or shutting down
  std::deque<std::string> queue_;   // GUARDED_BY(mu_): jobs waiting for a worker, oldest first
  std::map<std::string, std::shared_ptr<RunningJob<Live>>, std::less<>> running_;  // GUARDED_BY
  bool shutting_down_ = false;                                                     // GUARDED_BY
  std::vector<std::jthread> workers_;  // last member: joined before the rest is destroyed
};

}  // namespace kiln
