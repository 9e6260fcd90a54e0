#include "api/sagemaker_api.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "jobs/internal/training_test_util.h"

namespace kiln {
namespace {

using nlohmann::json;

class SageMakerApiTest : public TrainingTest {
 protected:
  void SetUp() override {
    TrainingTest::SetUp();
    Put("data", "train/a.csv", TinyCsv(60, false));
    OpenService();
    api_ = std::make_unique<SageMakerApi>(*service_);
  }
  void TearDown() override {
    api_.reset();
    TrainingTest::TearDown();
  }

  // Calls `operation`; returns the parsed body and checks the headers every response carries.
  json CallRaw(const std::string& operation, const std::string& body, int expected_status = 200) {
    const HttpResponse r = api_->Handle(operation, body, "req-42");
    EXPECT_EQ(r.status, expected_status) << operation << ": " << r.body;
    EXPECT_EQ(FindHeader(r.headers, "Content-Type").value_or(""), "application/x-amz-json-1.1");
    EXPECT_EQ(FindHeader(r.headers, "x-amzn-RequestId").value_or(""), "req-42");
    json out = json::parse(r.body, nullptr, false);
    EXPECT_TRUE(out.is_object()) << r.body;
    return out;
  }
  json Call(const std::string& operation, const json& body, int expected_status = 200) {
    return CallRaw(operation, body.dump(), expected_status);
  }

  void ExpectError(const json& out, const std::string& type, const std::string& part) {
    EXPECT_EQ(out.value("__type", ""), type) << out.dump();
    EXPECT_NE(out.value("message", "").find(part), std::string::npos) << out.dump();
  }

