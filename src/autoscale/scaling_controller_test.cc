// The controller against an in-memory CapacityTarget and a ManualClock: Tick is called by the
// test, so nothing sleeps.
#include "autoscale/scaling_controller.h"

#include <gtest/gtest.h>

#include "autoscale/internal/autoscale_test_env.h"

namespace kiln {
namespace {

using autoscale_testing::AutoscaleEnv;
using autoscale_testing::kResource;
using std::chrono::seconds;

class ScalingControllerTest : public ::testing::Test {
 protected:
  ScalingControllerTest()
      : store_(ScalingStore::Open(env_.db()).value()),
        controller_(*store_, env_.target(), env_.clock(), ScalingControllerOptions{}) {
    ScalableTarget t;
    t.resource_id = kResource;
    t.min_capacity = 0;
    t.max_capacity = 5;
    EXPECT_TRUE(store_->PutTarget(t).ok());
    ScalingPolicy p;
    p.resource_id = kResource;
    p.policy_name = "track";
    p.metric_type = kInvocationsPerInstance;
    p.target_value = 100;
    p.scale_out_cooldown_s = 10;
    p.scale_in_cooldown_s = 20;
    EXPECT_TRUE(store_->PutPolicy(p).ok());
  }
  std::vector<ScalingActivity> Activities() { return *store_->ListActivities(kResource); }
  void Tick() { ASSERT_TRUE(controller_.Tick().ok()); }

  AutoscaleEnv env_;
  std::unique_ptr<ScalingStore> store_;
  ScalingController controller_;
};

TEST_F(ScalingControllerTest, ScalesOutAndRecordsASuccessfulActivity) {
  env_.target().SetLoad("ep", "v1", 350, 0);
  Tick();
  EXPECT_EQ(env_.target().Sample("ep", "v1").desired_instances, 4);
  auto a = Activities();
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].status, ActivityStatus::kSuccessful) << a[0].status_message;
  EXPECT_EQ(a[0].description, "Setting desired instance count to 4.");
  EXPECT_NE(a[0].cause.find("policy track"), std::string::npos) << a[0].cause;
  EXPECT_EQ(a[0].from_capacity, 1);
  EXPECT_EQ(a[0].to_capacity, 4);
  EXPECT_TRUE(a[0].end_ms.has_value());
  EXPECT_FALSE(a[0].activity_id.empty());
}

TEST_F(ScalingControllerTest, AtTheTargetDoesNothing) {
  env_.target().SetLoad("ep", "v1", 100, 0);
  Tick();
  Tick();
  EXPECT_EQ(env_.target().set_calls(), 0);
  EXPECT_TRUE(Activities().empty());
}

TEST_F(ScalingControllerTest, ActivityIsInProgressUntilTheInstancesServe) {
  env_.target().SetInstant(false);
  env_.target().SetLoad("ep", "v1", 250, 0);
  Tick();
  ASSERT_EQ(Activities().size(), 1u);
  EXPECT_EQ(Activities()[0].status, ActivityStatus::kInProgress);
  env_.clock().Advance(seconds(1));
  Tick();  // still loading: no second decision, no second call
  EXPECT_EQ(env_.target().set_calls(), 1);
  EXPECT_EQ(Activities()[0].status, ActivityStatus::kInProgress);
  env_.target().FinishLoading("ep", "v1");
  env_.clock().Advance(seconds(1));
  Tick();
  auto a = Activities();
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].status, ActivityStatus::kSuccessful);
  EXPECT_EQ(*a[0].end_ms - a[0].start_ms, 2000);
}

TEST_F(ScalingControllerTest, ARefusedChangeIsAFailedActivity) {
  env_.target().FailSetCapacity(Status::FailedPrecondition("endpoint \"ep\" is Updating"));
  env_.target().SetLoad("ep", "v1", 500, 0);
  Tick();
  auto a = Activities();
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].status, ActivityStatus::kFailed);
  EXPECT_NE(a[0].status_message.find("is Updating"), std::string::npos) << a[0].status_message;
}

TEST_F(ScalingControllerTest, InstancesThatNeverComeFailTheActivityAfterTheTimeout) {
  env_.target().SetInstant(false);
  env_.target().SetLoad("ep", "v1", 250, 0);
  Tick();
  env_.clock().Advance(seconds(121));
  Tick();
  auto a = Activities();
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a.back().status, ActivityStatus::kFailed);
  EXPECT_NE(a.back().status_message.find("giving up"), std::string::npos);
}

