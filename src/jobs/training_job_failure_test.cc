// Training jobs that fail (bad data, bad settings) and jobs interrupted by the server stopping.
#include <gtest/gtest.h>

#include <filesystem>

#include "jobs/internal/training_test_util.h"
#include "jobs/training_job_service.h"
#include "jobs/training_job_store.h"

namespace kiln {
namespace {

using nlohmann::json;

class TrainingJobFailureTest : public TrainingTest {
 protected:
  void ExpectFails(const json& request, const std::string& reason_part) {
    const std::string name = request["TrainingJobName"];
    auto arn = service_->Create(request);
    ASSERT_TRUE(arn.ok()) << arn.status().ToString();
    const TrainingJobRecord r = WaitFor(name);
    EXPECT_EQ(r.status, JobStatus::kFailed);
    EXPECT_EQ(r.secondary_status, "Failed");
    EXPECT_NE(r.failure_reason.find(reason_part), std::string::npos) << r.failure_reason;
    EXPECT_NE(r.transitions.back().message.find("Training job failed. Reason: "),
              std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/jobs/" + name + "/input"));
  }
};

TEST_F(TrainingJobFailureTest, MalformedCsvRowFailsWithObjectLineAndColumn) {
  Put("data", "train/a.csv", "1,2,3\n4,5,6\n7,x7,9\n");
  OpenService();
  ExpectFails(Request("bad-csv", "xgboost:1", {{"num_round", "2"}}),
              "ClientError: channel \"train\", object \"s3://data/train/a.csv\", line 3, column 2: "
              "\"x7\" is not a number");
  Put("data", "ragged/a.csv", "1,2,3\n4,5\n");
  ExpectFails(Request("ragged", "xgboost:1", {{"num_round", "2"}}, "ragged/"),
              "line 2: 2 fields, expected 3");
}

TEST_F(TrainingJobFailureTest, AnEmptyPrefixFailsTheJobAsOnAws) {
  OpenService();
  ExpectFails(Request("empty", "xgboost:1", {{"num_round", "2"}}, "nothing-here/"),
              "ClientError: No S3 objects found under S3 URL \"s3://data/nothing-here/\"");
}

TEST_F(TrainingJobFailureTest, LabelsOutsideTheObjectiveFail) {
  Put("data", "train/a.csv", TinyCsv(20, false));
  OpenService();
  ExpectFails(
      Request("not-binary", "xgboost:1", {{"num_round", "2"}, {"objective", "binary:logistic"}}),
      "is not a class index in 0..1");
}

TEST_F(TrainingJobFailureTest, FeatureDimMustMatchTheData) {
  Put("data", "train/a.csv", TinyCsv(20, false));
  OpenService();
  ExpectFails(
      Request("dims", "linear-learner:1", {{"predictor_type", "regressor"}, {"feature_dim", "5"}}),
      "feature_dim is 5, but the train channel has 3 feature columns");
}

TEST_F(TrainingJobFailureTest, ValidationColumnsMustMatchTrain) {
  Put("data", "train/a.csv", TinyCsv(20, false));
  Put("data", "valid/a.csv", "1,2\n");
  OpenService();
  json req = Request("shape", "xgboost:1", {{"num_round", "2"}});
  req["InputDataConfig"].push_back(Channel("validation", "valid/"));
  ExpectFails(req, "channel \"validation\"");
}

TEST_F(TrainingJobFailureTest, RestartFailsJobsThatWereRunningAndRequeuesWaitingOnes) {
  {
    auto jobs = TrainingJobStore::Open(*db_);
    ASSERT_TRUE(jobs.ok());
    TrainingJobRecord running;
    running.name = "was-running";
    running.arn = "arn:aws:sagemaker:us-east-1:000000000000:training-job/was-running";
    running.request_json = Request("was-running", "xgboost:1", {{"num_round", "2"}}).dump();
    running.secondary_status = "Training";
    running.creation_ms = running.last_modified_ms = 1000;
    running.training_start_ms = 1500;
    running.transitions = {{"Starting", 1000, 1500, ""}, {"Training", 1500, std::nullopt, ""}};
    ASSERT_TRUE((*jobs)->Insert(running).ok());
    TrainingJobRecord waiting = running;
    waiting.name = "was-waiting";
    waiting.arn = "arn:aws:sagemaker:us-east-1:000000000000:training-job/was-waiting";
    waiting.request_json = Request("was-waiting", "xgboost:1", {{"num_round", "2"}}).dump();
    waiting.secondary_status = "Pending";
    waiting.training_start_ms.reset();
    waiting.transitions = {{"Pending", 1000, std::nullopt, ""}};
    ASSERT_TRUE((*jobs)->Insert(waiting).ok());
  }
  Put("data", "train/a.csv", TinyCsv(20, false));
  std::filesystem::create_directories(dir_ + "/jobs/was-running/input/data/train");
  OpenService();
  const TrainingJobRecord failed = *service_->Describe("was-running");
  EXPECT_EQ(failed.status, JobStatus::kFailed);
  EXPECT_EQ(failed.failure_reason,
            "the Kiln server stopped while the job was running; start it again");
  EXPECT_TRUE(failed.training_end_ms.has_value());
  EXPECT_EQ(failed.transitions[1].end_ms, failed.transitions[2].start_ms);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/jobs/was-running/input"));
  EXPECT_NE(service_->Logs("was-running")->find("marked Failed on restart"), std::string::npos);
  EXPECT_EQ(WaitFor("was-waiting").status, JobStatus::kCompleted);
}

TEST_F(TrainingJobFailureTest, ShuttingDownFailsRunningJobsAndKeepsQueuedOnes) {
  Put("data", "train/a.csv", TinyCsv(20, false));
  TrainingJobServiceOptions options = Options();
  options.max_concurrent_jobs = 1;
  OpenService(options);
  ASSERT_TRUE(service_->Create(Request("running", "xgboost:1", {{"num_round", "10000000"}})).ok());
  ASSERT_TRUE(service_->Create(Request("queued", "xgboost:1", {{"num_round", "2"}})).ok());
  WaitFor("running", [](const TrainingJobRecord& r) { return r.secondary_status == "Training"; });
  service_.reset();
  OpenService();
  const TrainingJobRecord r = *service_->Describe("running");
  EXPECT_EQ(r.status, JobStatus::kFailed);
  EXPECT_NE(r.failure_reason.find("server stopped"), std::string::npos);
  EXPECT_EQ(WaitFor("queued").status, JobStatus::kCompleted);
}

TEST_F(TrainingJobFailureTest, ServiceOptionsAreValidated) {
  TrainingJobServiceOptions o = Options();
  o.max_concurrent_jobs = 0;
  EXPECT_FALSE(o.Validate().ok());
  o = Options();
  o.account_id = "123";
  EXPECT_FALSE(o.Validate().ok());
  o = Options();
  o.data_dir.clear();
  EXPECT_FALSE(TrainingJobService::Open(o, *db_, *store_).ok());
}

}  // namespace
}  // namespace kiln
