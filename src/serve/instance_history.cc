#include "serve/instance_history.h"

#include <algorithm>

namespace kiln {
namespace {

std::int64_t Ms(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

void InstanceHistory::Record(std::chrono::system_clock::time_point now, int count) {
  const std::int64_t ms = Ms(now);
  std::lock_guard<std::mutex> lock(mu_);
  if (!changes_.empty() && changes_.back().second == count)
    return;
  changes_.emplace_back(ms, count);
  const std::int64_t horizon =
      ms - std::chrono::duration_cast<std::chrono::milliseconds>(span_).count();
  // Keep the last change at or before the horizon: it gives the count at the window's start.
  while (changes_.size() >= 2 && changes_[1].first <= horizon)
    changes_.pop_front();
}

std::vector<InstanceHistory::Point> InstanceHistory::Sample(
    std::chrono::system_clock::time_point now, std::chrono::milliseconds step) const {
  std::vector<Point> out;
  const std::int64_t step_ms = std::max<std::int64_t>(1, step.count());
  const std::int64_t now_ms = Ms(now);
  std::lock_guard<std::mutex> lock(mu_);
  if (changes_.empty())
    return out;
  const std::int64_t horizon =
      now_ms - std::chrono::duration_cast<std::chrono::milliseconds>(span_).count();
  std::int64_t t = std::max(changes_.front().first, horizon);
  t = (t + step_ms - 1) / step_ms * step_ms;  // round up to a step
  std::size_t i = 0;
  for (; t <= now_ms; t += step_ms) {
    while (i + 1 < changes_.size() && changes_[i + 1].first <= t)
      ++i;
    if (changes_[i].first > t)
      continue;
    out.push_back({t, changes_[i].second});
  }
  if (out.empty() || out.back().time_ms < now_ms) {
    while (i + 1 < changes_.size() && changes_[i + 1].first <= now_ms)
      ++i;
    if (changes_[i].first <= now_ms)
      out.push_back({now_ms, changes_[i].second});
  }
  return out;
}

}  // namespace kiln
