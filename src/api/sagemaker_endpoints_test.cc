#include "api/sagemaker_endpoints.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "serve/endpoint_service.h"
#include "serve/internal/serve_test_util.h"

namespace kiln {
namespace {

using nlohmann::json;
using serve_testing::MakeData;
using serve_testing::MakeTarGz;
using serve_testing::ServeEnv;
using serve_testing::TrainBooster;
using serve_testing::WaitSettled;

constexpr char kImage[] = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1";

class SageMakerEndpointsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    service_ = env_.OpenService();
    ASSERT_NE(service_, nullptr);
    const auto trained = TrainBooster(MakeData(60, 3, 2, 1), "binary:logistic", 3);
    url_ = env_.Upload("m/model.tar.gz", MakeTarGz({{"xgboost-model", trained.json_model}}));
  }

  // Calls `op`; returns the status and the parsed body.
  std::pair<int, json> Call(std::string_view op, const json& request) {
    std::optional<HttpResponse> r = HandleEndpointOperation(*service_, op, request.dump(), "req-1");
    EXPECT_TRUE(r.has_value()) << op;
    if (!r)
      return {0, json()};
    EXPECT_EQ(FindHeader(r->headers, "x-amzn-RequestId"), "req-1");
    return {r->status, json::parse(r->body)};
  }

  json Ok(std::string_view op, const json& request) {
    auto [status, body] = Call(op, request);
    EXPECT_EQ(status, 200) << op << ": " << body.dump();
    return body;
  }

  // The error's __type and message.
  std::pair<std::string, std::string> Error(std::string_view op, const json& request) {
    auto [status, body] = Call(op, request);
    EXPECT_EQ(status, 400) << op << ": " << body.dump();
    return {body.value("__type", ""), body.value("message", "")};
  }

  void CreateAll(const std::string& name) {
    Ok("CreateModel", {{"ModelName", name},
                       {"PrimaryContainer", {{"Image", kImage}, {"ModelDataUrl", url_}}},
                       {"ExecutionRoleArn", "arn:aws:iam::000000000000:role/r"}});
    Ok("CreateEndpointConfig", {{"EndpointConfigName", name},
                                {"ProductionVariants",
                                 {{{"VariantName", "AllTraffic"},
                                   {"ModelName", name},
                                   {"InitialInstanceCount", 1},
                                   {"InstanceType", "ml.m5.large"}}}}});
  }

  ServeEnv env_;
  std::unique_ptr<EndpointService> service_;
  std::string url_;
};

TEST_F(SageMakerEndpointsTest, OtherOperationsAreNotHandled) {
  EXPECT_FALSE(HandleEndpointOperation(*service_, "CreateTrainingJob", "{}", "r").has_value());
}

TEST_F(SageMakerEndpointsTest, ModelsRoundTripInSageMakersShapes) {
  const json created = Ok(
      "CreateModel", {{"ModelName", "m1"},
                      {"PrimaryContainer",
                       {{"Image", kImage}, {"ModelDataUrl", url_}, {"Environment", {{"A", "1"}}}}},
                      {"ExecutionRoleArn", "arn:aws:iam::000000000000:role/r"}});
  EXPECT_EQ(created["ModelArn"], "arn:aws:sagemaker:us-east-1:000000000000:model/m1");
  const json d = Ok("DescribeModel", {{"ModelName", "m1"}});
  EXPECT_EQ(d["ModelName"], "m1");
  EXPECT_EQ(d["PrimaryContainer"]["ModelDataUrl"], url_);
  EXPECT_EQ(d["PrimaryContainer"]["Environment"]["A"], "1");
  EXPECT_EQ(d["ExecutionRoleArn"], "arn:aws:iam::000000000000:role/r");
  EXPECT_TRUE(d["CreationTime"].is_number());
  Ok("CreateModel",
     {{"ModelName", "m2"}, {"Containers", {{{"Image", "xgboost:1"}, {"ModelDataUrl", url_}}}}});
  EXPECT_TRUE(Ok("DescribeModel", {{"ModelName", "m2"}})["Containers"].is_array());
  const json list = Ok("ListModels", {{"SortBy", "Name"}, {"SortOrder", "Ascending"}});
  ASSERT_EQ(list["Models"].size(), 2u);
  EXPECT_EQ(list["Models"][0]["ModelName"], "m1");
  EXPECT_FALSE(list.contains("NextToken"));
  const json page = Ok("ListModels", {{"MaxResults", 1}});
  EXPECT_TRUE(page.contains("NextToken"));
  EXPECT_EQ(Ok("DeleteModel", {{"ModelName", "m1"}}), json::object());
  EXPECT_EQ(Error("DescribeModel", {{"ModelName", "m1"}}).first, "ValidationException");
}

