#include "autoscale/scaling_history.h"

#include <chrono>

namespace kiln {

TargetState RestoreTargetState(const ScalableTarget& target,
                               const std::vector<ScalingActivity>& activities) {
  TargetState s;
  s.min_capacity = target.min_capacity;
  s.max_capacity = target.max_capacity;
  s.suspended = target.suspended;
  bool newest = true;
  for (const ScalingActivity& a : activities) {
    if (a.resource_id != target.resource_id || a.start_ms < target.creation_ms)
      continue;
    if (newest && a.status == ActivityStatus::kSuccessful)
      s.applied_capacity = a.to_capacity;
    newest = false;
    const TimePoint start{std::chrono::milliseconds(a.start_ms)};
    if (a.to_capacity > a.from_capacity && !s.last_scale_out)
      s.last_scale_out = start;
    if (a.to_capacity < a.from_capacity && !s.last_scale_in)
      s.last_scale_in = start;
    if (s.last_scale_out && s.last_scale_in)
      break;
  }
  return s;
}

}  // namespace kiln
