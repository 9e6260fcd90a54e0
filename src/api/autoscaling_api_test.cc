// The Application Auto Scaling wire format: requests as boto3 sends them, responses and errors as
// botocore reads them, over a real AutoScalingService with an in-memory CapacityTarget.
#include "api/autoscaling_api.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "autoscale/autoscaling_service.h"
#include "autoscale/internal/autoscale_test_env.h"

namespace kiln {
namespace {

using autoscale_testing::AutoscaleEnv;
using nlohmann::json;

class AutoScalingApiTest : public ::testing::Test {
 protected:
  AutoScalingApiTest() {
    AutoScalingOptions options;
    options.clock = &env_.clock();
    service_ = AutoScalingService::Open(env_.db(), env_.target(), options).value();
  }
  // Calls `op`; returns (status, parsed body).
  std::pair<int, json> Call(std::string_view op, const json& request) {
    HttpResponse r = HandleAutoScalingOperation(*service_, op, request.dump(), "req-1");
    EXPECT_EQ(FindHeader(r.headers, "x-amzn-RequestId").value_or(""), "req-1");
    return {r.status, json::parse(r.body)};
  }
  static json Key() {
    return {{"ServiceNamespace", "sagemaker"},
            {"ResourceId", "endpoint/ep/variant/v1"},
            {"ScalableDimension", "sagemaker:variant:DesiredInstanceCount"}};
  }
  static json With(json base, const json& more) {
    base.update(more);
    return base;
  }
  static json TargetTracking(double target) {
    return {{"PolicyName", "track"},
            {"PolicyType", "TargetTrackingScaling"},
            {"TargetTrackingScalingPolicyConfiguration",
             {{"TargetValue", target},
              {"PredefinedMetricSpecification",
               {{"PredefinedMetricType", "SageMakerVariantInvocationsPerInstance"}}},
              {"ScaleOutCooldown", 5},
              {"ScaleInCooldown", 10}}}};
  }
  void ExpectError(std::string_view op, const json& request, const std::string& type,
                   const std::string& words) {
    auto [status, body] = Call(op, request);
    EXPECT_EQ(status, 400) << body.dump();
    EXPECT_EQ(body.value("__type", ""), type) << body.dump();
    EXPECT_NE(body.value("message", "").find(words), std::string::npos) << body.dump();
  }