TEST_F(ScalingControllerTest, AnotherClientsChangeOverridesTheActivity) {
  env_.target().SetInstant(false);
  env_.target().SetLoad("ep", "v1", 250, 0);
  Tick();
  env_.target().SetDesired("ep", "v1", 2);
  Tick();
  EXPECT_EQ(Activities().back().status, ActivityStatus::kOverridden);
}

TEST_F(ScalingControllerTest, HonoursTheCooldownAcrossTicks) {
  env_.target().SetLoad("ep", "v1", 200, 0);  // 1 -> 2
  Tick();
  EXPECT_EQ(env_.target().Sample("ep", "v1").desired_instances, 2);
  env_.target().SetLoad("ep", "v1", 200, 0);  // now 2 x 200 -> 4, but cooling down for 10 s
  env_.clock().Advance(seconds(9));
  Tick();
  EXPECT_EQ(env_.target().Sample("ep", "v1").desired_instances, 2);
  env_.clock().Advance(seconds(1));
  Tick();
  EXPECT_EQ(env_.target().Sample("ep", "v1").desired_instances, 4);
  EXPECT_EQ(Activities().size(), 2u);
}

TEST_F(ScalingControllerTest, TheCooldownGoesOnAfterARestart) {
  env_.target().SetLoad("ep", "v1", 200, 0);  // 1 -> 2
  Tick();
  ASSERT_EQ(env_.target().Sample("ep", "v1").desired_instances, 2);
  // The server restarts 6 s later: a new controller on the same database.
  env_.clock().Advance(seconds(6));
  env_.Reopen();
  auto store = ScalingStore::Open(env_.db()).value();
  ScalingController restarted(*store, env_.target(), env_.clock(), ScalingControllerOptions{});
  env_.target().SetLoad("ep", "v1", 200, 0);  // 2 x 200 -> 4, but 4 s of cooldown are left
  ASSERT_TRUE(restarted.Tick().ok());
  env_.clock().Advance(seconds(3));
  ASSERT_TRUE(restarted.Tick().ok());
  EXPECT_EQ(env_.target().Sample("ep", "v1").desired_instances, 2);
  env_.clock().Advance(seconds(1));
  ASSERT_TRUE(restarted.Tick().ok());
  EXPECT_EQ(env_.target().Sample("ep", "v1").desired_instances, 4);
  EXPECT_EQ(store->ListActivities(kResource)->size(), 2u);
}

TEST_F(ScalingControllerTest, AReRegisteredTargetStartsWithoutTheOldCooldown) {
  env_.target().SetLoad("ep", "v1", 200, 0);  // 1 -> 2
  Tick();
  ASSERT_EQ(env_.target().Sample("ep", "v1").desired_instances, 2);
  // Deregistered and registered again 1 s later (its activities stay, as AWS keeps them).
  env_.clock().Advance(seconds(1));
  controller_.Forget(kResource);
  ScalableTarget t = *store_->FindTarget(kResource).value();
  t.creation_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(env_.clock().Now().time_since_epoch())
          .count();
  ASSERT_TRUE(store_->PutTarget(t).ok());
  env_.target().SetLoad("ep", "v1", 200, 0);
  Tick();
  EXPECT_EQ(env_.target().Sample("ep", "v1").desired_instances, 4);
}

TEST_F(ScalingControllerTest, ScalesBackDownAndToZeroAfterTheLoadStops) {
  env_.target().SetLoad("ep", "v1", 300, 0);
  Tick();
  ASSERT_EQ(env_.target().Sample("ep", "v1").desired_instances, 3);
  env_.target().SetLoad("ep", "v1", 0, 0);
  for (int i = 0; i < 19; ++i) {
    env_.clock().Advance(seconds(1));
    Tick();
  }
  EXPECT_EQ(env_.target().Sample("ep", "v1").desired_instances, 3);  // low for 18 s only
  env_.clock().Advance(seconds(2));
  Tick();
  EXPECT_EQ(env_.target().Sample("ep", "v1").desired_instances, 0);
  auto a = Activities();
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[0].to_capacity, 0);
  EXPECT_EQ(a[0].status, ActivityStatus::kSuccessful);
  // The first request after idle: held, seen as waiting, and an instance comes at once.
  env_.target().SetLoad("ep", "v1", 0, 0, 1);
  env_.clock().Advance(seconds(1));
  Tick();
  EXPECT_EQ(env_.target().Sample("ep", "v1").current_instances, 1);
  EXPECT_EQ(Activities()[0].to_capacity, 1);
  EXPECT_EQ(Activities()[0].status, ActivityStatus::kSuccessful);
}