TEST_F(SageMakerEndpointsTest, RequestErrorsAreValidationExceptions) {
  EXPECT_EQ(Error("CreateModel", {{"PrimaryContainer", {{"Image", kImage}}}}).second,
            "1 validation error detected: Value null at 'ModelName' failed to satisfy "
            "constraint: Member must not be null");
  EXPECT_EQ(Error("CreateModel", {{"ModelName", 5}}).first, "ValidationException");
  EXPECT_NE(Error("CreateModel", {{"ModelName", "m"}}).second.find("PrimaryContainer"),
            std::string::npos);
  EXPECT_NE(Error("CreateModel",
                  {{"ModelName", "m"},
                   {"Containers", json::array({{{"Image", kImage}}, {{"Image", kImage}}})}})
                .second.find("exactly one"),
            std::string::npos);
  EXPECT_NE(Error("CreateModel",
                  {{"ModelName", "m"},
                   {"PrimaryContainer", {{"Image", kImage}, {"ModelDataUrl", "s3://models/none"}}}})
                .second.find("Could not find model data"),
            std::string::npos);
  EXPECT_NE(Error("ListModels", {{"SortBy", "Status"}}).second.find("enum value set"),
            std::string::npos);
  EXPECT_EQ(Error("ListEndpoints", {{"MaxResults", 0}}).first, "ValidationException");
  EXPECT_EQ(Error("ListEndpoints", {{"StatusEquals", "Sleeping"}}).first, "ValidationException");
  std::optional<HttpResponse> r = HandleEndpointOperation(*service_, "ListModels", "[1]", "r");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(json::parse(r->body)["__type"], "SerializationException");
}

TEST_F(SageMakerEndpointsTest, EndpointConfigsEchoTheirVariants) {
  CreateAll("c1");
  const json d = Ok("DescribeEndpointConfig", {{"EndpointConfigName", "c1"}});
  EXPECT_EQ(d["EndpointConfigArn"], "arn:aws:sagemaker:us-east-1:000000000000:endpoint-config/c1");
  EXPECT_EQ(d["ProductionVariants"][0]["InitialInstanceCount"], 1);
  EXPECT_EQ(d["ProductionVariants"][0]["InitialVariantWeight"], 1.0);
  EXPECT_EQ(d["ProductionVariants"][0]["InstanceType"], "ml.m5.large");
  EXPECT_EQ(Ok("ListEndpointConfigs", json::object())["EndpointConfigs"].size(), 1u);
  EXPECT_NE(Error("CreateEndpointConfig",
                  {{"EndpointConfigName", "c1"},
                   {"ProductionVariants",
                    {{{"VariantName", "v"}, {"ModelName", "c1"}, {"InitialInstanceCount", 1}}}}})
                .second.find("Cannot create already existing endpoint configuration"),
            std::string::npos);
  EXPECT_NE(Error("CreateEndpointConfig",
                  {{"EndpointConfigName", "c2"},
                   {"ProductionVariants", {{{"VariantName", "v"}, {"ModelName", "c1"}}}}})
                .second.find("InitialInstanceCount"),
            std::string::npos);
  Ok("DeleteEndpointConfig", {{"EndpointConfigName", "c1"}});
  EXPECT_NE(Error("DeleteEndpointConfig", {{"EndpointConfigName", "c1"}})
                .second.find("Could not find endpoint configuration"),
            std::string::npos);
}

