// InstanceHistory: a variant's live instance count over time (the JSON metrics API's "instance
// count over time"), kept as the list of changes in the last `span` plus the one before, and read
// back as one point per `step` (default 10 s over the last hour). Changes are rare (scaling,
// failures), so a mutex is fine: it is never on the request path.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <mutex>
#include <utility>
#include <vector>

namespace kiln {

class InstanceHistory {
 public:
  explicit InstanceHistory(std::chrono::seconds span = std::chrono::hours(1)) : span_(span) {}

  // The count became `count` at `now` (a repeat of the last count is ignored).
  void Record(std::chrono::system_clock::time_point now, int count);

  struct Point {
    std::int64_t time_ms = 0;  // unix milliseconds, a multiple of `step`
    int count = 0;
  };
  // One point per `step` (at multiples of it) from max(first record, now - span) to now, and a
  // last one at `now`, oldest first; each the count in force at its time.
  std::vector<Point> Sample(std::chrono::system_clock::time_point now,
                            std::chrono::milliseconds step = std::chrono::seconds(10)) const;

 private:
  const std::chrono::seconds span_;
  mutable std::mutex mu_;
  std::deque<std::pair<std::int64_t, int>> changes_;  // GUARDED_BY(mu_): (unix ms, count)
};

}  // namespace kiln
