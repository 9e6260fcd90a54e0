#include "autoscale/autoscaling_service.h"

#include <gtest/gtest.h>

#include "autoscale/internal/autoscale_test_env.h"

namespace kiln {
namespace {

using autoscale_testing::AutoscaleEnv;
using autoscale_testing::kResource;

class AutoScalingServiceTest : public ::testing::Test {
 protected:
  AutoScalingServiceTest() { Open(); }
  void Open() {
    service_.reset();
    AutoScalingOptions options;
    options.clock = &env_.clock();
    options.max_capacity = 8;
    options.max_policies_per_target = 2;
    auto s = AutoScalingService::Open(env_.db(), env_.target(), options);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    service_ = std::move(*s);
  }
  static RegisterTargetRequest Register(int min, int max) {
    RegisterTargetRequest r;
    r.resource_id = kResource;
    r.min_capacity = min;
    r.max_capacity = max;
    return r;
  }
  static ScalingPolicy Policy(const std::string& name, double target = 100) {
    ScalingPolicy p;
    p.resource_id = kResource;
    p.policy_name = name;
    p.metric_type = kInvocationsPerInstance;
    p.target_value = target;
    return p;
  }

  AutoscaleEnv env_;
  std::unique_ptr<AutoScalingService> service_;
};

void ExpectError(const Status& s, const char* reason, const std::string& words) {
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.reason(), reason) << s.ToString();
  EXPECT_NE(s.message().find(words), std::string::npos) << s.message();
}

TEST_F(AutoScalingServiceTest, RegistersDescribesAndDeregistersATarget) {
  auto t = service_->RegisterScalableTarget(Register(1, 4));
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  EXPECT_EQ(
      t->arn.rfind("arn:aws:application-autoscaling:us-east-1:000000000000:scalable-target/", 0),
      0u)
      << t->arn;
  EXPECT_EQ(t->creation_ms, 1'700'000'000'000);
  EXPECT_NE(t->role_arn.find("AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint"),
            std::string::npos);
  auto all = service_->DescribeScalableTargets();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].max_capacity, 4);
  ASSERT_TRUE(service_->DeregisterScalableTarget(kResource).ok());
  EXPECT_TRUE(service_->DescribeScalableTargets()->empty());
  ExpectError(service_->DeregisterScalableTarget(kResource), kObjectNotFoundException,
              "No scalable target found for service namespace: sagemaker, resource ID: "
              "endpoint/ep/variant/v1, scalable dimension: sagemaker:variant:DesiredInstanceCount");
}

TEST_F(AutoScalingServiceTest, ReRegisteringChangesOnlyWhatIsGiven) {
  ASSERT_TRUE(service_->RegisterScalableTarget(Register(1, 4)).ok());
  const std::string arn = (*service_->DescribeScalableTargets())[0].arn;
  RegisterTargetRequest r;
  r.resource_id = kResource;
  r.max_capacity = 6;
  r.dynamic_scaling_in_suspended = true;
  auto t = service_->RegisterScalableTarget(r);
  ASSERT_TRUE(t.ok()) << t.error().ToString();
  EXPECT_EQ(t->min_capacity, 1);
  EXPECT_EQ(t->max_capacity, 6);
  EXPECT_EQ(t->arn, arn);
  EXPECT_TRUE(t->suspended.dynamic_scaling_in_suspended);
  EXPECT_FALSE(t->suspended.dynamic_scaling_out_suspended);
}

TEST_F(AutoScalingServiceTest, RefusesTargetsThatCannotBe) {
  RegisterTargetRequest missing_endpoint = Register(1, 2);
  missing_endpoint.resource_id = "endpoint/nope/variant/v1";
  ExpectError(service_->RegisterScalableTarget(missing_endpoint).status(), kValidationException,
              "endpoint \"nope\" has no variant \"v1\"");
  RegisterTargetRequest bad_id = Register(1, 2);
  bad_id.resource_id = "endpoint/ep/v1";
  ExpectError(service_->RegisterScalableTarget(bad_id).status(), kValidationException,
              "has no /variant/ part");
  bad_id.resource_id = "table/ep/variant/v1";
  ExpectError(service_->RegisterScalableTarget(bad_id).status(), kValidationException,
              "does not start with endpoint/");
  bad_id.resource_id = "endpoint/bad_name/variant/v1";
  ExpectError(service_->RegisterScalableTarget(bad_id).status(), kValidationException,
              "\"bad_name\" is not an endpoint name");
  RegisterTargetRequest no_max;
  no_max.resource_id = kResource;
  no_max.min_capacity = 1;
  ExpectError(service_->RegisterScalableTarget(no_max).status(), kValidationException,
              "MinCapacity and MaxCapacity are required");
  ExpectError(service_->RegisterScalableTarget(Register(3, 2)).status(), kValidationException,
              "MaxCapacity (2) must not be less than MinCapacity (3)");
  ExpectError(service_->RegisterScalableTarget(Register(-1, 2)).status(), kValidationException,
              "MinCapacity must be at least 0");
  ExpectError(service_->RegisterScalableTarget(Register(1, 9)).status(), kValidationException,
              "MaxCapacity 9 is above the 8 instances");
  ExpectError(service_->RegisterScalableTarget(Register(0, 0)).status(), kValidationException,
              "MaxCapacity must be at least 1");
  EXPECT_TRUE(service_->DescribeScalableTargets()->empty());
}

