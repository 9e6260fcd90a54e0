// TransformJobService end to end over a real store, metadata database and EndpointService: a
// model trained in the test (libxgboost), input objects in the store, .out objects compared with
// the booster's own predictions; filters and joins; failures naming object and line; stop and
// restart.
#include "transform/transform_job_service.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "serve/endpoint_service.h"
#include "serve/internal/serve_test_util.h"
#include "store/object_store.h"
#include "transform/internal/gzip_for_test.h"
#include "transform/transform_job_store.h"

namespace kiln {
namespace {

using transform_testing::GzipForTest;

using nlohmann::json;
using serve_testing::BoosterPredict;
using serve_testing::MakeData;
using serve_testing::MakeTarGz;
using serve_testing::ServeEnv;
using serve_testing::ToCsv;
using serve_testing::TrainBooster;
using serve_testing::TrainedBooster;

constexpr char kXgbImage[] = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1";
constexpr char kStopped[] = "the Kiln server stopped while the job was running; start it again";

Matrix Rows(const Matrix& x, std::size_t begin, std::size_t end) {
  Matrix m;
  m.cols = x.cols;
  m.rows = end - begin;
  m.values.assign(x.values.begin() + static_cast<std::ptrdiff_t>(begin * x.cols),
                  x.values.begin() + static_cast<std::ptrdiff_t>(end * x.cols));
  return m;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    out.push_back(line);
  return out;
}

class TransformServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    endpoints_ = env_.OpenService();
    ASSERT_NE(endpoints_, nullptr);
    ASSERT_TRUE(env_.store().CreateBucket("data").ok());
    data_ = MakeData(300, 4, 2, 7);
    trained_ = TrainBooster(data_, "binary:logistic", 5);
    expected_ = BoosterPredict(trained_.booster, data_.x);
    const std::string url =
        env_.Upload("xgb/model.tar.gz", MakeTarGz({{"xgboost-model", trained_.json_model}}));
    ModelRecord m;
    m.name = "churn";
    m.container.image = kXgbImage;
    m.container.model_data_url = url;
    ASSERT_TRUE(endpoints_->CreateModel(m).ok());
    Open();
  }

