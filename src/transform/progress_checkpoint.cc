#include "transform/progress_checkpoint.h"

#include <utility>

namespace kiln {

ProgressCheckpoint::ProgressCheckpoint(const TransformCounters& counters, const Clock& clock,
                                       std::chrono::milliseconds interval, SaveFn save)
    : counters_(counters),
      clock_(clock),
      interval_(interval),
      save_(std::move(save)),
      last_save_(clock.Now()) {}

void ProgressCheckpoint::Tick() {
  std::unique_lock<std::mutex> lock(mu_, std::try_to_lock);
  if (!lock.owns_lock() || clock_.Now() - last_save_ < interval_)
    return;
  SaveLocked();
}

void ProgressCheckpoint::SaveNow() {
  std::lock_guard<std::mutex> lock(mu_);
  SaveLocked();
}

int ProgressCheckpoint::saves() const {
  std::lock_guard<std::mutex> lock(mu_);
  return saves_;
}

void ProgressCheckpoint::SaveLocked() {
  last_save_ = clock_.Now();
  const TransformProgress now = counters_.Snapshot();
  if (now == saved_)
    return;
  if (save_(now).ok()) {
    saved_ = now;
    ++saves_;
  }
}

}  // namespace kiln
