// Decide's rules one by one (scaling_decision.h), with explicit times: no clock, no sleeping.
#include "autoscale/scaling_decision.h"

#include <gtest/gtest.h>

namespace kiln {
namespace {

using Action = Decision::Action;
using std::chrono::seconds;

const TimePoint kT0 = TimePoint(std::chrono::hours(24 * 365 * 50));

TargetState Target(int min, int max) {
  TargetState t;
  t.min_capacity = min;
  t.max_capacity = max;
  return t;
}

PolicyState Invocations(double target, int out_cooldown = 60, int in_cooldown = 60) {
  PolicyState p;
  p.name = "invocations";
  p.metric_type = kInvocationsPerInstance;
  p.target_value = target;
  p.scale_out_cooldown = seconds(out_cooldown);
  p.scale_in_cooldown = seconds(in_cooldown);
  return p;
}

PolicyState Concurrency(double target, int out_cooldown = 60, int in_cooldown = 60) {
  PolicyState p = Invocations(target, out_cooldown, in_cooldown);
  p.name = "concurrency";
  p.metric_type = kConcurrentRequestsPerModel;
  return p;
}

LoadSample Load(int instances, double invocations, double concurrency = 0, int waiting = 0) {
  LoadSample l;
  l.current_instances = l.desired_instances = instances;
  l.invocations_per_instance_per_minute = invocations;
  l.concurrent_requests_per_instance = concurrency;
  l.waiting_requests = waiting;
  return l;
}

TEST(WantedCapacity, IsTheCeilingOfTotalLoadOverTarget) {
  EXPECT_EQ(WantedCapacity(Invocations(100), Load(1, 250), 1.0), 3);
  EXPECT_EQ(WantedCapacity(Invocations(100), Load(2, 100), 1.0), 2);  // exact: no rounding up
  EXPECT_EQ(WantedCapacity(Invocations(100), Load(3, 0.1), 1.0), 1);  // any load keeps one
  EXPECT_EQ(WantedCapacity(Invocations(100), Load(3, 0), 1.0), 0);
  EXPECT_EQ(WantedCapacity(Invocations(0.3), Load(1, 0.9), 1.0), 3);  // float noise is ignored
  EXPECT_EQ(WantedCapacity(Invocations(100), Load(2, 95), kScaleInHeadroom), 3);
  EXPECT_EQ(WantedCapacity(Invocations(100), Load(2, 45), kScaleInHeadroom), 1);
  EXPECT_EQ(WantedCapacity(Invocations(1e-300), Load(16, 1e300), 1.0), 1 << 20);  // no overflow
}

TEST(WantedCapacity, WithNoInstanceIsOneWhenRequestsWaitOrLoadIsSeen) {
  EXPECT_EQ(WantedCapacity(Invocations(100), Load(0, 0, 0, 1), 1.0), 1);
  EXPECT_EQ(WantedCapacity(Invocations(100), Load(0, 0, 0, 0), 1.0), 0);
  EXPECT_EQ(WantedCapacity(Concurrency(1), Load(0, 0, 0.5, 0), 1.0), 1);
}

TEST(WantedCapacity, TracksThePolicysOwnMetric) {
  const LoadSample l = Load(2, 10, 3);
  EXPECT_EQ(WantedCapacity(Invocations(10), l, 1.0), 2);
  EXPECT_EQ(WantedCapacity(Concurrency(1), l, 1.0), 6);
}

TEST(Decide, WithoutPoliciesDoesNothingInsideTheRange) {
  const Decision d = Decide(Target(1, 4), {}, Load(2, 1e6), kT0);
  EXPECT_EQ(d.action, Action::kNone);
  EXPECT_EQ(d.to, 2);
}

TEST(Decide, BringsCapacityBelowMinUpAtOnceEvenInCooldown) {
  TargetState t = Target(3, 5);
  t.last_scale_out = kT0;
  const Decision d = Decide(t, {Invocations(100)}, Load(1, 0), kT0 + seconds(1));
  EXPECT_EQ(d.action, Action::kScaleOut);
  EXPECT_EQ(d.from, 1);
  EXPECT_EQ(d.to, 3);
  EXPECT_TRUE(d.policy.empty());
  EXPECT_NE(d.cause.find("below MinCapacity 3"), std::string::npos) << d.cause;
}

TEST(Decide, BringsCapacityAboveMaxDownAtOnce) {
  const Decision d = Decide(Target(1, 2), {Invocations(100)}, Load(4, 1000), kT0);
  EXPECT_EQ(d.action, Action::kScaleIn);
  EXPECT_EQ(d.to, 2);
  EXPECT_NE(d.cause.find("above MaxCapacity 2"), std::string::npos) << d.cause;
}

TEST(Decide, ScalesOutToTheCeilingOfLoadOverTarget) {
  const Decision d = Decide(Target(1, 10), {Invocations(100)}, Load(1, 250), kT0);
  EXPECT_EQ(d.action, Action::kScaleOut);
  EXPECT_EQ(d.from, 1);
  EXPECT_EQ(d.to, 3);
  EXPECT_EQ(d.policy, "invocations");
  EXPECT_EQ(d.next.last_scale_out, kT0);
  EXPECT_FALSE(d.next.low_since.has_value());
  EXPECT_NE(d.cause.find("policy invocations"), std::string::npos) << d.cause;
  EXPECT_NE(d.cause.find(kInvocationsPerInstance), std::string::npos) << d.cause;
  EXPECT_NE(d.cause.find("target 100"), std::string::npos) << d.cause;
}

TEST(Decide, AtTheTargetDoesNothing) {
  const Decision d = Decide(Target(1, 10), {Invocations(100)}, Load(3, 100), kT0);
  EXPECT_EQ(d.action, Action::kNone);
  EXPECT_FALSE(d.next.low_since.has_value());
}

TEST(Decide, ScaleOutIsClampedToMaxCapacity) {
  const Decision d = Decide(Target(1, 4), {Invocations(10)}, Load(1, 1000), kT0);
  EXPECT_EQ(d.action, Action::kScaleOut);
  EXPECT_EQ(d.to, 4);
}

TEST(Decide, AtMaxCapacityUnderHeavyLoadDoesNothing) {
  const Decision d = Decide(Target(1, 4), {Invocations(10)}, Load(4, 1000), kT0);
  EXPECT_EQ(d.action, Action::kNone);
}

TEST(Decide, HonoursTheScaleOutCooldown) {
  TargetState t = Target(1, 10);
  t.last_scale_out = kT0;
  const std::vector<PolicyState> p = {Invocations(100, 30)};
  EXPECT_EQ(Decide(t, p, Load(2, 300), kT0 + seconds(29)).action, Action::kNone);
  const Decision d = Decide(t, p, Load(2, 300), kT0 + seconds(30));
  EXPECT_EQ(d.action, Action::kScaleOut);
  EXPECT_EQ(d.to, 6);
  EXPECT_EQ(d.next.last_scale_out, kT0 + seconds(30));
}

TEST(Decide, ZeroCooldownScalesOutAgainAtOnce) {
  TargetState t = Target(1, 10);
  t.last_scale_out = kT0;
  EXPECT_EQ(Decide(t, {Invocations(100, 0)}, Load(2, 300), kT0).action, Action::kScaleOut);
}

TEST(Decide, ScaleOutCooldownIsPerPolicy) {
  TargetState t = Target(1, 10);
  t.last_scale_out = kT0;
  PolicyState slow = Invocations(10, 300);  // wants 20 -> 10, but cools down
  PolicyState fast = Concurrency(1, 5);     // wants 4
  const Decision d = Decide(t, {slow, fast}, Load(2, 100, 2), kT0 + seconds(10));
  EXPECT_EQ(d.action, Action::kScaleOut);
  EXPECT_EQ(d.to, 4);
  EXPECT_EQ(d.policy, "concurrency");
}

TEST(Decide, ScalesFromZeroWhenRequestsWaitEvenInCooldown) {
  TargetState t = Target(0, 3);
  t.last_scale_out = kT0;
  const Decision d = Decide(t, {Invocations(100, 600)}, Load(0, 0, 0, 1), kT0 + seconds(1));
  EXPECT_EQ(d.action, Action::kScaleOut);
  EXPECT_EQ(d.from, 0);
  EXPECT_EQ(d.to, 1);
  EXPECT_NE(d.cause.find("1 request(s) waiting"), std::string::npos) << d.cause;
}

TEST(Decide, RecordsAnOnDemandStartAfterScalingToZero) {
  TargetState t = Target(0, 3);
  t.applied_capacity = 0;
  t.last_scale_out = kT0;
  const Decision d = Decide(t, {Invocations(100, 600)}, Load(1, 0.5), kT0 + seconds(1));
  EXPECT_EQ(d.action, Action::kScaleOut);
  EXPECT_EQ(d.from, 0);
  EXPECT_EQ(d.to, 1);
  EXPECT_NE(d.cause.find("held (not failed)"), std::string::npos) << d.cause;
  // Not when the autoscaler itself set what the variant has.
  t.applied_capacity = 1;
  EXPECT_EQ(Decide(t, {Invocations(100, 600)}, Load(1, 0.5), kT0).action, Action::kNone);
}

TEST(Decide, AtZeroWithoutRequestsStaysAtZero) {
  const Decision d = Decide(Target(0, 3), {Invocations(100)}, Load(0, 0), kT0);
  EXPECT_EQ(d.action, Action::kNone);
  EXPECT_EQ(d.to, 0);
}

TEST(Decide, SuspendedScaleOutDoesNotScaleOut) {
  TargetState t = Target(0, 10);
  t.suspended.dynamic_scaling_out_suspended = true;
  EXPECT_EQ(Decide(t, {Invocations(100)}, Load(1, 1000), kT0).action, Action::kNone);
  EXPECT_EQ(Decide(t, {Invocations(100)}, Load(0, 0, 0, 5), kT0).action, Action::kNone);
  // ... but the min/max range still holds.
  t.min_capacity = 2;
  EXPECT_EQ(Decide(t, {Invocations(100)}, Load(1, 0), kT0).action, Action::kScaleOut);
}

TEST(Decide, SeveralPoliciesTheLargestCapacityWins) {
  const Decision d =
      Decide(Target(1, 10), {Invocations(100), Concurrency(2)}, Load(2, 150, 5), kT0);  // 3 vs 5
  EXPECT_EQ(d.action, Action::kScaleOut);
  EXPECT_EQ(d.to, 5);
  EXPECT_EQ(d.policy, "concurrency");
  const Decision e =
      Decide(Target(1, 10), {Invocations(100), Concurrency(2)}, Load(2, 400, 1), kT0);  // 8 vs 1
  EXPECT_EQ(e.to, 8);
  EXPECT_EQ(e.policy, "invocations");
}

TEST(Decide, InstancesStillLoadingAreNotAskedForAgain) {
  LoadSample l = Load(1, 250);  // one live instance carries all the load ...
  l.desired_instances = 3;      // ... and two more are loading
  EXPECT_EQ(Decide(Target(1, 10), {Invocations(100)}, l, kT0).action, Action::kNone);
}

TEST(Decide, ScaleInWaitsUntilLoadHasBeenLowForTheScaleInCooldown) {
  const std::vector<PolicyState> p = {Invocations(100, 0, 30)};
  TargetState t = Target(1, 10);
  Decision d = Decide(t, p, Load(4, 10), kT0);  // 40 in total: 1 instance is enough
  EXPECT_EQ(d.action, Action::kNone);
  ASSERT_TRUE(d.next.low_since.has_value());
  EXPECT_EQ(*d.next.low_since, kT0);
  d = Decide(d.next, p, Load(4, 10), kT0 + seconds(29));
  EXPECT_EQ(d.action, Action::kNone);
  EXPECT_EQ(*d.next.low_since, kT0);
  d = Decide(d.next, p, Load(4, 10), kT0 + seconds(30));
  EXPECT_EQ(d.action, Action::kScaleIn);
  EXPECT_EQ(d.from, 4);
  EXPECT_EQ(d.to, 1);
  EXPECT_EQ(d.next.last_scale_in, kT0 + seconds(30));
  EXPECT_FALSE(d.next.low_since.has_value());
  EXPECT_NE(d.cause.find("headroom"), std::string::npos) << d.cause;
}

TEST(Decide, ABusyMomentRestartsTheLowLoadWait) {
  const std::vector<PolicyState> p = {Invocations(100, 600, 30)};
  Decision d = Decide(Target(1, 10), p, Load(4, 10), kT0);
  d = Decide(d.next, p, Load(4, 100), kT0 + seconds(20));  // at target again
  EXPECT_FALSE(d.next.low_since.has_value());
  d = Decide(d.next, p, Load(4, 10), kT0 + seconds(31));
  EXPECT_EQ(d.action, Action::kNone);
  EXPECT_EQ(*d.next.low_since, kT0 + seconds(31));
  EXPECT_EQ(Decide(d.next, p, Load(4, 10), kT0 + seconds(61)).action, Action::kScaleIn);
}

TEST(Decide, ScaleInKeepsHeadroomBelowTheTarget) {
  const std::vector<PolicyState> p = {Invocations(100, 0, 0)};
  // 2 instances at 47.5 each: 95 in total would fit one instance at 95% of the target, which is
  // above the 90% scale-in allows: stay at 2.
  EXPECT_EQ(Decide(Target(1, 10), p, Load(2, 47.5), kT0).action, Action::kNone);
  const Decision d = Decide(Target(1, 10), p, Load(2, 44), kT0);
  EXPECT_EQ(d.action, Action::kScaleIn);
  EXPECT_EQ(d.to, 1);
}

TEST(Decide, ScaleInIsClampedToMinCapacity) {
  const Decision d = Decide(Target(2, 10), {Invocations(100, 0, 0)}, Load(5, 1), kT0);
  EXPECT_EQ(d.action, Action::kScaleIn);
  EXPECT_EQ(d.to, 2);
  EXPECT_EQ(Decide(Target(2, 10), {Invocations(100, 0, 0)}, Load(2, 0), kT0).action, Action::kNone);
}

TEST(Decide, HonoursTheScaleInCooldownAfterAScaleIn) {
  const std::vector<PolicyState> p = {Invocations(100, 0, 30)};
  TargetState t = Target(1, 10);
  t.last_scale_in = kT0;
  t.low_since = kT0 - seconds(100);
  EXPECT_EQ(Decide(t, p, Load(4, 1), kT0 + seconds(29)).action, Action::kNone);
  EXPECT_EQ(Decide(t, p, Load(4, 1), kT0 + seconds(30)).action, Action::kScaleIn);
}

TEST(Decide, DisableScaleInNeverScalesInButStillScalesOut) {
  PolicyState p = Invocations(100, 0, 0);
  p.disable_scale_in = true;
  TargetState t = Target(1, 10);
  Decision d = Decide(t, {p}, Load(4, 0), kT0);
  EXPECT_EQ(d.action, Action::kNone);
  EXPECT_EQ(Decide(d.next, {p}, Load(4, 0), kT0 + std::chrono::hours(1)).action, Action::kNone);
  EXPECT_EQ(Decide(t, {p}, Load(4, 200), kT0).to, 8);
}

TEST(Decide, APolicyWithDisableScaleInHoldsTheOthersBack) {
  PolicyState keep = Concurrency(1, 0, 0);
  keep.disable_scale_in = true;
  const std::vector<PolicyState> p = {Invocations(100, 0, 0), keep};
  EXPECT_EQ(Decide(Target(1, 10), p, Load(4, 0, 0), kT0).action, Action::kNone);
}

TEST(Decide, SuspendedScaleInDoesNotScaleIn) {
  TargetState t = Target(0, 10);
  t.suspended.dynamic_scaling_in_suspended = true;
  Decision d = Decide(t, {Invocations(100, 0, 0)}, Load(4, 0), kT0);
  EXPECT_EQ(d.action, Action::kNone);
  EXPECT_FALSE(d.next.low_since.has_value());
}

TEST(Decide, SeveralPoliciesScaleInOnlyWhenAllWantFewer) {
  const std::vector<PolicyState> p = {Invocations(100, 0, 0), Concurrency(1, 0, 0)};
  // Invocations alone would go to 1; concurrency 4 x 0.8 = 3.2 keeps 4 (3.2 / 0.9 -> 4).
  EXPECT_EQ(Decide(Target(1, 10), p, Load(4, 1, 0.8), kT0).action, Action::kNone);
  // Both want fewer: the larger of the two wins (concurrency 4 x 0.4 = 1.6 / 0.9 -> 2).
  const Decision d = Decide(Target(1, 10), p, Load(4, 1, 0.4), kT0);
  EXPECT_EQ(d.action, Action::kScaleIn);
  EXPECT_EQ(d.to, 2);
  EXPECT_EQ(d.policy, "concurrency");
}

TEST(Decide, SeveralPoliciesScaleInWaitsForTheLongestCooldown) {
  const std::vector<PolicyState> p = {Invocations(100, 0, 10), Concurrency(1, 0, 40)};
  Decision d = Decide(Target(1, 10), p, Load(4, 0, 0), kT0);
  d = Decide(d.next, p, Load(4, 0, 0), kT0 + seconds(39));
  EXPECT_EQ(d.action, Action::kNone);
  d = Decide(d.next, p, Load(4, 0, 0), kT0 + seconds(40));
  EXPECT_EQ(d.action, Action::kScaleIn);
}

TEST(Decide, ScalesToZeroOnlyWithMinZeroAndNoLoadForTheCooldown) {
  const std::vector<PolicyState> p = {Invocations(100, 0, 20)};
  Decision d = Decide(Target(0, 3), p, Load(1, 0), kT0);
  EXPECT_EQ(d.action, Action::kNone);
  d = Decide(d.next, p, Load(1, 0), kT0 + seconds(20));
  EXPECT_EQ(d.action, Action::kScaleIn);
  EXPECT_EQ(d.to, 0);
  // Any load at all keeps one instance.
  Decision busy = Decide(Target(0, 3), p, Load(1, 0.01), kT0);
  EXPECT_EQ(Decide(busy.next, p, Load(1, 0.01), kT0 + seconds(60)).action, Action::kNone);
  // MinCapacity 1 keeps one.
  Decision one = Decide(Target(1, 3), p, Load(1, 0), kT0);
  EXPECT_EQ(Decide(one.next, p, Load(1, 0), kT0 + seconds(60)).action, Action::kNone);
}

TEST(Decide, AScaleOutClearsTheLowLoadWait) {
  const std::vector<PolicyState> p = {Invocations(100, 0, 30)};
  TargetState t = Target(1, 10);
  t.low_since = kT0;
  const Decision d = Decide(t, p, Load(2, 500), kT0 + seconds(5));
  EXPECT_EQ(d.action, Action::kScaleOut);
  EXPECT_FALSE(d.next.low_since.has_value());
}

TEST(PolicyStateOf, DefaultsCooldownsToAwsFiveMinutes) {
  ScalingPolicy sp;
  sp.policy_name = "p";
  sp.metric_type = kInvocationsPerInstance;
  sp.target_value = 7;
  sp.scale_in_cooldown_s = 12;
  sp.disable_scale_in = true;
  const PolicyState p = PolicyStateOf(sp);
  EXPECT_EQ(p.scale_out_cooldown, seconds(300));
  EXPECT_EQ(p.scale_in_cooldown, seconds(12));
  EXPECT_EQ(p.target_value, 7);
  EXPECT_TRUE(p.disable_scale_in);
}

}  // namespace
}  // namespace kiln
