#include "jobs/training_job_service.h"

#include <gtest/gtest.h>
#include <xgboost/c_api.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/file_util.h"
#include "jobs/internal/training_test_util.h"
#include "model/kiln_model.h"

namespace kiln {
namespace {

using nlohmann::json;

std::vector<std::string> Statuses(const TrainingJobRecord& r) {
  std::vector<std::string> out;
  for (const auto& t : r.transitions)
    out.push_back(t.status);
  return out;
}

std::map<std::string, double> Metrics(const TrainingJobRecord& r) {
  std::map<std::string, double> out;
  for (const auto& m : r.final_metrics)
    out[m.name] = m.value;
  return out;
}

// Predictions of an XGBoost model (JSON bytes) on the features of `csv` (label first).
std::vector<float> XgboostPredict(const std::string& model, const std::string& csv) {
  std::vector<float> x;
  std::size_t rows = 0;
  std::stringstream in(csv);
  std::string line;
  while (std::getline(in, line)) {
    std::stringstream fields(line);
    std::string f;
    std::getline(fields, f, ',');  // the label
    while (std::getline(fields, f, ','))
      x.push_back(std::stof(f));
    ++rows;
  }
  BoosterHandle booster = nullptr;
  EXPECT_EQ(XGBoosterCreate(nullptr, 0, &booster), 0);
  EXPECT_EQ(XGBoosterLoadModelFromBuffer(booster, model.data(), model.size()), 0)
      << XGBGetLastError();
  bst_ulong features = 0;
  EXPECT_EQ(XGBoosterGetNumFeature(booster, &features), 0);
  EXPECT_EQ(features, 3u);
  DMatrixHandle dmat = nullptr;
  EXPECT_EQ(XGDMatrixCreateFromMat(x.data(), rows, x.size() / rows, NAN, &dmat), 0);
  bst_ulong len = 0;
  const float* out = nullptr;
  EXPECT_EQ(XGBoosterPredict(booster, dmat, 0, 0, 0, &len, &out), 0) << XGBGetLastError();
  std::vector<float> pred(out, out + len);
  XGDMatrixFree(dmat);
  XGBoosterFree(booster);
  return pred;
}

class TrainingJobServiceTest : public TrainingTest {
 protected:
  void SetUp() override {
    TrainingTest::SetUp();
    Put("data", "train/part-0.csv", TinyCsv(80, false, 1));
    Put("data", "train/part-1.csv", TinyCsv(40, false, 2));
    Put("data", "valid/v.csv", TinyCsv(40, false, 3));
    Put("data", "bin/train.csv", TinyCsv(120, true, 4));
    Put("data", "binvalid/v.csv", TinyCsv(40, true, 5));
  }