TEST_F(ScalingControllerTest, AStartFromZeroBeforeTheScaleInIsSeenDoneIsRecordedAfterIt) {
  env_.target().SetInstant(false);
  env_.target().SetLoad("ep", "v1", 0, 0);
  for (int i = 0; i < 22 && env_.target().Sample("ep", "v1").desired_instances != 0; ++i) {
    env_.clock().Advance(seconds(1));
    Tick();
  }
  ASSERT_EQ(env_.target().Sample("ep", "v1").desired_instances, 0);
  ASSERT_EQ(Activities()[0].status, ActivityStatus::kInProgress);
  // The instance drains, a request comes and the endpoint starts one, all before the next tick.
  env_.target().FinishLoading("ep", "v1");
  env_.target().SetDesired("ep", "v1", 1);
  env_.target().FinishLoading("ep", "v1");
  env_.clock().Advance(seconds(1));
  Tick();
  auto a = Activities();
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[1].to_capacity, 0);
  EXPECT_EQ(a[1].status, ActivityStatus::kSuccessful) << a[1].status_message;
  EXPECT_EQ(a[0].to_capacity, 1);
  EXPECT_EQ(a[0].status, ActivityStatus::kSuccessful) << a[0].status_message;
}

TEST_F(ScalingControllerTest, RecordsTheEndpointsOwnStartFromZero) {
  env_.target().SetLoad("ep", "v1", 0, 0);
  for (int i = 0; i < 22; ++i) {
    env_.clock().Advance(seconds(1));
    Tick();
  }
  ASSERT_EQ(env_.target().Sample("ep", "v1").desired_instances, 0);
  const int calls = env_.target().set_calls();
  // A request came and the endpoint started an instance itself before the next tick.
  env_.target().SetDesired("ep", "v1", 1);
  env_.target().FinishLoading("ep", "v1");
  env_.target().SetLoad("ep", "v1", 6, 0.01);
  Tick();
  EXPECT_EQ(env_.target().set_calls(), calls + 1);  // the count is written down as 1
  auto a = Activities();
  EXPECT_EQ(a[0].from_capacity, 0);
  EXPECT_EQ(a[0].to_capacity, 1);
  EXPECT_EQ(a[0].status, ActivityStatus::kSuccessful);
  EXPECT_NE(a[0].cause.find("held"), std::string::npos) << a[0].cause;
}

TEST_F(ScalingControllerTest, AMissingEndpointIsSkippedAndOthersStillScale) {
  ScalableTarget other;
  other.resource_id = "endpoint/gone/variant/v1";
  other.min_capacity = 1;
  other.max_capacity = 2;
  ASSERT_TRUE(store_->PutTarget(other).ok());
  env_.target().SetLoad("ep", "v1", 300, 0);
  Tick();
  EXPECT_EQ(env_.target().Sample("ep", "v1").desired_instances, 3);
  EXPECT_EQ(store_->ListActivities("endpoint/gone/variant/v1")->size(), 0u);
}

TEST_F(ScalingControllerTest, ARaisedMinimumIsAppliedAtOnce) {
  ScalableTarget t = **store_->FindTarget(kResource);
  t.min_capacity = 3;
  ASSERT_TRUE(store_->PutTarget(t).ok());
  Tick();
  EXPECT_EQ(env_.target().Sample("ep", "v1").desired_instances, 3);
  EXPECT_NE(Activities()[0].cause.find("below MinCapacity"), std::string::npos);
}

TEST_F(ScalingControllerTest, TheThreadTicksByItself) {
  ScalingControllerOptions fast;
  fast.tick_interval = std::chrono::milliseconds(5);
  ScalingController threaded(*store_, env_.target(), env_.clock(), fast);
  env_.target().SetLoad("ep", "v1", 300, 0);
  threaded.Start();
  for (int i = 0; i < 2000 && env_.target().Sample("ep", "v1").desired_instances != 3; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  threaded.Stop();
  EXPECT_EQ(env_.target().Sample("ep", "v1").desired_instances, 3);
}

}  // namespace
}  // namespace kiln