  void Open(int jobs = 2, std::chrono::milliseconds progress_interval = std::chrono::seconds(1)) {
    transform_.reset();
    TransformJobServiceOptions options;
    options.data_dir = env_.dir() + "/transform";
    options.max_concurrent_jobs = jobs;
    options.progress_interval = progress_interval;
    options.read_chunk_bytes = 100;  // records straddle reads
    auto s = TransformJobService::Open(options, env_.db(), env_.store(), *endpoints_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    transform_ = std::move(s).value();
  }

  void Put(const std::string& key, const std::string& body) {
    auto blob = env_.store().NewBlob();
    ASSERT_TRUE(blob.ok());
    ASSERT_TRUE((*blob)->Append(body).ok());
    ASSERT_TRUE((*blob)->Finish().ok());
    ASSERT_TRUE(env_.store().PutObject("data", key, std::move(*blob), {}).ok());
  }

  bool Exists(const std::string& key) { return env_.store().HeadObject("data", key).ok(); }

  std::string Get(const std::string& key) {
    auto r = env_.store().OpenObject("data", key);
    EXPECT_TRUE(r.ok()) << key << ": " << r.status().ToString();
    if (!r.ok())
      return "";
    std::string out((*r)->info().size, '\0');
    std::size_t done = 0;
    while (done < out.size())
      done += *(*r)->ReadAt(done, out.data() + done, out.size() - done);
    return out;
  }

  json Request(const std::string& name, const std::string& uri) {
    return json{
        {"TransformJobName", name},
        {"ModelName", "churn"},
        {"TransformInput",
         {{"DataSource", {{"S3DataSource", {{"S3DataType", "S3Prefix"}, {"S3Uri", uri}}}}},
          {"ContentType", "text/csv"},
          {"SplitType", "Line"}}},
        {"TransformOutput", {{"S3OutputPath", "s3://data/out/" + name}, {"AssembleWith", "Line"}}},
        {"TransformResources", {{"InstanceType", "ml.m5.large"}, {"InstanceCount", 1}}}};
  }

  TransformJobRecord Run(const json& request) {
    auto arn = transform_->Create(request);
    EXPECT_TRUE(arn.ok()) << arn.status().ToString();
    EXPECT_TRUE(transform_->WaitIdle(std::chrono::seconds(60)));
    auto r = transform_->Describe(request["TransformJobName"].get<std::string>());
    EXPECT_TRUE(r.ok());
    return r.ok() ? *r : TransformJobRecord{};
  }

  // Waits until the job has predicted some records.
  void WaitRunning(const std::string& name) {
    for (int i = 0; i < 2000; ++i) {
      auto r = transform_->Describe(name);
      if (r.ok() && r->progress.records_done > 0)
        return;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    FAIL() << name << " never started predicting";
  }

  void ExpectScores(const std::vector<std::string>& lines, std::size_t first) {
    for (std::size_t i = 0; i < lines.size(); ++i)
      EXPECT_NEAR(std::stod(lines[i]), expected_[first + i], 1e-6) << "row " << first + i;
  }

  // A CSV of `copies` x the 300 rows.
  std::string BigCsv(int copies) {
    const std::string csv = ToCsv(data_.x);
    std::string out;
    for (int i = 0; i < copies; ++i)
      out += csv;
    return out;
  }

  ServeEnv env_;
  std::unique_ptr<EndpointService> endpoints_;
  std::unique_ptr<TransformJobService> transform_;
  serve_testing::TinyData data_;
  TrainedBooster trained_;
  std::vector<float> expected_;
};

TEST_F(TransformServiceTest, EveryObjectUnderThePrefixGetsTheBoostersPredictionsInOrder) {
  Put("in/a.csv", ToCsv(Rows(data_.x, 0, 120)));
  Put("in/sub/b.csv", ToCsv(Rows(data_.x, 120, 300)));
  Put("in/", "");  // a folder marker is not an input
  json req = Request("csv-prefix", "s3://data/in/");
  req["MaxConcurrentTransforms"] = 2;
  const TransformJobRecord r = Run(req);
  ASSERT_EQ(r.status, JobStatus::kCompleted) << r.failure_reason;
  EXPECT_TRUE(r.start_ms.has_value());
  EXPECT_TRUE(r.end_ms.has_value());
  EXPECT_EQ(r.progress.objects_total, 2u);
  EXPECT_EQ(r.progress.objects_done, 2u);
  EXPECT_EQ(r.progress.records_done, 300u);
  EXPECT_EQ(r.progress.bytes_done, r.progress.bytes_total);
  EXPECT_GT(r.progress.bytes_total, 0u);
  const auto a = Lines(Get("out/csv-prefix/a.csv.out"));
  const auto b = Lines(Get("out/csv-prefix/sub/b.csv.out"));
  ASSERT_EQ(a.size(), 120u);
  ASSERT_EQ(b.size(), 180u);
  ExpectScores(a, 0);
  ExpectScores(b, 120);
  auto log = transform_->Logs("csv-prefix");
  ASSERT_TRUE(log.ok());
  EXPECT_NE(log->find("s3://data/in/a.csv: 120 records -> s3://data/out/csv-prefix/a.csv.out"),
            std::string::npos)
      << *log;
}

TEST_F(TransformServiceTest, SingleRecordAndAssembleNoneGiveTheSamePredictions) {
  Put("one/x.csv", ToCsv(Rows(data_.x, 0, 50)));
  json req = Request("single", "s3://data/one/");
  req["BatchStrategy"] = "SingleRecord";
  req["TransformOutput"]["AssembleWith"] = "None";
  const TransformJobRecord r = Run(req);
  ASSERT_EQ(r.status, JobStatus::kCompleted) << r.failure_reason;
  const auto lines = Lines(Get("out/single/x.csv.out"));
  ASSERT_EQ(lines.size(), 50u);
  ExpectScores(lines, 0);
}

TEST_F(TransformServiceTest, JsonLinesWithInputFilterJoinAndOutputFilter) {
  std::string body;
  for (std::size_t i = 0; i < 40; ++i) {
    json features = json::array();
    for (std::size_t c = 0; c < data_.x.cols; ++c)
      features.push_back(data_.x.at(i, c));
    body += json{{"id", "r" + std::to_string(i)}, {"features", features}}.dump() + "\n";
  }
  Put("jl/part.jsonl", body);
  json req = Request("jsonl", "s3://data/jl/");
  req["TransformInput"]["ContentType"] = "application/jsonlines";
  req["TransformOutput"]["Accept"] = "application/jsonlines";
  req["DataProcessing"] = {{"InputFilter", "$.features"},
                           {"OutputFilter", "$['id','SageMakerOutput']"},
                           {"JoinSource", "Input"}};
  const TransformJobRecord r = Run(req);
  ASSERT_EQ(r.status, JobStatus::kCompleted) << r.failure_reason;
  const auto lines = Lines(Get("out/jsonl/part.jsonl.out"));
  ASSERT_EQ(lines.size(), 40u);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const json row = json::parse(lines[i]);
    EXPECT_EQ(row["id"], "r" + std::to_string(i));
    EXPECT_NEAR(row["SageMakerOutput"]["score"].get<double>(), expected_[i], 1e-6);
    EXPECT_EQ(row.size(), 2u);
  }
}

TEST_F(TransformServiceTest, CsvJoinKeepsTheIdColumnBesideThePrediction) {
  std::string body;
  const auto rows = Lines(ToCsv(Rows(data_.x, 0, 30)));
  for (std::size_t i = 0; i < rows.size(); ++i)
    body += "\"id," + std::to_string(i) + "\"," + rows[i] + "\n";
  Put("ids/x.csv", body);
  json req = Request("csv-join", "s3://data/ids/x.csv");
  req["TransformInput"]["DataSource"]["S3DataSource"]["S3DataType"] = "S3Object";
  req["DataProcessing"] = {
      {"InputFilter", "$[1:]"}, {"OutputFilter", "$[0,-1]"}, {"JoinSource", "Input"}};
  const TransformJobRecord r = Run(req);
  ASSERT_EQ(r.status, JobStatus::kCompleted) << r.failure_reason;
  const auto lines = Lines(Get("out/csv-join/x.csv.out"));
  ASSERT_EQ(lines.size(), 30u);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string id = "\"id," + std::to_string(i) + "\",";
    ASSERT_EQ(lines[i].rfind(id, 0), 0u) << lines[i];
    EXPECT_NEAR(std::stod(lines[i].substr(id.size())), expected_[i], 1e-6);
  }
}

