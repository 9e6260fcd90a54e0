#include "autoscale/scaling_store.h"

#include <gtest/gtest.h>

#include "autoscale/internal/autoscale_test_env.h"

namespace kiln {
namespace {

using autoscale_testing::AutoscaleEnv;
using autoscale_testing::kResource;

ScalableTarget Target(const std::string& id) {
  ScalableTarget t;
  t.resource_id = id;
  t.min_capacity = 1;
  t.max_capacity = 4;
  t.role_arn = "arn:aws:iam::000000000000:role/r";
  t.suspended.dynamic_scaling_out_suspended = true;
  t.arn = "arn:target/" + id;
  t.creation_ms = 1000;
  return t;
}

ScalingPolicy Policy(const std::string& id, const std::string& name) {
  ScalingPolicy p;
  p.resource_id = id;
  p.policy_name = name;
  p.arn = "arn:policy/" + name;
  p.metric_type = kInvocationsPerInstance;
  p.target_value = 70.5;
  p.scale_in_cooldown_s = 30;
  p.disable_scale_in = true;
  p.creation_ms = 2000;
  return p;
}

ScalingActivity Activity(const std::string& id, const std::string& resource, std::int64_t start) {
  ScalingActivity a;
  a.activity_id = id;
  a.resource_id = resource;
  a.description = "Setting desired instance count to 2.";
  a.cause = "policy p";
  a.start_ms = start;
  a.status = ActivityStatus::kInProgress;
  a.from_capacity = 1;
  a.to_capacity = 2;
  return a;
}

TEST(ScalingStore, RecordsSurviveReopening) {
  AutoscaleEnv env;
  {
    auto store = ScalingStore::Open(env.db());
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    ASSERT_TRUE((*store)->PutTarget(Target(kResource)).ok());
    ASSERT_TRUE((*store)->PutPolicy(Policy(kResource, "p1")).ok());
    ASSERT_TRUE((*store)->PutActivity(Activity("a1", kResource, 5)).ok());
  }
  env.Reopen();
  auto store = ScalingStore::Open(env.db());
  ASSERT_TRUE(store.ok());
  auto t = (*store)->FindTarget(kResource);
  ASSERT_TRUE(t.ok() && t->has_value());
  EXPECT_EQ((*t)->min_capacity, 1);
  EXPECT_EQ((*t)->max_capacity, 4);
  EXPECT_EQ((*t)->arn, "arn:target/endpoint/ep/variant/v1");
  EXPECT_TRUE((*t)->suspended.dynamic_scaling_out_suspended);
  EXPECT_FALSE((*t)->suspended.dynamic_scaling_in_suspended);
  auto policies = (*store)->ListPolicies(std::nullopt);
  ASSERT_TRUE(policies.ok());
  ASSERT_EQ(policies->size(), 1u);
  const ScalingPolicy& p = (*policies)[0];
  EXPECT_EQ(p.target_value, 70.5);
  EXPECT_FALSE(p.scale_out_cooldown_s.has_value());
  EXPECT_EQ(p.scale_in_cooldown_s, 30);
  EXPECT_TRUE(p.disable_scale_in);
  auto activities = (*store)->ListActivities(kResource);
  ASSERT_TRUE(activities.ok());
  ASSERT_EQ(activities->size(), 1u);
  EXPECT_EQ((*activities)[0].status, ActivityStatus::kInProgress);
  EXPECT_FALSE((*activities)[0].end_ms.has_value());
}

TEST(ScalingStore, PutTargetReplacesAndDeleteTargetTakesItsPolicies) {
  AutoscaleEnv env;
  auto store = ScalingStore::Open(env.db()).value();
  ASSERT_TRUE(store->PutTarget(Target(kResource)).ok());
  ScalableTarget t = Target(kResource);
  t.max_capacity = 9;
  ASSERT_TRUE(store->PutTarget(t).ok());
  EXPECT_EQ((*store->FindTarget(kResource))->max_capacity, 9);
  ASSERT_TRUE(store->PutTarget(Target("endpoint/other/variant/v")).ok());
  ASSERT_TRUE(store->PutPolicy(Policy(kResource, "a")).ok());
  ASSERT_TRUE(store->PutPolicy(Policy(kResource, "b")).ok());
  ASSERT_TRUE(store->PutPolicy(Policy("endpoint/other/variant/v", "c")).ok());
  EXPECT_EQ(store->ListPolicies(kResource)->size(), 2u);
  EXPECT_TRUE(*store->DeleteTarget(kResource));
  EXPECT_FALSE(*store->DeleteTarget(kResource));
  EXPECT_FALSE(store->FindTarget(kResource)->has_value());
  auto left = store->ListPolicies(std::nullopt);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].policy_name, "c");
}