  AutoscaleEnv env_;
  std::unique_ptr<AutoScalingService> service_;
};

TEST_F(AutoScalingApiTest, RegistersDescribesAndDeregisters) {
  auto [status, reg] =
      Call("RegisterScalableTarget", With(Key(), {{"MinCapacity", 1}, {"MaxCapacity", 3}}));
  ASSERT_EQ(status, 200) << reg.dump();
  EXPECT_NE(reg.value("ScalableTargetARN", "").find(":scalable-target/"), std::string::npos);
  auto [s2, d] = Call("DescribeScalableTargets", {{"ServiceNamespace", "sagemaker"}});
  ASSERT_EQ(s2, 200);
  ASSERT_EQ(d["ScalableTargets"].size(), 1u);
  const json& t = d["ScalableTargets"][0];
  EXPECT_EQ(t["ResourceId"], "endpoint/ep/variant/v1");
  EXPECT_EQ(t["ScalableDimension"], "sagemaker:variant:DesiredInstanceCount");
  EXPECT_EQ(t["MinCapacity"], 1);
  EXPECT_EQ(t["MaxCapacity"], 3);
  EXPECT_EQ(t["CreationTime"], 1'700'000'000.0);
  EXPECT_EQ(t["SuspendedState"]["DynamicScalingInSuspended"], false);
  EXPECT_FALSE(d.contains("NextToken"));
  auto [s3, filtered] =
      Call("DescribeScalableTargets",
           {{"ServiceNamespace", "sagemaker"}, {"ResourceIds", {"endpoint/x/variant/y"}}});
  EXPECT_EQ(filtered["ScalableTargets"].size(), 0u);
  auto [s4, dereg] = Call("DeregisterScalableTarget", Key());
  EXPECT_EQ(s4, 200);
  EXPECT_EQ(dereg, json::object());
  ExpectError("DeregisterScalableTarget", Key(), "ObjectNotFoundException",
              "No scalable target found");
}

TEST_F(AutoScalingApiTest, ValidationErrorsNameTheField) {
  ExpectError("RegisterScalableTarget", With(Key(), {{"ServiceNamespace", "ecs"}}),
              "ValidationException", "ServiceNamespace must be \"sagemaker\", not \"ecs\"");
  ExpectError("RegisterScalableTarget",
              With(Key(), {{"ScalableDimension", "ecs:service:DesiredCount"}}),
              "ValidationException", "ScalableDimension must be");
  json no_id = Key();
  no_id.erase("ResourceId");
  ExpectError("RegisterScalableTarget", no_id, "ValidationException", "Value null at 'ResourceId'");
  ExpectError("RegisterScalableTarget", With(Key(), {{"MinCapacity", "one"}}),
              "ValidationException",
              "'MinCapacity' failed to satisfy constraint: Member must be a number");
  ExpectError("RegisterScalableTarget", With(Key(), {{"MinCapacity", 1.5}, {"MaxCapacity", 2}}),
              "ValidationException",
              "'MinCapacity' failed to satisfy constraint: Member must be an integer");
  ExpectError(
      "RegisterScalableTarget",
      With(Key(),
           {{"ResourceId", "endpoint/missing/variant/v1"}, {"MinCapacity", 1}, {"MaxCapacity", 2}}),
      "ValidationException", "endpoint \"missing\"");
  ExpectError("RegisterScalableTarget",
              With(Key(), {{"SuspendedState", {{"DynamicScalingInSuspended", "yes"}}}}),
              "ValidationException", "'SuspendedState.DynamicScalingInSuspended'");
  ExpectError("DescribeScalableTargets", json::object(), "ValidationException",
              "Value null at 'ServiceNamespace'");
}

TEST_F(AutoScalingApiTest, BadBodiesAndOperations) {
  HttpResponse r = HandleAutoScalingOperation(*service_, "DescribeScalableTargets", "{nope", "id");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("SerializationException"), std::string::npos);
  ExpectError("Frobnicate", json::object(), "UnknownOperationException", "Frobnicate");
  ExpectError("PutScheduledAction", json::object(), "ValidationException",
              "Kiln does not implement PutScheduledAction");
}

TEST_F(AutoScalingApiTest, PutsDescribesAndDeletesTargetTrackingPolicies) {
  ExpectError("PutScalingPolicy", With(Key(), TargetTracking(100)), "ObjectNotFoundException",
              "No scalable target registered");
  ASSERT_EQ(
      Call("RegisterScalableTarget", With(Key(), {{"MinCapacity", 1}, {"MaxCapacity", 3}})).first,
      200);
  auto [status, put] = Call("PutScalingPolicy", With(Key(), TargetTracking(100)));
  ASSERT_EQ(status, 200) << put.dump();
  EXPECT_NE(put.value("PolicyARN", "").find(":policyName/track"), std::string::npos);
  EXPECT_EQ(put["Alarms"], json::array());
  auto [s2, d] = Call("DescribeScalingPolicies", {{"ServiceNamespace", "sagemaker"},
                                                  {"ResourceId", "endpoint/ep/variant/v1"}});
  ASSERT_EQ(s2, 200);
  ASSERT_EQ(d["ScalingPolicies"].size(), 1u);
  const json& p = d["ScalingPolicies"][0];
  EXPECT_EQ(p["PolicyType"], "TargetTrackingScaling");
  EXPECT_EQ(p["PolicyARN"], put["PolicyARN"]);
  const json& c = p["TargetTrackingScalingPolicyConfiguration"];
  EXPECT_EQ(c["TargetValue"], 100.0);
  EXPECT_EQ(c["PredefinedMetricSpecification"]["PredefinedMetricType"],
            "SageMakerVariantInvocationsPerInstance");
  EXPECT_EQ(c["ScaleOutCooldown"], 5);
  EXPECT_EQ(c["ScaleInCooldown"], 10);
  EXPECT_EQ(c["DisableScaleIn"], false);
  auto [s3, by_name] = Call("DescribeScalingPolicies",
                            {{"ServiceNamespace", "sagemaker"}, {"PolicyNames", {"other"}}});
  EXPECT_EQ(by_name["ScalingPolicies"].size(), 0u);
  json del = With(Key(), {{"PolicyName", "track"}});
  EXPECT_EQ(Call("DeleteScalingPolicy", del).first, 200);
  ExpectError("DeleteScalingPolicy", del, "ObjectNotFoundException", "policy name: track");
}

TEST_F(AutoScalingApiTest, RefusesWhatKilnDoesNotRun) {
  ASSERT_EQ(
      Call("RegisterScalableTarget", With(Key(), {{"MinCapacity", 1}, {"MaxCapacity", 3}})).first,
      200);
  json step = With(Key(), {{"PolicyName", "s"}, {"PolicyType", "StepScaling"}});
  ExpectError("PutScalingPolicy", step, "ValidationException",
              "Kiln runs only PolicyType TargetTrackingScaling");
  json untyped = With(Key(), {{"PolicyName", "s"}});
  ExpectError("PutScalingPolicy", untyped, "ValidationException",
              "absent PolicyType means StepScaling");
  json custom = With(Key(), TargetTracking(1));
  custom["TargetTrackingScalingPolicyConfiguration"].erase("PredefinedMetricSpecification");
  custom["TargetTrackingScalingPolicyConfiguration"]["CustomizedMetricSpecification"] = {
      {"MetricName", "m"}, {"Namespace", "n"}, {"Statistic", "Average"}};
  ExpectError("PutScalingPolicy", custom, "ValidationException", "CustomizedMetricSpecification");
  json no_target = With(Key(), TargetTracking(1));
  no_target["TargetTrackingScalingPolicyConfiguration"].erase("TargetValue");
  ExpectError("PutScalingPolicy", no_target, "ValidationException",
              "'TargetTrackingScalingPolicyConfiguration.TargetValue'");
  json cpu = With(Key(), TargetTracking(1));
  cpu["TargetTrackingScalingPolicyConfiguration"]["PredefinedMetricSpecification"]
     ["PredefinedMetricType"] = "ECSServiceAverageCPUUtilization";
  ExpectError("PutScalingPolicy", cpu, "ValidationException", "ECSServiceAverageCPUUtilization");
  ExpectError("PutScalingPolicy", With(Key(), TargetTracking(-1)), "ValidationException",
              "TargetValue must be a positive number");
  EXPECT_EQ(Call("DescribeScalingPolicies", {{"ServiceNamespace", "sagemaker"}})
                .second["ScalingPolicies"]
                .size(),
            0u);
}

TEST_F(AutoScalingApiTest, ActivitiesPageNewestFirst) {
  ASSERT_EQ(
      Call("RegisterScalableTarget", With(Key(), {{"MinCapacity", 0}, {"MaxCapacity", 8}})).first,
      200);
  ASSERT_EQ(Call("PutScalingPolicy", With(Key(), TargetTracking(100))).first, 200);
  for (int instances = 2; instances <= 4; ++instances) {
    env_.target().SetLoad("ep", "v1", 100.0 * instances * 2 / (instances * 2 - 2 + 1), 0);
    env_.clock().Advance(std::chrono::seconds(6));
    ASSERT_TRUE(service_->controller().Tick().ok());
  }
  auto [status, all] = Call("DescribeScalingActivities", {{"ServiceNamespace", "sagemaker"}});
  ASSERT_EQ(status, 200);
  const std::size_t n = all["ScalingActivities"].size();
  ASSERT_GE(n, 2u);
  const json& newest = all["ScalingActivities"][0];
  EXPECT_EQ(newest["StatusCode"], "Successful");
  EXPECT_EQ(newest["ResourceId"], "endpoint/ep/variant/v1");
  EXPECT_TRUE(
      newest["Description"].get<std::string>().rfind("Setting desired instance count to ", 0) == 0);
  EXPECT_TRUE(newest.contains("EndTime"));
  EXPECT_GE(newest["StartTime"].get<double>(),
            all["ScalingActivities"][n - 1]["StartTime"].get<double>());
  auto [s1, first] =
      Call("DescribeScalingActivities", {{"ServiceNamespace", "sagemaker"}, {"MaxResults", 1}});
  ASSERT_EQ(first["ScalingActivities"].size(), 1u);
  ASSERT_EQ(first["NextToken"], "1");
  auto [s2, second] =
      Call("DescribeScalingActivities",
           {{"ServiceNamespace", "sagemaker"}, {"MaxResults", 1}, {"NextToken", "1"}});
  EXPECT_EQ(second["ScalingActivities"][0], all["ScalingActivities"][1]);
  ExpectError("DescribeScalingActivities",
              {{"ServiceNamespace", "sagemaker"}, {"NextToken", "zzz"}},
              "InvalidNextTokenException", "zzz");
  ExpectError("DescribeScalingActivities", {{"ServiceNamespace", "sagemaker"}, {"MaxResults", 0}},
              "ValidationException", "MaxResults must be between 1 and 50");
}

}  // namespace
}  // namespace kiln