TEST_F(SageMakerEndpointsTest, DescribeEndpointFollowsTheLifecycle) {
  CreateAll("e1");
  const json created = Ok("CreateEndpoint", {{"EndpointName", "e1"}, {"EndpointConfigName", "e1"}});
  EXPECT_EQ(created["EndpointArn"], "arn:aws:sagemaker:us-east-1:000000000000:endpoint/e1");
  ASSERT_EQ(WaitSettled(*service_, "e1").status, EndpointStatus::kInService);
  json d = Ok("DescribeEndpoint", {{"EndpointName", "e1"}});
  EXPECT_EQ(d["EndpointStatus"], "InService");
  EXPECT_EQ(d["EndpointConfigName"], "e1");
  EXPECT_TRUE(d["LastModifiedTime"].is_number());
  EXPECT_FALSE(d.contains("FailureReason"));
  const json v = d["ProductionVariants"][0];
  EXPECT_EQ(v["VariantName"], "AllTraffic");
  EXPECT_EQ(v["CurrentInstanceCount"], 1);
  EXPECT_EQ(v["DesiredInstanceCount"], 1);
  EXPECT_EQ(v["CurrentWeight"], 1.0);
  EXPECT_EQ(v["DeployedImages"][0]["SpecifiedImage"], kImage);
  EXPECT_TRUE(v["DeployedImages"][0]["ResolutionTime"].is_number());

  Ok("UpdateEndpointWeightsAndCapacities",
     {{"EndpointName", "e1"},
      {"DesiredWeightsAndCapacities",
       {{{"VariantName", "AllTraffic"}, {"DesiredWeight", 2.5}, {"DesiredInstanceCount", 2}}}}});
  d = Ok("DescribeEndpoint", {{"EndpointName", "e1"}});
  EXPECT_EQ(d["EndpointStatus"], "InService");  // live, no Updating
  EXPECT_EQ(d["ProductionVariants"][0]["CurrentWeight"], 2.5);
  EXPECT_EQ(d["ProductionVariants"][0]["DesiredInstanceCount"], 2);
  service_->WaitIdle();  // the second instance loads in the background
  d = Ok("DescribeEndpoint", {{"EndpointName", "e1"}});
  EXPECT_EQ(d["ProductionVariants"][0]["CurrentInstanceCount"], 2);
  EXPECT_EQ(d["ProductionVariants"][0]["DesiredInstanceCount"], 2);

  EXPECT_NE(Error("CreateEndpoint", {{"EndpointName", "e1"}, {"EndpointConfigName", "e1"}})
                .second.find("Cannot create already existing endpoint"),
            std::string::npos);
  const json list = Ok("ListEndpoints", {{"StatusEquals", "InService"}});
  ASSERT_EQ(list["Endpoints"].size(), 1u);
  EXPECT_EQ(list["Endpoints"][0]["EndpointStatus"], "InService");
  Ok("DeleteEndpoint", {{"EndpointName", "e1"}});
  service_->WaitIdle();
  const auto [type, message] = Error("DescribeEndpoint", {{"EndpointName", "e1"}});
  EXPECT_EQ(type, "ValidationException");
  EXPECT_EQ(message,
            "Could not find endpoint \"arn:aws:sagemaker:us-east-1:000000000000:endpoint/e1\".");
}