  std::unique_ptr<SageMakerApi> api_;
};

TEST_F(SageMakerApiTest, CreateThenDescribeGivesWhatBoto3Reads) {
  json req = Request("api-job", "xgboost:1", {{"num_round", "4"}, {"max_depth", "2"}});
  const json created = Call("CreateTrainingJob", req);
  EXPECT_EQ(
      created,
      json({{"TrainingJobArn", "arn:aws:sagemaker:us-east-1:000000000000:training-job/api-job"}}));
  WaitFor("api-job");
  const json d = Call("DescribeTrainingJob", json{{"TrainingJobName", "api-job"}});
  EXPECT_EQ(d["TrainingJobName"], "api-job");
  EXPECT_EQ(d["TrainingJobArn"], created["TrainingJobArn"]);
  EXPECT_EQ(d["TrainingJobStatus"], "Completed");
  EXPECT_EQ(d["SecondaryStatus"], "Completed");
  EXPECT_EQ(d["ModelArtifacts"]["S3ModelArtifacts"], "s3://models/out/api-job/output/model.tar.gz");
  EXPECT_TRUE(d["CreationTime"].is_number());
  EXPECT_DOUBLE_EQ(d["CreationTime"].get<double>(), 1767225600.0);
  for (const char* k : {"TrainingStartTime", "TrainingEndTime", "LastModifiedTime"})
    EXPECT_TRUE(d[k].is_number()) << k;
  EXPECT_EQ(d["HyperParameters"], json({{"num_round", "4"}, {"max_depth", "2"}}));
  EXPECT_EQ(d["AlgorithmSpecification"]["TrainingImage"], "xgboost:1");
  EXPECT_EQ(d["AlgorithmSpecification"]["TrainingInputMode"], "File");
  EXPECT_EQ(d["RoleArn"], "arn:aws:iam::000000000000:role/kiln");
  EXPECT_EQ(d["ResourceConfig"],
            json({{"InstanceType", "ml.m5.large"}, {"InstanceCount", 1}, {"VolumeSizeInGB", 30}}));
  EXPECT_EQ(d["StoppingCondition"], json({{"MaxRuntimeInSeconds", 86400}}));
  EXPECT_EQ(d["InputDataConfig"][0]["ChannelName"], "train");
  EXPECT_EQ(d["OutputDataConfig"]["S3OutputPath"], "s3://models/out");
  EXPECT_EQ(d["EnableNetworkIsolation"], false);
  EXPECT_TRUE(d["TrainingTimeInSeconds"].is_number_integer());
  EXPECT_EQ(d["BillableTimeInSeconds"], d["TrainingTimeInSeconds"]);
  EXPECT_FALSE(d.contains("FailureReason"));
  ASSERT_TRUE(d["SecondaryStatusTransitions"].is_array());
  std::vector<std::string> statuses;
  for (const json& t : d["SecondaryStatusTransitions"]) {
    statuses.push_back(t["Status"]);
    EXPECT_TRUE(t["StartTime"].is_number());
    EXPECT_TRUE(t["EndTime"].is_number());
    EXPECT_TRUE(t["StatusMessage"].is_string());
  }
  EXPECT_EQ(statuses, (std::vector<std::string>{"Starting", "Downloading", "Training", "Uploading",
                                                "Completed"}));
  ASSERT_EQ(d["FinalMetricDataList"].size(), 1u);
  EXPECT_EQ(d["FinalMetricDataList"][0]["MetricName"], "train:rmse");
  EXPECT_TRUE(d["FinalMetricDataList"][0]["Value"].is_number());
  EXPECT_TRUE(d["FinalMetricDataList"][0]["Timestamp"].is_number());
}

TEST_F(SageMakerApiTest, DescribeOfAMissingJobIsValidationExceptionForTheWaiters) {
  const json out = Call("DescribeTrainingJob", json{{"TrainingJobName", "ghost"}}, 400);
  ExpectError(out, "ValidationException", "Requested resource not found");
  ExpectError(Call("DescribeTrainingJob", json::object(), 400), "ValidationException",
              "TrainingJobName");
  ExpectError(Call("StopTrainingJob", json{{"TrainingJobName", "ghost"}}, 400),
              "ValidationException", "Requested resource not found");
}

TEST_F(SageMakerApiTest, ADuplicateNameIsResourceInUse) {
  Call("CreateTrainingJob", Request("twice", "xgboost:1", {{"num_round", "2"}}));
  ExpectError(Call("CreateTrainingJob", Request("twice", "xgboost:1", {{"num_round", "2"}}), 400),
              "ResourceInUse", "already exists");
  WaitFor("twice");
}

TEST_F(SageMakerApiTest, InvalidRequestsAreValidationExceptionsNamingTheField) {
  ExpectError(
      Call("CreateTrainingJob", Request("bad_name", "xgboost:1", {{"num_round", "2"}}), 400),
      "ValidationException", "TrainingJobName");
  ExpectError(Call("CreateTrainingJob", Request("ok", "xgboost:1", {{"bogus", "2"}}), 400),
              "ValidationException", "\"num_round\" is required");
  json libsvm = Request("ok", "xgboost:1", {{"num_round", "2"}});
  libsvm["InputDataConfig"][0]["ContentType"] = "text/libsvm";
  ExpectError(Call("CreateTrainingJob", libsvm, 400), "ValidationException",
              "not supported by Kiln yet");
}

TEST_F(SageMakerApiTest, ProtocolErrorsHaveTheirOwnTypes) {
  ExpectError(CallRaw("CreateEndpointTypo", "{}", 400), "UnknownOperationException",
              "SageMaker.CreateEndpointTypo");
  ExpectError(CallRaw("DescribeTrainingJob", "{not json", 400), "SerializationException",
              "not a JSON object");
  ExpectError(CallRaw("DescribeTrainingJob", "[1]", 400), "SerializationException", "");
  const json empty_body = CallRaw("ListTrainingJobs", "");
  EXPECT_TRUE(empty_body["TrainingJobSummaries"].is_array());
}

TEST_F(SageMakerApiTest, ListTrainingJobsFiltersSortsAndPages) {
  for (const char* name : {"list-a", "list-b", "other-c"}) {
    Call("CreateTrainingJob", Request(name, "xgboost:1", {{"num_round", "2"}}));
    clock_.Advance(std::chrono::seconds(1));
  }
  for (const char* name : {"list-a", "list-b", "other-c"})
    WaitFor(name);
  json page = Call("ListTrainingJobs", json{{"MaxResults", 2}});
  ASSERT_EQ(page["TrainingJobSummaries"].size(), 2u);
  EXPECT_EQ(page["TrainingJobSummaries"][0]["TrainingJobName"], "other-c");  // newest first
  const json& s = page["TrainingJobSummaries"][0];
  for (const char* k : {"TrainingJobArn", "CreationTime", "TrainingEndTime", "LastModifiedTime",
                        "TrainingJobStatus", "SecondaryStatus"}) {
    EXPECT_TRUE(s.contains(k)) << k;
  }
  ASSERT_TRUE(page["NextToken"].is_string());
  json next = Call("ListTrainingJobs", json{{"MaxResults", 2}, {"NextToken", page["NextToken"]}});
  ASSERT_EQ(next["TrainingJobSummaries"].size(), 1u);
  EXPECT_EQ(next["TrainingJobSummaries"][0]["TrainingJobName"], "list-a");
  EXPECT_FALSE(next.contains("NextToken"));

  json filtered = Call("ListTrainingJobs", json{{"NameContains", "LIST"},
                                                {"StatusEquals", "Completed"},
                                                {"SortBy", "Name"},
                                                {"SortOrder", "Ascending"}});
  ASSERT_EQ(filtered["TrainingJobSummaries"].size(), 2u);
  EXPECT_EQ(filtered["TrainingJobSummaries"][0]["TrainingJobName"], "list-a");
  json after = Call("ListTrainingJobs", json{{"CreationTimeAfter", 1767225600.5}});
  EXPECT_EQ(after["TrainingJobSummaries"].size(), 2u);

  ExpectError(Call("ListTrainingJobs", json{{"SortBy", "Size"}}, 400), "ValidationException",
              "SortBy");
  ExpectError(Call("ListTrainingJobs", json{{"StatusEquals", "Done"}}, 400), "ValidationException",
              "StatusEquals");
  ExpectError(Call("ListTrainingJobs", json{{"MaxResults", 500}}, 400), "ValidationException",
              "MaxResults");
  ExpectError(Call("ListTrainingJobs", json{{"NextToken", "zzz"}}, 400), "ValidationException",
              "NextToken");
}

TEST_F(SageMakerApiTest, StopTrainingJobAnswersAnEmptyObjectOnlyWhileInProgress) {
  Call("CreateTrainingJob", Request("stop-me", "xgboost:1", {{"num_round", "10000000"}}));
  WaitFor("stop-me", [](const TrainingJobRecord& r) { return r.secondary_status == "Training"; });
  EXPECT_EQ(Call("StopTrainingJob", json{{"TrainingJobName", "stop-me"}}), json::object());
  WaitFor("stop-me");
  const json d = Call("DescribeTrainingJob", json{{"TrainingJobName", "stop-me"}});
  EXPECT_EQ(d["TrainingJobStatus"], "Stopped");
  ExpectError(Call("StopTrainingJob", json{{"TrainingJobName", "stop-me"}}, 400),
              "ValidationException", "only an InProgress job can be stopped");
}

TEST_F(SageMakerApiTest, AFailedJobReportsItsFailureReason) {
  Put("data", "broken/a.csv", "1,2\n3,oops\n");
  Call("CreateTrainingJob", Request("broken", "xgboost:1", {{"num_round", "2"}}, "broken/"));
  WaitFor("broken");
  const json d = Call("DescribeTrainingJob", json{{"TrainingJobName", "broken"}});
  EXPECT_EQ(d["TrainingJobStatus"], "Failed");
  EXPECT_NE(d["FailureReason"].get<std::string>().find("line 2, column 2"), std::string::npos);
  EXPECT_FALSE(d.contains("FinalMetricDataList"));
}

}  // namespace
}  // namespace kiln
