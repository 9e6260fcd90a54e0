// JobControl: how a running training job learns that it must stop — a StopTrainingJob request, the
// service shutting down, or StoppingCondition.MaxRuntimeInSeconds running out on the injected
// clock. The trainer polls Check() between boosting rounds and between phases; learners that
// cannot be polled get SteadyDeadline() as their FitContext deadline.
//
// Thread-safe: RequestStop may be called from any thread while the job's worker polls.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>

#include "common/clock.h"

namespace kiln {

enum class StopCause : std::uint8_t { kNone, kUser, kMaxRuntime, kShutdown };

class JobControl {
 public:
  explicit JobControl(const Clock& clock) : clock_(clock) {}

  // Starts the runtime budget: it ends at `max_end` on the clock. Until called there is none.
  void SetMaxEnd(std::chrono::system_clock::time_point max_end) {
    max_end_ns_.store(
        std::chrono::duration_cast<std::chrono::nanoseconds>(max_end.time_since_epoch()).count());
  }

  // Asks the job to stop; the first cause sticks.
  void RequestStop(StopCause cause) {
    std::uint8_t none = static_cast<std::uint8_t>(StopCause::kNone);
    requested_.compare_exchange_strong(none, static_cast<std::uint8_t>(cause));
  }

  // The requested cause; else kMaxRuntime once the clock reaches the budget's end; else kNone.
  StopCause Check() const {
    const auto requested = static_cast<StopCause>(requested_.load());
    if (requested != StopCause::kNone)
      return requested;
    return clock_.Now() >= MaxEnd() ? StopCause::kMaxRuntime : StopCause::kNone;
  }

  // The budget's end as a steady-clock time point (computed now), for FitContext::deadline.
  std::chrono::steady_clock::time_point SteadyDeadline() const {
    const auto left = MaxEnd() - clock_.Now();
    const auto now = std::chrono::steady_clock::now();
    if (left <= std::chrono::system_clock::duration::zero())
      return now;
    if (left > std::chrono::hours(24 * 365))
      return std::chrono::steady_clock::time_point::max();
    return now + std::chrono::duration_cast<std::chrono::steady_clock::duration>(left);
  }

 private:
  std::chrono::system_clock::time_point MaxEnd() const {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds(max_end_ns_.load())));
  }

  const Clock& clock_;
  std::atomic<std::int64_t> max_end_ns_{std::numeric_limits<std::int64_t>::max()};
  std::atomic<std::uint8_t> requested_{static_cast<std::uint8_t>(StopCause::kNone)};
};

}  // namespace kiln