TEST_F(SageMakerEndpointsTest, DataCaptureConfigIsCheckedStoredAndSummarized) {
  ASSERT_TRUE(env_.store().CreateBucket("capture").ok());
  Ok("CreateModel",
     {{"ModelName", "m"}, {"PrimaryContainer", {{"Image", kImage}, {"ModelDataUrl", url_}}}});
  const json variants = {{{"VariantName", "AllTraffic"},
                          {"ModelName", "m"},
                          {"InitialInstanceCount", 1},
                          {"InstanceType", "ml.m5.large"}}};
  json capture = {{"EnableCapture", true},
                  {"InitialSamplingPercentage", 20},
                  {"DestinationS3Uri", "s3://capture/dc"},
                  {"CaptureOptions", {{{"CaptureMode", "Input"}}}},
                  {"CaptureContentTypeHeader", {{"CsvContentTypes", {"text/csv"}}}}};
  Ok("CreateEndpointConfig", {{"EndpointConfigName", "dc"},
                              {"ProductionVariants", variants},
                              {"DataCaptureConfig", capture}});
  const json c = Ok("DescribeEndpointConfig", {{"EndpointConfigName", "dc"}});
  EXPECT_EQ(c["DataCaptureConfig"]["InitialSamplingPercentage"], 20);
  EXPECT_EQ(c["DataCaptureConfig"]["CaptureOptions"], json::array({{{"CaptureMode", "Input"}}}));
  EXPECT_EQ(c["DataCaptureConfig"]["CaptureContentTypeHeader"]["CsvContentTypes"][0], "text/csv");
  Ok("CreateEndpoint", {{"EndpointName", "dc"}, {"EndpointConfigName", "dc"}});
  ASSERT_EQ(WaitSettled(*service_, "dc").status, EndpointStatus::kInService);
  const json d = Ok("DescribeEndpoint", {{"EndpointName", "dc"}});
  EXPECT_EQ(d["DataCaptureConfig"], json({{"EnableCapture", true},
                                          {"CaptureStatus", "Started"},
                                          {"CurrentSamplingPercentage", 20},
                                          {"DestinationS3Uri", "s3://capture/dc"}}));

  capture["CaptureOptions"] = {{{"CaptureMode", "Both"}}};
  EXPECT_NE(Error("CreateEndpointConfig", {{"EndpointConfigName", "x"},
                                           {"ProductionVariants", variants},
                                           {"DataCaptureConfig", capture}})
                .second.find("[Input, Output]"),
            std::string::npos);
  capture.erase("CaptureOptions");
  EXPECT_NE(Error("CreateEndpointConfig", {{"EndpointConfigName", "x"},
                                           {"ProductionVariants", variants},
                                           {"DataCaptureConfig", capture}})
                .second.find("CaptureOptions"),
            std::string::npos);
}

TEST_F(SageMakerEndpointsTest, AFailedEndpointReportsWhy) {
  const std::string bad = env_.Upload("bad/model.tar.gz", "junk");
  Ok("CreateModel",
     {{"ModelName", "bad"}, {"PrimaryContainer", {{"Image", kImage}, {"ModelDataUrl", bad}}}});
  Ok("CreateEndpointConfig",
     {{"EndpointConfigName", "bad"},
      {"ProductionVariants",
       {{{"VariantName", "AllTraffic"}, {"ModelName", "bad"}, {"InitialInstanceCount", 1}}}}});
  Ok("CreateEndpoint", {{"EndpointName", "bad"}, {"EndpointConfigName", "bad"}});
  ASSERT_EQ(WaitSettled(*service_, "bad").status, EndpointStatus::kFailed);
  const json d = Ok("DescribeEndpoint", {{"EndpointName", "bad"}});
  EXPECT_EQ(d["EndpointStatus"], "Failed");
  EXPECT_NE(d["FailureReason"].get<std::string>().find("model.tar.gz"), std::string::npos);
  EXPECT_FALSE(d.contains("ProductionVariants"));
}

TEST_F(SageMakerEndpointsTest, UpdateEndpointShowsThePendingDeployment) {
  CreateAll("u1");
  CreateAll("u2");
  Ok("CreateEndpoint", {{"EndpointName", "u"}, {"EndpointConfigName", "u1"}});
  ASSERT_EQ(WaitSettled(*service_, "u").status, EndpointStatus::kInService);
  Ok("UpdateEndpoint", {{"EndpointName", "u"}, {"EndpointConfigName", "u2"}});
  const json during = Ok("DescribeEndpoint", {{"EndpointName", "u"}});
  if (during["EndpointStatus"] == "Updating") {
    EXPECT_EQ(during["PendingDeploymentSummary"]["EndpointConfigName"], "u2");
    EXPECT_EQ(during["EndpointConfigName"], "u1");
  }
  ASSERT_EQ(WaitSettled(*service_, "u").status, EndpointStatus::kInService);
  const json after = Ok("DescribeEndpoint", {{"EndpointName", "u"}});
  EXPECT_EQ(after["EndpointConfigName"], "u2");
  EXPECT_FALSE(after.contains("PendingDeploymentSummary"));
}

}  // namespace
}  // namespace kiln
