// Test helpers for the training-job tests: a real object store and metadata database in a fresh
// temporary directory, a manual clock, tiny deterministic CSV data sets, request builders, and
// polling for job states. Test-only; a fixture is owned by its test's thread.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "common/clock.h"
#include "common/tar_gz.h"
#include "jobs/training_job_service.h"
#include "meta/database.h"
#include "store/object_store.h"

namespace kiln {

// Rows of "label,x1,x2,x3": label = 3*x1 - 2*x2 (+ 0*x3) for regression, or x1 + x2 > 1 for
// binary, from a fixed linear congruential sequence.
inline std::string TinyCsv(int rows, bool binary, std::uint32_t seed = 1) {
  std::string out;
  std::uint32_t s = seed;
  auto next = [&] {
    s = s * 1664525u + 1013904223u;
    return static_cast<double>(s >> 8) / static_cast<double>(1u << 24);
  };
  for (int r = 0; r < rows; ++r) {
    const double x1 = next(), x2 = next(), x3 = next();
    const double y = binary ? (x1 + x2 > 1 ? 1 : 0) : 3 * x1 - 2 * x2;
    out += std::to_string(y) + "," + std::to_string(x1) + "," + std::to_string(x2) + "," +
           std::to_string(x3) + "\n";
  }
  return out;
}

class TrainingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = (std::filesystem::temp_directory_path() /
            (std::string("kiln-jobs-") + info->test_suite_name() + "-" + info->name()))
               .string();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    OpenStorage();
    ASSERT_TRUE(store_->CreateBucket("data").ok());
    ASSERT_TRUE(store_->CreateBucket("models").ok());
  }

  void TearDown() override {
    service_.reset();
    store_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  void OpenStorage() {
    auto db = Database::Open(dir_ + "/meta.db");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    auto store = ObjectStore::Open(dir_ + "/objects", *db_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  TrainingJobServiceOptions Options() const {
    TrainingJobServiceOptions o;
    o.data_dir = dir_ + "/jobs";
    o.max_concurrent_jobs = 2;
    o.threads_per_job = 1;
    o.clock = &clock_;
    return o;
  }

  void OpenService(const TrainingJobServiceOptions& options) {
    service_.reset();
    auto s = TrainingJobService::Open(options, *db_, *store_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    service_ = std::move(s).value();
  }
  void OpenService() { OpenService(Options()); }

  void Put(const std::string& bucket, const std::string& key, const std::string& body) {
    auto blob = store_->NewBlob();
    ASSERT_TRUE(blob.ok()) << blob.status().ToString();
    ASSERT_TRUE((*blob)->Append(body).ok());
    ASSERT_TRUE((*blob)->Finish().ok());
    auto put = store_->PutObject(bucket, key, std::move(blob).value(), ObjectAttributes());
    ASSERT_TRUE(put.ok()) << put.status().ToString();
  }

  std::string Get(const std::string& bucket, const std::string& key) {
    auto reader = store_->OpenObject(bucket, key);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    if (!reader.ok())
      return "";
    std::string out((*reader)->info().size, '\0');
    std::size_t at = 0;
    while (at < out.size()) {
      auto n = (*reader)->ReadAt(at, out.data() + at, out.size() - at);
      if (!n.ok() || *n == 0)
        break;
      at += *n;
    }
    return out;
  }

  // Request builders, public so plain tests can use them too.
 public:
  // A CreateTrainingJob request for `image` training on s3://data/<train_prefix>.
  static nlohmann::json Request(const std::string& name, const std::string& image,
                                const std::map<std::string, std::string>& hp,
                                const std::string& train_prefix = "train/") {
    nlohmann::json r = {
        {"TrainingJobName", name},
        {"RoleArn", "arn:aws:iam::000000000000:role/kiln"},
        {"AlgorithmSpecification", {{"TrainingImage", image}, {"TrainingInputMode", "File"}}},
        {"HyperParameters", hp},
        {"InputDataConfig", nlohmann::json::array({Channel("train", train_prefix)})},
        {"OutputDataConfig", {{"S3OutputPath", "s3://models/out"}}},
    };
    return r;
  }
  static nlohmann::json Channel(const std::string& name, const std::string& prefix) {
    return {{"ChannelName", name},
            {"DataSource",
             {{"S3DataSource", {{"S3DataType", "S3Prefix"}, {"S3Uri", "s3://data/" + prefix}}}}},
            {"ContentType", "text/csv"}};
  }

 protected:
  // Polls until the job leaves InProgress/Stopping (or `pred` holds), up to 60 s.
  TrainingJobRecord WaitFor(const std::string& name,
                            const std::function<bool(const TrainingJobRecord&)>& pred = nullptr) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (true) {
      auto r = service_->Describe(name);
      EXPECT_TRUE(r.ok()) << r.status().ToString();
      if (!r.ok())
        return {};
      const bool done =
          pred ? pred(*r)
               : r->status != JobStatus::kInProgress && r->status != JobStatus::kStopping;
      if (done || std::chrono::steady_clock::now() > deadline) {
        EXPECT_TRUE(done) << "timed out waiting for " << name << ", status "
                          << JobStatusName(r->status) << "/" << r->secondary_status;
        return *r;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  // The files of the job's model.tar.gz (s3://models/out/<job>/output/model.tar.gz).
  std::map<std::string, std::string> Artifact(const std::string& job) {
    const std::string bytes = Get("models", "out/" + job + "/output/model.tar.gz");
    auto files = ReadTarGz(bytes);
    EXPECT_TRUE(files.ok()) << files.status().ToString();
    std::map<std::string, std::string> out;
    if (files.ok()) {
      for (auto& f : *files)
        out[f.name] = f.data;
    }
    return out;
  }

  std::string dir_;
  ManualClock clock_{std::chrono::system_clock::time_point(std::chrono::seconds(1767225600))};
  std::unique_ptr<Database> db_;
  std::unique_ptr<ObjectStore> store_;
  std::unique_ptr<TrainingJobService> service_;
};

}  // namespace kiln
