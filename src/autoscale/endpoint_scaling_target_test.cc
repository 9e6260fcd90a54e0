// The autoscaler against Kiln's real EndpointService (database, store, an XGBoost model) through
// EndpointScalingTarget, with a ManualClock: a load step scales the variant out while it stays
// InService, idle time scales it to zero, and the next request is held and recorded.
#include "autoscale/endpoint_scaling_target.h"

#include <gtest/gtest.h>

#include "autoscale/autoscaling_service.h"
#include "serve/endpoint_service.h"
#include "serve/internal/serve_test_util.h"

namespace kiln {
namespace {

using serve_testing::CreateModelAndConfig;
using serve_testing::MakeData;
using serve_testing::MakeTarGz;
using serve_testing::ServeEnv;
using serve_testing::TrainBooster;
using serve_testing::WaitSettled;
using std::chrono::seconds;

constexpr char kResource[] = "endpoint/ep/variant/AllTraffic";

class EndpointScalingTargetTest : public ::testing::Test {
 protected:
  EndpointScalingTargetTest()
      : clock_(std::chrono::system_clock::time_point(seconds(1'800'000'000))) {}

  void SetUp() override {
    EndpointServiceOptions o = env_.Options();
    o.clock = &clock_;
    endpoints_ = EndpointService::Open(env_.db(), env_.store(), o).value();
    const std::string url = env_.Upload(
        "m/model.tar.gz",
        MakeTarGz({{"xgboost-model",
                    TrainBooster(MakeData(80, 4, 2, 5), "binary:logistic", 3).json_model}}));
    CreateModelAndConfig(*endpoints_, "ep-model", "ep-config", url);
    target_ = std::make_unique<EndpointScalingTarget>(*endpoints_);
    AutoScalingOptions a;
    a.clock = &clock_;
    autoscaling_ = AutoScalingService::Open(env_.db(), *target_, a).value();
  }
  void TearDown() override {
    autoscaling_.reset();
    target_.reset();
    endpoints_.reset();
  }
  void Deploy() {
    ASSERT_TRUE(endpoints_->CreateEndpoint("ep", "ep-config", {}).ok());
    ASSERT_EQ(WaitSettled(*endpoints_, "ep").status, EndpointStatus::kInService);
  }
  void Register(int min, int max, int in_cooldown) {
    RegisterTargetRequest r;
    r.resource_id = kResource;
    r.min_capacity = min;
    r.max_capacity = max;
    ASSERT_TRUE(autoscaling_->RegisterScalableTarget(r).ok());
    ScalingPolicy p;
    p.resource_id = kResource;
    p.policy_name = "rate";
    p.metric_type = kInvocationsPerInstance;
    p.target_value = 60;  // one invocation per second per instance
    p.scale_out_cooldown_s = 0;
    p.scale_in_cooldown_s = in_cooldown;
    ASSERT_TRUE(autoscaling_->PutScalingPolicy(p).ok());
  }
  void Invoke(int n) {
    for (int i = 0; i < n; ++i)
      ASSERT_TRUE(endpoints_->Invoke({"ep", "", "text/csv", "", "0.1,0.2,0.3,0.4"}).ok());
  }
  void Tick() {
    ASSERT_TRUE(autoscaling_->controller().Tick().ok());
    endpoints_->WaitIdle();
  }
  LoadSample Load() { return target_->Load("ep", "AllTraffic").value(); }

  ManualClock clock_;
  ServeEnv env_;
  std::unique_ptr<EndpointService> endpoints_;
  std::unique_ptr<EndpointScalingTarget> target_;
  std::unique_ptr<AutoScalingService> autoscaling_;
};

TEST_F(EndpointScalingTargetTest, ExistsAndLoadFollowTheEndpoint) {
  EXPECT_EQ(target_->Exists("ep", "AllTraffic").code(), StatusCode::kNotFound);
  Deploy();
  EXPECT_TRUE(target_->Exists("ep", "AllTraffic").ok());
  EXPECT_EQ(target_->Exists("ep", "Other").code(), StatusCode::kNotFound);
  const LoadSample idle = Load();
  EXPECT_EQ(idle.current_instances, 1);
  EXPECT_EQ(idle.desired_instances, 1);
  EXPECT_EQ(idle.invocations_per_instance_per_minute, 0);
  ASSERT_TRUE(endpoints_->DeleteEndpoint("ep").ok());
  EXPECT_FALSE(target_->Load("ep", "AllTraffic").ok());
}

TEST_F(EndpointScalingTargetTest, ALoadStepScalesTheRealEndpointOutAndIdleScalesItToZero) {
  Deploy();
  Register(0, 4, 30);
  Invoke(30);  // 30 requests in the window: several per second for one instance
  Tick();
  Tick();  // the instances load on the endpoint's worker: the next tick sees them serve
  LoadSample l = Load();
  EXPECT_GE(l.desired_instances, 2);
  EXPECT_EQ(l.current_instances, l.desired_instances);
  EXPECT_EQ(endpoints_->DescribeEndpoint("ep")->status, EndpointStatus::kInService);
  auto acts = autoscaling_->DescribeScalingActivities(kResource).value();
  ASSERT_EQ(acts.size(), 1u);
  EXPECT_EQ(acts[0].status, ActivityStatus::kSuccessful) << acts[0].status_message;

  // Idle: the window empties, then the scale-in cooldown passes.
  for (int i = 0; i < 45; ++i) {
    clock_.Advance(seconds(1));
    Tick();
  }
  EXPECT_EQ(Load().current_instances, 0);
  acts = autoscaling_->DescribeScalingActivities(kResource).value();
  EXPECT_EQ(acts[0].to_capacity, 0);
  EXPECT_EQ(acts[0].status, ActivityStatus::kSuccessful);

  Invoke(1);  // held while the endpoint starts an instance, then answered
  Tick();
  Tick();
  EXPECT_EQ(Load().desired_instances, 1);
  acts = autoscaling_->DescribeScalingActivities(kResource).value();
  EXPECT_EQ(acts[0].to_capacity, 1);
  EXPECT_NE(acts[0].cause.find("held"), std::string::npos) << acts[0].cause;
}

}  // namespace
}  // namespace kiln