  // A long XGBoost job (until stopped) on the regression data.
  json LongJob(const std::string& name) {
    return Request(name, "xgboost:1", {{"num_round", "10000000"}, {"max_depth", "2"}});
  }
  void WaitTraining(const std::string& name) {
    WaitFor(name, [](const TrainingJobRecord& r) { return r.secondary_status == "Training"; });
  }
};

TEST_F(TrainingJobServiceTest, XgboostJobCompletesWithALoadableArtifact) {
  OpenService();
  json req =
      Request("xgb-1", "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
              {{"num_round", "30"}, {"max_depth", "3"}, {"eta", "0.3"}});
  req["InputDataConfig"].push_back(Channel("validation", "valid/"));
  auto arn = service_->Create(req);
  ASSERT_TRUE(arn.ok()) << arn.status().ToString();
  EXPECT_EQ(*arn, "arn:aws:sagemaker:us-east-1:000000000000:training-job/xgb-1");
  const TrainingJobRecord r = WaitFor("xgb-1");
  ASSERT_EQ(r.status, JobStatus::kCompleted) << r.failure_reason;
  EXPECT_EQ(r.secondary_status, "Completed");
  EXPECT_EQ(Statuses(r), (std::vector<std::string>{"Starting", "Downloading", "Training",
                                                   "Uploading", "Completed"}));
  for (const auto& t : r.transitions)
    EXPECT_TRUE(t.end_ms.has_value()) << t.status;
  EXPECT_EQ(r.model_artifacts, "s3://models/out/xgb-1/output/model.tar.gz");
  ASSERT_TRUE(r.training_start_ms && r.training_end_ms);
  const auto metrics = Metrics(r);
  ASSERT_EQ(metrics.count("train:rmse"), 1u);
  ASSERT_EQ(metrics.count("validation:rmse"), 1u);
  EXPECT_LT(metrics.at("validation:rmse"), 0.3);

  const auto files = Artifact("xgb-1");
  ASSERT_EQ(files.count("xgboost-model"), 1u);
  const std::string valid = TinyCsv(40, false, 3);
  const std::vector<float> pred = XgboostPredict(files.at("xgboost-model"), valid);
  ASSERT_EQ(pred.size(), 40u);
  std::stringstream in(valid);
  double se = 0;
  for (float p : pred) {
    std::string line;
    std::getline(in, line);
    const double y = std::stod(line.substr(0, line.find(',')));
    se += (p - y) * (p - y);
  }
  EXPECT_NEAR(std::sqrt(se / 40), metrics.at("validation:rmse"), 1e-4);

  auto logs = service_->Logs("xgb-1");
  ASSERT_TRUE(logs.ok());
  EXPECT_NE(logs->find("[0]\ttrain-rmse:"), std::string::npos) << *logs;
  EXPECT_NE(logs->find("\tvalidation-rmse:"), std::string::npos);
  EXPECT_NE(logs->find("channel train: 120 rows x 3 features from 2 file(s)"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/jobs/xgb-1/input"));
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/jobs/xgb-1/training.log"));
}

TEST_F(TrainingJobServiceTest, PythonXgboostLoadsTheArtifactAsSageMakerUsersDo) {
  if (std::system("/usr/bin/python3 -c 'import xgboost' > /dev/null 2>&1") != 0)
    GTEST_SKIP() << "Python xgboost is not installed";
  OpenService();
  ASSERT_TRUE(service_->Create(Request("py", "xgboost:1", {{"num_round", "5"}})).ok());
  ASSERT_EQ(WaitFor("py").status, JobStatus::kCompleted);
  const std::string tgz = dir_ + "/model.tar.gz";
  ASSERT_TRUE(WriteFileAtomic(tgz, Get("models", "out/py/output/model.tar.gz")).ok());
  const std::vector<float> ours = XgboostPredict(Artifact("py").at("xgboost-model"), "0,1,2,3\n");
  const std::string script =
      "import tarfile, xgboost, numpy\n"
      "tarfile.open('" +
      tgz + "').extractall('" + dir_ +
      "/extracted')\n"
      "b = xgboost.Booster(model_file='" +
      dir_ +
      "/extracted/xgboost-model')\n"
      "p = b.predict(xgboost.DMatrix(numpy.array([[1.0, 2.0, 3.0]])))[0]\n"
      "open('" +
      dir_ + "/py.txt', 'w').write(repr(float(p)))\n";
  ASSERT_TRUE(WriteFileAtomic(dir_ + "/check.py", script).ok());
  ASSERT_EQ(std::system(("/usr/bin/python3 " + dir_ + "/check.py").c_str()), 0);
  EXPECT_NEAR(std::stod(*ReadFile(dir_ + "/py.txt")), ours.at(0), 1e-6);
}

TEST_F(TrainingJobServiceTest, BinaryXgboostReportsItsEvalMetrics) {
  OpenService();
  json req = Request(
      "bin", "xgboost:1",
      {{"num_round", "10"}, {"objective", "binary:logistic"}, {"eval_metric", "auc,logloss"}},
      "bin/");
  req["InputDataConfig"].push_back(Channel("validation", "binvalid/"));
  ASSERT_TRUE(service_->Create(req).ok());
  const TrainingJobRecord r = WaitFor("bin");
  ASSERT_EQ(r.status, JobStatus::kCompleted) << r.failure_reason;
  const auto metrics = Metrics(r);
  EXPECT_EQ(metrics.size(), 4u);
  EXPECT_GT(metrics.at("validation:auc"), 0.9);
  EXPECT_EQ(metrics.count("train:logloss"), 1u);
  const auto pred = XgboostPredict(Artifact("bin").at("xgboost-model"), TinyCsv(5, true, 5));
  for (float p : pred)
    EXPECT_TRUE(p >= 0 && p <= 1) << p;
}

TEST_F(TrainingJobServiceTest, MultiSoftmaxModelsPredictClassIndicesAsSageMakers) {
  std::string csv;
  for (int i = 0; i < 90; ++i) {
    const double x = (i % 30) / 30.0;
    csv += std::to_string(static_cast<int>(x * 3)) + "," + std::to_string(x) + ",0.5," +
           std::to_string(i % 7) + "\n";
  }
  Put("data", "multi/a.csv", csv);
  OpenService();
  ASSERT_TRUE(
      service_
          ->Create(Request(
              "multi", "xgboost:1",
              {{"num_round", "10"}, {"objective", "multi:softmax"}, {"num_class", "3"}}, "multi/"))
          .ok());
  const TrainingJobRecord r = WaitFor("multi");
  ASSERT_EQ(r.status, JobStatus::kCompleted) << r.failure_reason;
  EXPECT_EQ(Metrics(r).count("train:mlogloss"), 1u);
  const auto pred =
      XgboostPredict(Artifact("multi").at("xgboost-model"), "0,0.1,0.5,0\n2,0.9,0.5,0\n");
  ASSERT_EQ(pred.size(), 2u);  // one class index per row, not three probabilities
  EXPECT_EQ(pred[0], 0);
  EXPECT_EQ(pred[1], 2);
}

TEST_F(TrainingJobServiceTest, EarlyStoppingKeepsTheBestIteration) {
  OpenService();
  json req = Request("early", "xgboost:1",
                     {{"num_round", "500"}, {"eta", "0.9"}, {"early_stopping_rounds", "3"}});
  req["InputDataConfig"].push_back(Channel("validation", "valid/"));
  ASSERT_TRUE(service_->Create(req).ok());
  const TrainingJobRecord r = WaitFor("early");
  ASSERT_EQ(r.status, JobStatus::kCompleted) << r.failure_reason;
  const std::string logs = *service_->Logs("early");
  EXPECT_NE(logs.find("Stopping. Best iteration:"), std::string::npos);
  const std::string model = Artifact("early").at("xgboost-model");
  const json parsed = json::parse(model);
  const int best = std::stoi(parsed["learner"]["attributes"]["best_iteration"].get<std::string>());
  EXPECT_LT(best, 400);
  EXPECT_EQ(
      std::stoi(parsed["learner"]["gradient_booster"]["model"]["gbtree_model_param"]["num_trees"]
                    .get<std::string>()),
      best + 1);
}

TEST_F(TrainingJobServiceTest, SameDataHyperparametersAndSeedGiveTheSameModel) {
  OpenService();
  const std::map<std::string, std::string> hp = {
      {"num_round", "8"}, {"subsample", "0.6"}, {"colsample_bytree", "0.7"}, {"seed", "3"}};
  ASSERT_TRUE(service_->Create(Request("seed-a", "xgboost:1", hp)).ok());
  ASSERT_TRUE(service_->Create(Request("seed-b", "xgboost:1", hp)).ok());
  auto other = hp;
  other["seed"] = "4";
  ASSERT_TRUE(service_->Create(Request("seed-c", "xgboost:1", other)).ok());
  ASSERT_TRUE(service_->WaitIdle(std::chrono::seconds(60)));
  for (const char* n : {"seed-a", "seed-b", "seed-c"})
    ASSERT_EQ(service_->Describe(n)->status, JobStatus::kCompleted);
  EXPECT_EQ(Artifact("seed-a").at("xgboost-model"), Artifact("seed-b").at("xgboost-model"));
  EXPECT_NE(Artifact("seed-a").at("xgboost-model"), Artifact("seed-c").at("xgboost-model"));
}

TEST_F(TrainingJobServiceTest, CreateValidatesBucketsNamesAndHyperparameters) {
  OpenService();
  json req = Request("v1", "xgboost:1", {{"num_round", "3"}});
  req["OutputDataConfig"]["S3OutputPath"] = "s3://no-such-bucket/out";
  auto missing = service_->Create(req);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(missing.error().message().find("OutputDataConfig.S3OutputPath: bucket "
                                           "\"no-such-bucket\" does not exist"),
            std::string::npos);
  req = Request("v1", "xgboost:1", {{"num_round", "3"}});
  req["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"] = "s3://nope/train";
  EXPECT_NE(service_->Create(req).error().message().find("bucket \"nope\""), std::string::npos);
  auto unknown = service_->Create(Request("v1", "xgboost:1", {{"num_round", "3"}, {"foo", "1"}}));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message().find("unknown hyperparameter \"foo\""), std::string::npos);
  EXPECT_EQ(service_->Describe("v1").status().code(), StatusCode::kNotFound);
}

TEST_F(TrainingJobServiceTest, DuplicateNamesAreResourceInUse) {
  OpenService();
  ASSERT_TRUE(service_->Create(Request("dup", "xgboost:1", {{"num_round", "2"}})).ok());
  auto again = service_->Create(Request("dup", "xgboost:1", {{"num_round", "2"}}));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().reason(), "ResourceInUse");
  auto upper = service_->Create(Request("DUP", "xgboost:1", {{"num_round", "2"}}));
  EXPECT_EQ(upper.error().reason(), "ResourceInUse");  // same ARN
  WaitFor("dup");
}

TEST_F(TrainingJobServiceTest, StopEndsARunningJobStoppedWithoutAnArtifact) {
  OpenService();
  ASSERT_TRUE(service_->Create(LongJob("long")).ok());
  WaitTraining("long");
  ASSERT_TRUE(service_->Stop("long").ok());
  const auto stopping = service_->Describe("long");
  EXPECT_TRUE(stopping->status == JobStatus::kStopping || stopping->status == JobStatus::kStopped);
  const TrainingJobRecord r = WaitFor("long");
  EXPECT_EQ(r.status, JobStatus::kStopped);
  EXPECT_EQ(r.secondary_status, "Stopped");
  const auto statuses = Statuses(r);
  EXPECT_EQ(std::vector<std::string>(statuses.end() - 2, statuses.end()),
            (std::vector<std::string>{"Stopping", "Stopped"}));
  EXPECT_TRUE(r.final_metrics.empty());
  EXPECT_FALSE(store_->HeadObject("models", "out/long/output/model.tar.gz").ok());
  auto again = service_->Stop("long");
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(again.message().find("only an InProgress job can be stopped"), std::string::npos);
  EXPECT_EQ(service_->Stop("ghost").code(), StatusCode::kNotFound);
}

TEST_F(TrainingJobServiceTest, MaxRuntimeStopsTheJobWithMaxRuntimeExceeded) {
  OpenService();
  json req = LongJob("slow");
  req["StoppingCondition"] = {{"MaxRuntimeInSeconds", 60}};
  ASSERT_TRUE(service_->Create(req).ok());
  WaitTraining("slow");
  EXPECT_EQ(service_->Describe("slow")->status, JobStatus::kInProgress);
  clock_.Advance(std::chrono::seconds(61));
  const TrainingJobRecord r = WaitFor("slow");
  EXPECT_EQ(r.status, JobStatus::kStopped);
  EXPECT_EQ(r.secondary_status, "MaxRuntimeExceeded");
  EXPECT_TRUE(r.failure_reason.empty());
  EXPECT_GE(*r.training_end_ms - *r.training_start_ms, 61000);
}

TEST_F(TrainingJobServiceTest, JobsBeyondTheWorkerCountWaitPending) {
  TrainingJobServiceOptions options = Options();
  options.max_concurrent_jobs = 1;
  OpenService(options);
  ASSERT_TRUE(service_->Create(LongJob("first")).ok());
  ASSERT_TRUE(service_->Create(Request("second", "xgboost:1", {{"num_round", "2"}})).ok());
  EXPECT_EQ(service_->Describe("second")->secondary_status, "Pending");
  WaitTraining("first");
  ASSERT_TRUE(service_->Stop("first").ok());
  const TrainingJobRecord r = WaitFor("second");
  EXPECT_EQ(r.status, JobStatus::kCompleted) << r.failure_reason;
  EXPECT_EQ(Statuses(r)[0], "Pending");
  EXPECT_EQ(Statuses(r)[1], "Starting");
}

TEST_F(TrainingJobServiceTest, StoppingAQueuedJobStopsItAtOnce) {
  TrainingJobServiceOptions options = Options();
  options.max_concurrent_jobs = 1;
  OpenService(options);
  ASSERT_TRUE(service_->Create(LongJob("busy")).ok());
  ASSERT_TRUE(service_->Create(Request("queued", "xgboost:1", {{"num_round", "2"}})).ok());
  ASSERT_TRUE(service_->Stop("queued").ok());
  const auto r = service_->Describe("queued");
  EXPECT_EQ(r->status, JobStatus::kStopped);
  EXPECT_FALSE(r->training_start_ms.has_value());
  ASSERT_TRUE(service_->Stop("busy").ok());
  WaitFor("busy");
}

TEST_F(TrainingJobServiceTest, LinearLearnerWritesALoadableKilnModel) {
  OpenService();
  json req = Request("lin", "382416733822.dkr.ecr.us-east-1.amazonaws.com/linear-learner:1",
                     {{"predictor_type", "binary_classifier"}, {"wd", "0.001"}}, "bin/");
  req["InputDataConfig"].push_back(Channel("validation", "binvalid/"));
  ASSERT_TRUE(service_->Create(req).ok());
  const TrainingJobRecord r = WaitFor("lin");
  ASSERT_EQ(r.status, JobStatus::kCompleted) << r.failure_reason;
  EXPECT_GT(Metrics(r).at("validation:auc"), 0.9);
  const auto files = Artifact("lin");
  ASSERT_EQ(files.count("model.kiln"), 1u);
  const std::string path = dir_ + "/lin.kiln";
  ASSERT_TRUE(WriteFileAtomic(path, files.at("model.kiln")).ok());
  auto model = KilnModel::Load(path);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_EQ(model->task, Task::kBinary);
  Table t;
  t.num_rows = 2;
  for (int c = 0; c < 3; ++c) {
    Column col;
    col.name = "f" + std::to_string(c);
    col.values = {c == 2 ? 0.5 : 0.9, c == 2 ? 0.5 : 0.1};
    t.columns.push_back(col);
  }
  auto pred = model->Predict(t);
  ASSERT_TRUE(pred.ok()) << pred.status().ToString();
  EXPECT_GT(pred->Probability(0, 1), 0.5);  // x1 + x2 = 1.8
  EXPECT_LT(pred->Probability(1, 1), 0.5);  // x1 + x2 = 0.2
  EXPECT_NE(model->info_json.find("\"features\":[\"f0\",\"f1\",\"f2\"]"), std::string::npos);
}

TEST_F(TrainingJobServiceTest, KilnForestReadsAHeaderAndATargetColumn) {
  Put("data", "hdr/train.csv", "a,b,y\n1,2,3\n2,1,3\n3,5,8\n4,4,8\n5,2,7\n6,1,7\n");
  OpenService();
  ASSERT_TRUE(service_
                  ->Create(Request("forest", "kiln-random-forest",
                                   {{"predictor_type", "regressor"},
                                    {"target", "y"},
                                    {"n_estimators", "5"},
                                    {"seed", "1"}},
                                   "hdr/"))
                  .ok());
  const TrainingJobRecord r = WaitFor("forest");
  ASSERT_EQ(r.status, JobStatus::kCompleted) << r.failure_reason;
  EXPECT_EQ(Metrics(r).count("train:rmse"), 1u);
  const std::string kiln = Artifact("forest").at("model.kiln");
  EXPECT_NE(*service_->Logs("forest"), "");
  EXPECT_FALSE(kiln.empty());
}

TEST_F(TrainingJobServiceTest, KMeansDropsTheLabelColumnAndReportsMsd) {
  OpenService();
  json req = Request("km", "kmeans:1", {{"k", "2"}, {"feature_dim", "3"}});
  req["InputDataConfig"][0]["ContentType"] = "text/csv;label_size=1";
  ASSERT_TRUE(service_->Create(req).ok());
  const TrainingJobRecord r = WaitFor("km");
  ASSERT_EQ(r.status, JobStatus::kCompleted) << r.failure_reason;
  const auto m = Metrics(r);
  ASSERT_EQ(m.count("train:msd"), 1u);
  EXPECT_NEAR(m.at("train:ssd"), m.at("train:msd") * 120, 1e-6);
  EXPECT_EQ(Artifact("km").count("model.kiln"), 1u);
}

TEST_F(TrainingJobServiceTest, KnnCountsClassesFromTheLabels) {
  OpenService();
  ASSERT_TRUE(
      service_
          ->Create(Request("knn", "knn:1",
                           {{"k", "5"}, {"predictor_type", "classifier"}, {"sample_size", "100"}},
                           "bin/"))
          .ok());
  const TrainingJobRecord r = WaitFor("knn");
  ASSERT_EQ(r.status, JobStatus::kCompleted) << r.failure_reason;
  const std::string logs = *service_->Logs("knn");
  EXPECT_NE(logs.find("classes: 2 (from the labels)"), std::string::npos);
  EXPECT_NE(logs.find("sample_size: kept 100 of 120 rows"), std::string::npos);
}

}  // namespace
}  // namespace kiln
