// RateWindow: requests finished over a short sliding window (default 10 s) and the time they spent
// in flight, for the autoscaler's per-minute rates and mean concurrency (Little's law: the busy
// time of the requests in the window divided by the window's length), and the same over the last
// two seconds, so a step in load is seen at once while the window smooths it for scale-in. A ring
// of one-second buckets stamped with their second; Record is two relaxed atomic adds (and a reset
// when a bucket rolls over), so it sits on the InvokeEndpoint hot path. Time comes from the caller
// (the service's Clock), so tests drive it with a ManualClock.
//
// Thread-safety: safe from many threads. A bucket rolling over while another thread adds to it
// may lose that one add (an estimate, not an account).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>

namespace kiln {

class RateWindow {
 public:
  // REQUIRES window >= 1 s.
  explicit RateWindow(std::chrono::seconds window);

  // One request that finished at `now` after `busy` in flight (held time included).
  void Record(std::chrono::system_clock::time_point now, std::chrono::nanoseconds busy);

  // The last kRecentSeconds of the window (the current partial second and the full one before):
  // what a step in load shows within a second or two, where the whole window takes its length.
  static constexpr std::int64_t kRecentSeconds = 2;

  struct Rates {
    double per_second = 0;         // requests finished per second over the window
    double mean_concurrency = 0;   // busy time in the window / the window's length
    double recent_per_second = 0;  // the same over the recent seconds only
    double recent_mean_concurrency = 0;
  };
  Rates Read(std::chrono::system_clock::time_point now) const;

 private:
  struct Bucket {
    std::atomic<std::int64_t> second{-1};
    std::atomic<std::int64_t> count{0};
    std::atomic<std::int64_t> busy_ns{0};
  };
  const std::int64_t seconds_;
  std::unique_ptr<Bucket[]> ring_;  // seconds_ + 1 buckets
};

}  // namespace kiln
