// JobWorkerPool: the queue, the bound on running jobs, stop requests for queued and running jobs,
// live state and shutdown, with jobs that wait on their JobControl instead of working.
#include "jobs/job_worker_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace kiln {
namespace {

using namespace std::chrono_literals;

struct Counter {
  std::atomic<int> value{0};
};

// Jobs run until asked to stop; each records its name and the cause it saw.
class PoolTest : public ::testing::Test {
 protected:
  void Start(int workers) {
    pool_.Start(workers, [this](const std::string& name, RunningJob<Counter>& job) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        started_.push_back(name);
      }
      const int peak = ++running_;
      int seen = max_running_.load();
      while (seen < peak && !max_running_.compare_exchange_weak(seen, peak)) {
      }
      job.live.value = 7;
      while (job.control.Check() == StopCause::kNone && name.rfind("quick", 0) != 0)
        std::this_thread::sleep_for(1ms);
      --running_;
      std::lock_guard<std::mutex> lock(mu_);
      causes_.push_back(job.control.Check());
    });
  }

  bool WaitStarted(std::size_t n) {
    for (int i = 0; i < 5000; ++i) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (started_.size() >= n)
          return true;
      }
      std::this_thread::sleep_for(1ms);
    }
    return false;
  }

  std::vector<std::string> Started() {
    std::lock_guard<std::mutex> lock(mu_);
    return started_;
  }

  SystemClock clock_;
  std::mutex mu_;
  std::vector<std::string> started_;  // GUARDED_BY(mu_)
  std::vector<StopCause> causes_;     // GUARDED_BY(mu_)
  std::atomic<int> running_{0};
  std::atomic<int> max_running_{0};
  JobWorkerPool<Counter> pool_{clock_};  // last: stops before the fixture's state goes
};

TEST_F(PoolTest, QueuedJobsRunOldestFirstOnAtMostTheWorkerCount) {
  Start(2);
  pool_.Enqueue("quick-1");
  pool_.Enqueue("quick-2");
  pool_.Enqueue("quick-3");
  ASSERT_TRUE(pool_.WaitIdle(10s));
  EXPECT_EQ(Started().size(), 3u);
  EXPECT_LE(max_running_.load(), 2);

  pool_.Enqueue("long-a");
  pool_.Enqueue("long-b");
  pool_.Enqueue("long-c");
  ASSERT_TRUE(WaitStarted(5));
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(Started().size(), 5u);  // long-c waits for a worker
  EXPECT_FALSE(pool_.WaitIdle(10ms));
  pool_.Stop("long-a", [] { FAIL() << "long-a runs; it is not dequeued"; });
  ASSERT_TRUE(WaitStarted(6));
  EXPECT_EQ(Started().back(), "long-c");
  pool_.Stop("long-b", [] {});
  pool_.Stop("long-c", [] {});
  ASSERT_TRUE(pool_.WaitIdle(10s));
  std::lock_guard<std::mutex> lock(mu_);
  EXPECT_EQ(std::count(causes_.begin(), causes_.end(), StopCause::kUser), 3);
}

TEST_F(PoolTest, StoppingAQueuedJobTakesItOffTheQueueAndCallsBack) {
  Start(1);
  pool_.Enqueue("long");
  ASSERT_TRUE(WaitStarted(1));
  pool_.Enqueue("queued");
  bool dequeued = false;
  pool_.Stop("queued", [&] { dequeued = true; });
  EXPECT_TRUE(dequeued);
  pool_.Stop("absent", [] { FAIL() << "absent was never queued"; });
  pool_.Stop("long", [] {});
  ASSERT_TRUE(pool_.WaitIdle(10s));
  EXPECT_EQ(Started(), std::vector<std::string>{"long"});
}

TEST_F(PoolTest, AdmissionSeesTheCountsAndItsErrorKeepsTheJobOut) {
  Start(1);
  pool_.Enqueue("long");
  ASSERT_TRUE(WaitStarted(1));
  std::size_t seen_running = 9, seen_queued = 9;
  ASSERT_TRUE(pool_
                  .EnqueueIf("second",
                             [&](std::size_t running, std::size_t queued) {
                               seen_running = running;
                               seen_queued = queued;
                               return Status::Ok();
                             })
                  .ok());
  EXPECT_EQ(seen_running, 1u);
  EXPECT_EQ(seen_queued, 0u);
  Status refused = pool_.EnqueueIf(
      "third", [](std::size_t, std::size_t) { return Status::AlreadyExists("taken"); });
  EXPECT_EQ(refused.code(), StatusCode::kAlreadyExists);
  pool_.Stop("long", [] {});
  ASSERT_TRUE(WaitStarted(2));
  pool_.Stop("second", [] {});
  ASSERT_TRUE(pool_.WaitIdle(10s));
  EXPECT_EQ(Started(), (std::vector<std::string>{"long", "second"}));
}

TEST_F(PoolTest, LiveStateIsReadableOnlyWhileTheJobRuns) {
  Start(1);
  pool_.Enqueue("long");
  ASSERT_TRUE(WaitStarted(1));
  int value = -1;
  for (int i = 0; i < 1000 && value != 7; ++i) {
    EXPECT_TRUE(pool_.ReadLive("long", [&](const Counter& c) { value = c.value.load(); }));
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(value, 7);
  EXPECT_FALSE(pool_.ReadLive("other", [](const Counter&) { FAIL(); }));
  pool_.Stop("long", [] {});
  ASSERT_TRUE(pool_.WaitIdle(10s));
  EXPECT_FALSE(pool_.ReadLive("long", [](const Counter&) { FAIL(); }));
}

TEST(JobWorkerPoolTest, DestroyingThePoolStopsRunningJobsAsAShutdownAndLeavesQueuedOnes) {
  SystemClock clock;
  std::atomic<int> runs{0};
  std::atomic<StopCause> cause{StopCause::kNone};
  {
    JobWorkerPool<> pool(clock);
    pool.Start(1, [&](const std::string&, RunningJob<>& job) {
      ++runs;
      while (job.control.Check() == StopCause::kNone)
        std::this_thread::sleep_for(1ms);
      cause = job.control.Check();
    });
    pool.Enqueue("running");
    pool.Enqueue("queued");
    while (runs.load() == 0)
      std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(runs.load(), 1);
  EXPECT_EQ(cause.load(), StopCause::kShutdown);
}

}  // namespace
}  // namespace kiln
