// The batch-transform operations on the awsJson1_1 wire: what boto3 sends and reads, the errors
// its waiter relies on, and ListTransformJobs' filters and pages.
#include "api/sagemaker_transform.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "serve/endpoint_service.h"
#include "serve/internal/serve_test_util.h"
#include "store/object_store.h"
#include "transform/transform_job_service.h"

namespace kiln {
namespace {

using nlohmann::json;
using serve_testing::MakeData;
using serve_testing::MakeTarGz;
using serve_testing::ServeEnv;
using serve_testing::ToCsv;
using serve_testing::TrainBooster;

class SageMakerTransformTest : public ::testing::Test {
 protected:
  void SetUp() override {
    endpoints_ = env_.OpenService();
    ASSERT_TRUE(env_.store().CreateBucket("data").ok());
    const auto data = MakeData(40, 3, 2, 3);
    const auto trained = TrainBooster(data, "binary:logistic", 2);
    ModelRecord m;
    m.name = "m";
    m.container.image = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1";
    m.container.model_data_url =
        env_.Upload("m/model.tar.gz", MakeTarGz({{"xgboost-model", trained.json_model}}));
    ASSERT_TRUE(endpoints_->CreateModel(m).ok());
    auto blob = env_.store().NewBlob();
    ASSERT_TRUE((*blob)->Append(ToCsv(data.x)).ok());
    ASSERT_TRUE((*blob)->Finish().ok());
    ASSERT_TRUE(env_.store().PutObject("data", "in/x.csv", std::move(*blob), {}).ok());
    TransformJobServiceOptions options;
    options.data_dir = env_.dir() + "/transform";
    auto opened = TransformJobService::Open(options, env_.db(), env_.store(), *endpoints_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    transform_ = std::move(opened).value();
  }

  // (HTTP status, body) of one call.
  std::pair<int, json> Call(const std::string& op, const json& request) {
    std::optional<HttpResponse> r = HandleTransformOperation(*transform_, op, request.dump(), "id");
    EXPECT_TRUE(r.has_value()) << op;
    if (!r.has_value())
      return {0, json()};
    return {r->status, json::parse(r->body)};
  }

  json Create(const std::string& name) {
    return json{{"TransformJobName", name},
                {"ModelName", "m"},
                {"TransformInput",
                 {{"DataSource",
                   {{"S3DataSource", {{"S3DataType", "S3Prefix"}, {"S3Uri", "s3://data/in/"}}}}},
                  {"SplitType", "Line"}}},
                {"TransformOutput", {{"S3OutputPath", "s3://data/out/" + name}}},
                {"TransformResources", {{"InstanceType", "ml.m5.large"}, {"InstanceCount", 1}}},
                {"Tags", {{{"Key", "team"}, {"Value", "risk"}}}}};
  }

  ServeEnv env_;
  std::unique_ptr<EndpointService> endpoints_;
  std::unique_ptr<TransformJobService> transform_;
};

TEST_F(SageMakerTransformTest, CreateThenDescribeGivesWhatBoto3Reads) {
  auto [status, created] = Call("CreateTransformJob", Create("job-1"));
  ASSERT_EQ(status, 200) << created.dump();
  EXPECT_EQ(created["TransformJobArn"],
            "arn:aws:sagemaker:us-east-1:000000000000:transform-job/job-1");
  ASSERT_TRUE(transform_->WaitIdle(std::chrono::seconds(30)));
  auto [s2, d] = Call("DescribeTransformJob", {{"TransformJobName", "job-1"}});
  ASSERT_EQ(s2, 200);
  EXPECT_EQ(d["TransformJobStatus"], "Completed") << d.dump();
  EXPECT_EQ(d["ModelName"], "m");
  EXPECT_EQ(d["TransformInput"]["SplitType"], "Line");
  EXPECT_EQ(d["BatchStrategy"], "MultiRecord");
  EXPECT_EQ(d["MaxPayloadInMB"], 6);
  EXPECT_EQ(d["TransformResources"]["InstanceCount"], 1);
  EXPECT_TRUE(d["CreationTime"].is_number());
  EXPECT_TRUE(d["TransformStartTime"].is_number());
  EXPECT_TRUE(d["TransformEndTime"].is_number());
  EXPECT_EQ(d["KilnProgress"]["RecordsDone"], 40);
  EXPECT_EQ(d["KilnProgress"]["ObjectsDone"], 1);
  EXPECT_FALSE(d.contains("FailureReason"));
  EXPECT_FALSE(d.contains("Tags"));
}

TEST_F(SageMakerTransformTest, ErrorsAreTheTypesBoto3AndItsWaiterExpect) {
  auto [s1, missing] = Call("DescribeTransformJob", {{"TransformJobName", "nope"}});
  EXPECT_EQ(s1, 400);
  EXPECT_EQ(missing["__type"], "ValidationException");
  ASSERT_EQ(Call("CreateTransformJob", Create("dup")).first, 200);
  auto [s2, dup] = Call("CreateTransformJob", Create("dup"));
  EXPECT_EQ(s2, 400);
  EXPECT_EQ(dup["__type"], "ResourceInUse");
  json bad = Create("bad");
  bad["ModelName"] = "unknown";
  auto [s3, unknown] = Call("CreateTransformJob", bad);
  EXPECT_EQ(s3, 400);
  EXPECT_EQ(unknown["__type"], "ValidationException");
  EXPECT_NE(unknown["message"].get<std::string>().find("Could not find model"), std::string::npos);
  bad = Create("bad");
  bad["TransformOutput"]["S3OutputPath"] = "https://example.com/out";
  auto [s4, uri] = Call("CreateTransformJob", bad);
  EXPECT_EQ(s4, 400);
  EXPECT_NE(uri["message"].get<std::string>().find("is not an S3 URI"), std::string::npos);
  std::optional<HttpResponse> raw =
      HandleTransformOperation(*transform_, "ListTransformJobs", "[1]", "id");
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(json::parse(raw->body)["__type"], "SerializationException");
  EXPECT_FALSE(HandleTransformOperation(*transform_, "CreateTrainingJob", "{}", "id").has_value());
  ASSERT_TRUE(transform_->WaitIdle(std::chrono::seconds(30)));
  auto [s5, stop] = Call("StopTransformJob", {{"TransformJobName", "dup"}});
  EXPECT_EQ(s5, 400);
  EXPECT_EQ(stop["__type"], "ValidationException");
}

TEST_F(SageMakerTransformTest, ListTransformJobsFiltersSortsAndPages) {
  for (const char* name : {"alpha-1", "alpha-2", "beta-1"})
    ASSERT_EQ(Call("CreateTransformJob", Create(name)).first, 200);
  ASSERT_TRUE(transform_->WaitIdle(std::chrono::seconds(30)));
  auto [s1, page1] = Call("ListTransformJobs", {{"NameContains", "ALPHA"},
                                                {"SortBy", "Name"},
                                                {"SortOrder", "Ascending"},
                                                {"MaxResults", 1}});
  ASSERT_EQ(s1, 200) << page1.dump();
  ASSERT_EQ(page1["TransformJobSummaries"].size(), 1u);
  EXPECT_EQ(page1["TransformJobSummaries"][0]["TransformJobName"], "alpha-1");
  EXPECT_EQ(page1["TransformJobSummaries"][0]["TransformJobStatus"], "Completed");
  ASSERT_TRUE(page1.contains("NextToken"));
  auto [s2, page2] = Call("ListTransformJobs", {{"NameContains", "ALPHA"},
                                                {"SortBy", "Name"},
                                                {"SortOrder", "Ascending"},
                                                {"MaxResults", 1},
                                                {"NextToken", page1["NextToken"]}});
  ASSERT_EQ(s2, 200);
  EXPECT_EQ(page2["TransformJobSummaries"][0]["TransformJobName"], "alpha-2");
  EXPECT_FALSE(page2.contains("NextToken"));
  auto [s3, failed] = Call("ListTransformJobs", {{"StatusEquals", "Failed"}});
  ASSERT_EQ(s3, 200);
  EXPECT_TRUE(failed["TransformJobSummaries"].empty());
  auto [s4, bad] = Call("ListTransformJobs", {{"StatusEquals", "Done"}});
  EXPECT_EQ(s4, 400);
  EXPECT_EQ(bad["__type"], "ValidationException");
}

}  // namespace
}  // namespace kiln