TEST_F(AutoScalingServiceTest, PutsUpdatesAndDeletesPolicies) {
  ExpectError(service_->PutScalingPolicy(Policy("p")).status(), kObjectNotFoundException,
              "No scalable target registered for service namespace: sagemaker, resource ID: "
              "endpoint/ep/variant/v1");
  ASSERT_TRUE(service_->RegisterScalableTarget(Register(1, 4)).ok());
  auto p = service_->PutScalingPolicy(Policy("p"));
  ASSERT_TRUE(p.ok()) << p.error().ToString();
  EXPECT_EQ(p->arn.rfind("arn:aws:autoscaling:us-east-1:000000000000:scalingPolicy:", 0), 0u);
  EXPECT_NE(p->arn.find(":resource/sagemaker/endpoint/ep/variant/v1:policyName/p"),
            std::string::npos)
      << p->arn;
  env_.clock().Advance(std::chrono::seconds(5));
  auto updated = service_->PutScalingPolicy(Policy("p", 42));
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->arn, p->arn);
  EXPECT_EQ(updated->creation_ms, p->creation_ms);
  auto listed = service_->DescribeScalingPolicies(kResource);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].target_value, 42);
  ASSERT_TRUE(service_->PutScalingPolicy(Policy("q")).ok());
  ExpectError(service_->PutScalingPolicy(Policy("r")).status(), kLimitExceededException,
              "at most 2 scaling policies");
  ASSERT_TRUE(service_->DeleteScalingPolicy(kResource, "p").ok());
  ExpectError(service_->DeleteScalingPolicy(kResource, "p"), kObjectNotFoundException,
              "policy name: p");
  ASSERT_TRUE(service_->DeregisterScalableTarget(kResource).ok());
  EXPECT_TRUE(service_->DescribeScalingPolicies(std::nullopt)->empty());
}

TEST_F(AutoScalingServiceTest, RefusesPoliciesThatCannotBe) {
  ASSERT_TRUE(service_->RegisterScalableTarget(Register(1, 4)).ok());
  ScalingPolicy cpu = Policy("p");
  cpu.metric_type = "ECSServiceAverageCPUUtilization";
  ExpectError(service_->PutScalingPolicy(cpu).status(), kValidationException,
              "PredefinedMetricType \"ECSServiceAverageCPUUtilization\"");
  ExpectError(service_->PutScalingPolicy(Policy("p", 0)).status(), kValidationException,
              "TargetValue must be a positive number");
  ExpectError(service_->PutScalingPolicy(Policy("p", -3)).status(), kValidationException,
              "TargetValue");
  ScalingPolicy cooldown = Policy("p");
  cooldown.scale_in_cooldown_s = -1;
  ExpectError(service_->PutScalingPolicy(cooldown).status(), kValidationException,
              "ScaleInCooldown must be between 0 and 86400 seconds");
  ExpectError(service_->PutScalingPolicy(Policy("")).status(), kValidationException,
              "PolicyName must be 1 to 256 characters");
  ExpectError(service_->PutScalingPolicy(Policy("a:b")).status(), kValidationException,
              "PolicyName \"a:b\"");
  EXPECT_TRUE(service_->DescribeScalingPolicies(std::nullopt)->empty());
}

TEST_F(AutoScalingServiceTest, EverythingSurvivesARestartAndRunningActivitiesFail) {
  ASSERT_TRUE(service_->RegisterScalableTarget(Register(1, 4)).ok());
  ASSERT_TRUE(service_->PutScalingPolicy(Policy("p")).ok());
  env_.target().SetInstant(false);
  env_.target().SetLoad("ep", "v1", 300, 0);
  ASSERT_TRUE(service_->controller().Tick().ok());
  ASSERT_EQ((*service_->DescribeScalingActivities(kResource))[0].status,
            ActivityStatus::kInProgress);
  service_.reset();
  env_.Reopen();
  Open();
  EXPECT_EQ(service_->DescribeScalableTargets()->size(), 1u);
  EXPECT_EQ(service_->DescribeScalingPolicies(kResource)->size(), 1u);
  auto a = *service_->DescribeScalingActivities(std::nullopt);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].status, ActivityStatus::kFailed);
  EXPECT_NE(a[0].status_message.find("server stopped"), std::string::npos);
}

}  // namespace
}  // namespace kiln