TEST(ScalingStore, PolicyNeedsItsTarget) {
  AutoscaleEnv env;
  auto store = ScalingStore::Open(env.db()).value();
  EXPECT_FALSE(store->PutPolicy(Policy(kResource, "orphan")).ok());
}

TEST(ScalingStore, DeletePolicyReportsWhetherItExisted) {
  AutoscaleEnv env;
  auto store = ScalingStore::Open(env.db()).value();
  ASSERT_TRUE(store->PutTarget(Target(kResource)).ok());
  ASSERT_TRUE(store->PutPolicy(Policy(kResource, "p")).ok());
  EXPECT_TRUE(*store->DeletePolicy(kResource, "p"));
  EXPECT_FALSE(*store->DeletePolicy(kResource, "p"));
}

TEST(ScalingStore, ActivitiesAreNewestFirstUpdatedInPlaceAndPruned) {
  AutoscaleEnv env;
  auto store = ScalingStore::Open(env.db()).value();
  for (int i = 0; i < kMaxActivitiesPerTarget + 5; ++i)
    ASSERT_TRUE(store->PutActivity(Activity("a" + std::to_string(i), kResource, i)).ok());
  ASSERT_TRUE(store->PutActivity(Activity("other", "endpoint/x/variant/y", 0)).ok());
  ScalingActivity done = Activity("a204", kResource, 204);
  done.status = ActivityStatus::kSuccessful;
  done.end_ms = 300;
  ASSERT_TRUE(store->PutActivity(done).ok());
  auto mine = store->ListActivities(kResource);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), static_cast<std::size_t>(kMaxActivitiesPerTarget));
  EXPECT_EQ(mine->front().activity_id, "a204");
  EXPECT_EQ(mine->front().status, ActivityStatus::kSuccessful);
  EXPECT_EQ(mine->front().end_ms, 300);
  EXPECT_EQ(mine->back().activity_id, "a5");
  EXPECT_EQ(store->ListActivities(std::nullopt)->size(),
            static_cast<std::size_t>(kMaxActivitiesPerTarget) + 1);
}

TEST(ScalingStore, FailUnfinishedActivitiesEndsOnlyRunningOnes) {
  AutoscaleEnv env;
  auto store = ScalingStore::Open(env.db()).value();
  ASSERT_TRUE(store->PutActivity(Activity("running", kResource, 1)).ok());
  ScalingActivity ok = Activity("ok", kResource, 2);
  ok.status = ActivityStatus::kSuccessful;
  ok.end_ms = 3;
  ASSERT_TRUE(store->PutActivity(ok).ok());
  EXPECT_EQ(*store->FailUnfinishedActivities(99, "server stopped"), 1);
  auto all = *store->ListActivities(kResource);
  EXPECT_EQ(all[0].status, ActivityStatus::kSuccessful);
  EXPECT_EQ(all[0].end_ms, 3);
  EXPECT_EQ(all[1].status, ActivityStatus::kFailed);
  EXPECT_EQ(all[1].end_ms, 99);
  EXPECT_EQ(all[1].status_message, "server stopped");
}

}  // namespace
}  // namespace kiln
