// RestoreTargetState: what the controller remembers about a scalable target (scaling_decision.h's
// TargetState), rebuilt from the activities the ScalingStore kept, so a restart of the server does
// not restart the cooldowns: a scale-out decided 10 s before the restart still blocks the next
// scale-out for the rest of its ScaleOutCooldown, as it would have without the restart.
//
// Rules: the newest scale-out (to > from) and the newest scale-in (to < from) activity that started
// at or after the target's registration give last_scale_out / last_scale_in (their start time, as
// Decide sets them when it decides); whatever their status, because a failed change also set the
// timer while the process ran. The newest activity gives applied_capacity when it succeeded. The
// low-load timer (low_since) is not restored: scale-in waits a full ScaleInCooldown of low load
// measured by the new process, the conservative side. Min/max and suspension come from the target.
//
// Thread-safety: a pure function on values.
#pragma once

#include <vector>

#include "autoscale/scaling_decision.h"
#include "autoscale/scaling_types.h"

namespace kiln {

// `activities` newest first (ScalingStore::ListActivities), any targets' (others are skipped).
TargetState RestoreTargetState(const ScalableTarget& target,
                               const std::vector<ScalingActivity>& activities);

}  // namespace kiln