TEST_F(TransformServiceTest, GzipObjectsAndManifestsAreRead) {
  Put("gz/a.csv.gz", GzipForTest(ToCsv(Rows(data_.x, 0, 60))));
  json req = Request("gzip", "s3://data/gz/");
  req["TransformInput"]["CompressionType"] = "Gzip";
  TransformJobRecord r = Run(req);
  ASSERT_EQ(r.status, JobStatus::kCompleted) << r.failure_reason;
  ExpectScores(Lines(Get("out/gzip/a.csv.gz.out")), 0);

  Put("m/p1.csv", ToCsv(Rows(data_.x, 0, 10)));
  Put("m/p2.csv", ToCsv(Rows(data_.x, 10, 20)));
  Put("manifests/in.json", R"([{"prefix": "s3://data/m/"}, "p2.csv", "p1.csv"])");
  req = Request("manifest", "s3://data/manifests/in.json");
  req["TransformInput"]["DataSource"]["S3DataSource"]["S3DataType"] = "ManifestFile";
  r = Run(req);
  ASSERT_EQ(r.status, JobStatus::kCompleted) << r.failure_reason;
  ExpectScores(Lines(Get("out/manifest/p1.csv.out")), 0);
  ExpectScores(Lines(Get("out/manifest/p2.csv.out")), 10);
}

TEST_F(TransformServiceTest, AnObjectThatIsNotGzipFailsNamingIt) {
  Put("notgz/a.csv.gz", ToCsv(Rows(data_.x, 0, 5)));
  json req = Request("not-gzip", "s3://data/notgz/");
  req["TransformInput"]["CompressionType"] = "Gzip";
  const TransformJobRecord r = Run(req);
  ASSERT_EQ(r.status, JobStatus::kFailed);
  EXPECT_EQ(r.failure_reason.rfind("ClientError: s3://data/notgz/a.csv.gz: the object is not valid "
                                   "gzip",
                                   0),
            0u)
      << r.failure_reason;
}

TEST_F(TransformServiceTest, SplitNoneSendsTheWholeObjectAsOneRequest) {
  Put("whole/x.csv", ToCsv(Rows(data_.x, 0, 25)));
  json req = Request("whole", "s3://data/whole/");
  req["TransformInput"]["SplitType"] = "None";
  const TransformJobRecord r = Run(req);
  ASSERT_EQ(r.status, JobStatus::kCompleted) << r.failure_reason;
  ExpectScores(Lines(Get("out/whole/x.csv.out")), 0);
}

TEST_F(TransformServiceTest, AMalformedRowFailsTheJobNamingObjectAndLineAndWritesNoOutput) {
  auto rows = Lines(ToCsv(Rows(data_.x, 0, 5)));
  rows[2] = "0.5,abc,0.1,0.2";
  std::string body;
  for (const auto& l : rows)
    body += l + "\n";
  Put("bad/ok.csv", ToCsv(Rows(data_.x, 0, 5)));
  Put("bad/x.csv", body);
  const TransformJobRecord r = Run(Request("bad-row", "s3://data/bad/"));
  ASSERT_EQ(r.status, JobStatus::kFailed);
  EXPECT_NE(r.failure_reason.find("ClientError: s3://data/bad/x.csv, line 3, column 2: \"abc\" "
                                  "is not a number"),
            std::string::npos)
      << r.failure_reason;
  EXPECT_FALSE(Exists("out/bad-row/x.csv.out"));

  Put("wide/x.csv", "1,2,3\n");
  const TransformJobRecord w = Run(Request("wide", "s3://data/wide/"));
  ASSERT_EQ(w.status, JobStatus::kFailed);
  EXPECT_NE(w.failure_reason.find("s3://data/wide/x.csv, line 1: 3 values, the model takes 4"),
            std::string::npos)
      << w.failure_reason;
}

TEST_F(TransformServiceTest, ARecordAboveMaxPayloadFailsNamingIt) {
  Put("huge/x.csv", "1,2,3,4\n" + std::string((1 << 20) + 10, '1') + "\n");
  json req = Request("huge", "s3://data/huge/");
  req["MaxPayloadInMB"] = 1;
  const TransformJobRecord r = Run(req);
  ASSERT_EQ(r.status, JobStatus::kFailed);
  EXPECT_NE(r.failure_reason.find("s3://data/huge/x.csv: line 2: the record is more than"),
            std::string::npos)
      << r.failure_reason;
}

TEST_F(TransformServiceTest, AnEmptyPrefixFailsAsOnAws) {
  const TransformJobRecord r = Run(Request("empty", "s3://data/nothing-here/"));
  ASSERT_EQ(r.status, JobStatus::kFailed);
  EXPECT_NE(r.failure_reason.find("No S3 objects found under S3 URL"), std::string::npos);
}

TEST_F(TransformServiceTest, CreateRefusesUnknownModelsBucketsAndDuplicates) {
  json req = Request("errs", "s3://data/in/");
  req["ModelName"] = "nope";
  auto unknown = transform_->Create(req);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.error().message().find(
                "Could not find model \"arn:aws:sagemaker:us-east-1:000000000000:model/nope\""),
            std::string::npos);
  req = Request("errs", "s3://missing-bucket/in/");
  auto bucket = transform_->Create(req);
  ASSERT_FALSE(bucket.ok());
  EXPECT_NE(bucket.error().message().find("bucket \"missing-bucket\" does not exist"),
            std::string::npos);
  Put("dup/x.csv", ToCsv(Rows(data_.x, 0, 3)));
  ASSERT_TRUE(transform_->Create(Request("dup", "s3://data/dup/")).ok());
  auto dup = transform_->Create(Request("DUP", "s3://data/dup/"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().reason(), "ResourceInUse");
  ASSERT_TRUE(transform_->WaitIdle(std::chrono::seconds(30)));
  EXPECT_EQ(transform_->Stop("dup").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(transform_->Describe("absent").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(transform_->Stop("absent").code(), StatusCode::kNotFound);
}

TEST_F(TransformServiceTest, StopEndsARunningJobWithoutAPartialOutputAndAQueuedOneAtOnce) {
  Open(1);
  Put("big/x.csv", BigCsv(1000));  // 300,000 rows, one request each
  json slow = Request("slow", "s3://data/big/");
  slow["BatchStrategy"] = "SingleRecord";
  ASSERT_TRUE(transform_->Create(slow).ok());
  ASSERT_TRUE(transform_->Create(Request("queued", "s3://data/big/")).ok());
  WaitRunning("slow");
  ASSERT_TRUE(transform_->Stop("queued").ok());
  EXPECT_EQ(transform_->Describe("queued")->status, JobStatus::kStopped);
  ASSERT_TRUE(transform_->Stop("slow").ok());
  ASSERT_TRUE(transform_->WaitIdle(std::chrono::seconds(30)));
  const TransformJobRecord r = *transform_->Describe("slow");
  EXPECT_EQ(r.status, JobStatus::kStopped);
  EXPECT_TRUE(r.end_ms.has_value());
  EXPECT_LT(r.progress.records_done, 300000u);
  EXPECT_FALSE(Exists("out/slow/x.csv.out"));
}

TEST_F(TransformServiceTest, AJobRunningWhenTheServiceStopsIsFailedAndQueuedOnesRunAfterRestart) {
  Open(1);
  Put("big/x.csv", BigCsv(1000));
  Put("small/x.csv", ToCsv(Rows(data_.x, 0, 10)));
  json slow = Request("interrupted", "s3://data/big/");
  slow["BatchStrategy"] = "SingleRecord";
  ASSERT_TRUE(transform_->Create(slow).ok());
  ASSERT_TRUE(transform_->Create(Request("waiting", "s3://data/small/")).ok());
  WaitRunning("interrupted");
  Open(1);  // destroys the running service first
  ASSERT_TRUE(transform_->WaitIdle(std::chrono::seconds(30)));
  const TransformJobRecord r = *transform_->Describe("interrupted");
  EXPECT_EQ(r.status, JobStatus::kFailed);
  EXPECT_EQ(r.failure_reason, kStopped);
  EXPECT_FALSE(Exists("out/interrupted/x.csv.out"));
  EXPECT_EQ(transform_->Describe("waiting")->status, JobStatus::kCompleted);
  ExpectScores(Lines(Get("out/waiting/x.csv.out")), 0);
}

TEST_F(TransformServiceTest, ProgressIsStoredWhileTheJobRunsAndKeptWhenItEndsFailed) {
  Open(1, std::chrono::milliseconds(0));
  Put("two/a.csv", ToCsv(Rows(data_.x, 0, 10)));
  Put("two/b.csv", BigCsv(1000));
  json slow = Request("stored", "s3://data/two/");
  slow["BatchStrategy"] = "SingleRecord";
  slow["MaxConcurrentTransforms"] = 1;  // a.csv, then b.csv
  ASSERT_TRUE(transform_->Create(slow).ok());
  auto stored_store = TransformJobStore::Open(env_.db());
  ASSERT_TRUE(stored_store.ok());
  TransformJobStore& records = **stored_store;  // what a restart would read
  TransformProgress stored;
  for (int i = 0; i < 4000 && !(stored.objects_done == 1 && stored.records_done > 10); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    auto r = records.Get("stored");
    ASSERT_TRUE(r.ok());
    stored = r->progress;
  }
  ASSERT_EQ(stored.objects_done, 1u) << "the first object's progress was never stored";
  EXPECT_GT(stored.records_done, 10u);
  EXPECT_EQ(stored.objects_total, 2u);
  EXPECT_GT(stored.bytes_total, 0u);
  EXPECT_LE(stored.records_done, transform_->Describe("stored")->progress.records_done);
  EXPECT_TRUE(Exists("out/stored/a.csv.out"));

  Open(1);  // the running job ends Failed and keeps its progress
  const TransformJobRecord r = *transform_->Describe("stored");
  EXPECT_EQ(r.status, JobStatus::kFailed);
  EXPECT_EQ(r.failure_reason, kStopped);
  EXPECT_EQ(r.progress.objects_done, 1u);
  EXPECT_GE(r.progress.records_done, stored.records_done);
  EXPECT_LT(r.progress.records_done, 300010u);
  EXPECT_FALSE(Exists("out/stored/b.csv.out"));
  EXPECT_EQ(records.SaveProgress("stored", TransformProgress{}).code(), StatusCode::kOk);
  EXPECT_EQ(records.Get("stored")->progress.objects_done, 1u);  // an ended job keeps its own
  EXPECT_EQ(records.SaveProgress("absent", TransformProgress{}).code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace kiln
