// Decide: the autoscaler's policy arithmetic as a pure function of a target's state, its
// target-tracking policies, one load sample and the time — no clock, no I/O, no threads — so every
// rule is unit-tested exhaustively (scaling_decision_test.cc) without sleeping.
//
// Rules (AWS target tracking, research note §2.10, with Kiln's short windows):
//  - Per policy, the variant's total load is metric × current instances; the policy wants
//    ceil(total / TargetValue) instances. With no live instance it wants 1 when requests are
//    waiting or the metric is non-zero (scale from zero), else 0. Several policies: the largest
//    wants wins.
//  - Scale from zero on demand: when the autoscaler had set 0 and the variant now asks for
//    instances anyway (the endpoint starts one itself for a held request), that start is
//    recorded as a scale-out to the new count, so the endpoint's record and the activities agree.
//  - The result is clamped to [MinCapacity, MaxCapacity]; a capacity outside that range is brought
//    back into it at once (no cooldown), as AWS does after RegisterScalableTarget.
//  - Scale-out: when the wanted capacity exceeds the desired one. Not within a policy's
//    ScaleOutCooldown of the last scale-out (except from zero instances, where requests are held),
//    not when DynamicScalingOutSuspended.
//  - Scale-in is more conservative, as AWS's (which needs 15 low one-minute datapoints against 3
//    for scale-out): every policy must want fewer instances even with 10% headroom below its
//    target, continuously for the ScaleInCooldown (the longest of the policies'), and at least
//    that long after the last scale-in. A policy with DisableScaleIn never votes for fewer; so does
//    DynamicScalingInSuspended. Scale to zero is a scale-in like any other: MinCapacity 0 and no
//    load for the ScaleInCooldown.
// Thread-safety: pure functions on values.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "autoscale/capacity_target.h"
#include "autoscale/scaling_types.h"

namespace kiln {

// Scale-in keeps this fraction of the target as the most the remaining instances may carry.
inline constexpr double kScaleInHeadroom = 0.9;

// What the controller remembers about one scalable target between decisions.
struct TargetState {
  int min_capacity = 0;
  int max_capacity = 0;
  SuspendedState suspended;
  std::optional<TimePoint> last_scale_out;  // when the last scale-out was decided
  std::optional<TimePoint> last_scale_in;
  std::optional<TimePoint> low_since;  // since when every policy has wanted fewer instances
  // The capacity the autoscaler last set and saw applied (nullopt: none yet).
  std::optional<int> applied_capacity;
};

// One policy's parameters, as Decide needs them.
struct PolicyState {
  std::string name;
  std::string metric_type;  // kInvocationsPerInstance or kConcurrentRequestsPerModel
  double target_value = 1;
  std::chrono::seconds scale_out_cooldown{kDefaultCooldownSeconds};
  std::chrono::seconds scale_in_cooldown{kDefaultCooldownSeconds};
  bool disable_scale_in = false;
};
PolicyState PolicyStateOf(const ScalingPolicy& policy);

struct Decision {
  enum class Action { kNone, kScaleOut, kScaleIn };
  Action action = Action::kNone;
  int from = 0;        // the desired capacity before
  int to = 0;          // the new desired capacity (== from when kNone)
  std::string policy;  // the deciding policy; empty for a min/max correction
  std::string cause;   // for the activity, in words
  // The state to carry into the next call (low_since updated; last_scale_* set on an action).
  TargetState next;
};

// The metric the policy tracks, per instance, from a sample.
double PolicyMetric(const PolicyState& policy, const LoadSample& load);
// The instance count the policy wants for `load` (before clamping), dividing by
// target × `headroom` (1 for scale-out, kScaleInHeadroom for scale-in).
int WantedCapacity(const PolicyState& policy, const LoadSample& load, double headroom);

Decision Decide(const TargetState& target, const std::vector<PolicyState>& policies,
                const LoadSample& load, TimePoint now);

}  // namespace kiln
