// RestoreTargetState's rules (scaling_history.h) on hand-made activity lists.
#include "autoscale/scaling_history.h"

#include <gtest/gtest.h>

namespace kiln {
namespace {

constexpr char kResource[] = "endpoint/ep/variant/v1";

ScalingActivity Activity(std::int64_t start_ms, int from, int to, ActivityStatus status,
                         const char* resource = kResource) {
  ScalingActivity a;
  a.resource_id = resource;
  a.start_ms = start_ms;
  a.from_capacity = from;
  a.to_capacity = to;
  a.status = status;
  return a;
}

ScalableTarget Target(std::int64_t creation_ms = 0) {
  ScalableTarget t;
  t.resource_id = kResource;
  t.min_capacity = 1;
  t.max_capacity = 8;
  t.suspended.dynamic_scaling_in_suspended = true;
  t.creation_ms = creation_ms;
  return t;
}

TimePoint At(std::int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

TEST(RestoreTargetStateTest, NoActivitiesGiveNoTimers) {
  const TargetState s = RestoreTargetState(Target(), {});
  EXPECT_EQ(s.min_capacity, 1);
  EXPECT_EQ(s.max_capacity, 8);
  EXPECT_TRUE(s.suspended.dynamic_scaling_in_suspended);
  EXPECT_FALSE(s.last_scale_out);
  EXPECT_FALSE(s.last_scale_in);
  EXPECT_FALSE(s.low_since);
  EXPECT_FALSE(s.applied_capacity);
}

TEST(RestoreTargetStateTest, TheNewestScaleOutAndScaleInSetTheTimers) {
  // Newest first, as ScalingStore::ListActivities returns them.
  const std::vector<ScalingActivity> history = {
      Activity(5000, 4, 2, ActivityStatus::kSuccessful),
      Activity(4000, 2, 4, ActivityStatus::kFailed),
      Activity(3000, 1, 2, ActivityStatus::kSuccessful),
      Activity(2000, 3, 1, ActivityStatus::kSuccessful),
  };
  const TargetState s = RestoreTargetState(Target(), history);
  EXPECT_EQ(s.last_scale_in, At(5000));
  EXPECT_EQ(s.last_scale_out, At(4000));  // a failed change set the timer too
  EXPECT_EQ(s.applied_capacity, 2);
  EXPECT_FALSE(s.low_since);  // measured again by the new process
}

TEST(RestoreTargetStateTest, AppliedCapacityOnlyWhenTheNewestSucceeded) {
  const TargetState s =
      RestoreTargetState(Target(), {Activity(2000, 2, 3, ActivityStatus::kFailed),
                                    Activity(1000, 1, 2, ActivityStatus::kSuccessful)});
  EXPECT_FALSE(s.applied_capacity);
  EXPECT_EQ(s.last_scale_out, At(2000));
  EXPECT_FALSE(s.last_scale_in);
}

TEST(RestoreTargetStateTest, AScaleToZeroIsRememberedAsApplied) {
  const TargetState s =
      RestoreTargetState(Target(), {Activity(1000, 1, 0, ActivityStatus::kSuccessful)});
  EXPECT_EQ(s.applied_capacity, 0);
  EXPECT_EQ(s.last_scale_in, At(1000));
}

TEST(RestoreTargetStateTest, ActivitiesBeforeTheRegistrationAndOfOtherTargetsAreSkipped) {
  const std::vector<ScalingActivity> history = {
      Activity(9000, 1, 5, ActivityStatus::kSuccessful, "endpoint/other/variant/v1"),
      Activity(6000, 3, 2, ActivityStatus::kSuccessful),
      Activity(4000, 1, 3, ActivityStatus::kSuccessful),  // before the target was registered
  };
  const TargetState s = RestoreTargetState(Target(5000), history);
  EXPECT_EQ(s.last_scale_in, At(6000));
  EXPECT_FALSE(s.last_scale_out);
  EXPECT_EQ(s.applied_capacity, 2);
}

}  // namespace
}  // namespace kiln
