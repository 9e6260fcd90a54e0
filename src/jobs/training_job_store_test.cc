#include "jobs/training_job_store.h"

#include <gtest/gtest.h>

#include "meta/database.h"

namespace kiln {
namespace {

TrainingJobRecord Job(const std::string& name) {
  TrainingJobRecord r;
  r.name = name;
  r.arn = "arn:aws:sagemaker:us-east-1:000000000000:training-job/" + name;
  r.request_json = R"({"TrainingJobName":")" + name + R"("})";
  r.secondary_status = "Starting";
  r.model_artifacts = "s3://b/out/" + name + "/output/model.tar.gz";
  r.creation_ms = 1000;
  r.last_modified_ms = 1000;
  r.transitions = {{"Starting", 1000, std::nullopt, "Preparing"}};
  return r;
}

class TrainingJobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(":memory:");
    ASSERT_TRUE(db.ok()) << db.error().message();
    db_ = std::move(*db);
    auto store = TrainingJobStore::Open(*db_);
    ASSERT_TRUE(store.ok()) << store.error().message();
    store_ = std::move(*store);
  }

  std::unique_ptr<Database> db_;
  std::unique_ptr<TrainingJobStore> store_;
};

TEST_F(TrainingJobStoreTest, InsertThenGetReturnsTheRecordWithItsChildren) {
  ASSERT_TRUE(store_->Insert(Job("a")).ok());
  Result<TrainingJobRecord> got = store_->Get("a");
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_EQ(got->arn, Job("a").arn);
  EXPECT_EQ(got->request_json, Job("a").request_json);
  EXPECT_EQ(got->status, JobStatus::kInProgress);
  EXPECT_EQ(got->secondary_status, "Starting");
  EXPECT_EQ(got->model_artifacts, Job("a").model_artifacts);
  EXPECT_EQ(got->creation_ms, 1000);
  EXPECT_FALSE(got->training_start_ms.has_value());
  ASSERT_EQ(got->transitions.size(), 1u);
  EXPECT_EQ(got->transitions[0].message, "Preparing");
  EXPECT_FALSE(got->transitions[0].end_ms.has_value());
}

TEST_F(TrainingJobStoreTest, UpdateWritesStateAndChildrenButNotFixedColumns) {
  ASSERT_TRUE(store_->Insert(Job("a")).ok());
  ASSERT_TRUE(store_
                  ->Update("a",
                           [](TrainingJobRecord* r) {
                             r->status = JobStatus::kCompleted;
                             r->failure_reason = "none";
                             r->secondary_status = "Completed";
                             r->last_modified_ms = 3000;
                             r->training_start_ms = 2000;
                             r->training_end_ms = 3000;
                             r->model_artifacts = "s3://elsewhere";  // not written back
                             r->transitions[0].end_ms = 3000;
                             r->final_metrics = {{"train:rmse", 0.5, 3000}};
                             return Status::Ok();
                           })
                  .ok());
  Result<TrainingJobRecord> got = store_->Get("a");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status, JobStatus::kCompleted);
  EXPECT_EQ(got->failure_reason, "none");
  EXPECT_EQ(got->secondary_status, "Completed");
  EXPECT_EQ(got->last_modified_ms, 3000);
  EXPECT_EQ(got->training_start_ms, 2000);
  EXPECT_EQ(got->training_end_ms, 3000);
  EXPECT_EQ(got->model_artifacts, Job("a").model_artifacts);
  ASSERT_EQ(got->transitions.size(), 1u);
  EXPECT_EQ(got->transitions[0].end_ms, 3000);
  ASSERT_EQ(got->final_metrics.size(), 1u);
  EXPECT_EQ(got->final_metrics[0].name, "train:rmse");
  EXPECT_EQ(got->final_metrics[0].value, 0.5);
}

TEST_F(TrainingJobStoreTest, FailedUpdateWritesNothing) {
  ASSERT_TRUE(store_->Insert(Job("a")).ok());
  Status s = store_->Update("a", [](TrainingJobRecord* r) {
    r->status = JobStatus::kFailed;
    return Status::FailedPrecondition("no");
  });
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->Get("a")->status, JobStatus::kInProgress);
}

TEST_F(TrainingJobStoreTest, MissingJobIsNotFoundInSageMakerWords) {
  Result<TrainingJobRecord> got = store_->Get("nope");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), StatusCode::kNotFound);
  EXPECT_EQ(got.error().message(),
            "Requested resource not found: training job \"nope\" does not exist.");
  EXPECT_EQ(store_->Update("nope", [](TrainingJobRecord*) { return Status::Ok(); }).code(),
            StatusCode::kNotFound);
}

TEST_F(TrainingJobStoreTest, NameDifferingOnlyInCaseIsTaken) {
  ASSERT_TRUE(store_->Insert(Job("a")).ok());
  TrainingJobRecord upper = Job("A");
  upper.arn = Job("a").arn;
  Status s = store_->Insert(upper);
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(s.message(), "training job \"a\" already exists (ARN " + Job("a").arn + ")");
}

TEST_F(TrainingJobStoreTest, SummariesLeaveOutRequestAndChildren) {
  ASSERT_TRUE(store_->Insert(Job("a")).ok());
  ASSERT_TRUE(store_->Insert(Job("b")).ok());
  Result<std::vector<TrainingJobRecord>> all = store_->Summaries();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  for (const TrainingJobRecord& r : *all) {
    EXPECT_TRUE(r.request_json.empty());
    EXPECT_TRUE(r.transitions.empty());
    EXPECT_EQ(r.secondary_status, "Starting");
    EXPECT_EQ(r.model_artifacts, Job(r.name).model_artifacts);
  }
}

TEST_F(TrainingJobStoreTest, UnknownStoredStatusIsCorruption) {
  ASSERT_TRUE(store_->Insert(Job("a")).ok());
  ASSERT_TRUE(db_->Write([](SqlConnection& conn) -> Status {
                   ASSIGN_OR_RETURN(SqlStatement st,
                                    conn.Prepare("UPDATE training_jobs SET status = 'Lost'"));
                   return st.Run();
                 })
                  .ok());
  Result<TrainingJobRecord> got = store_->Get("a");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), StatusCode::kCorruption);
  EXPECT_EQ(got.error().message(), "training job \"a\": unknown status \"Lost\"");
}

}  // namespace
}  // namespace kiln
