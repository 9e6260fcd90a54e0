// BatchPipeline over a BatchTransformer with a real XGBoost predictor: outputs come back in input
// order whatever the thread count, the first error in input order wins and nothing after it is
// written, and a cancellation stops it.
#include "transform/batch_pipeline.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "serve/internal/serve_test_util.h"
#include "serve/predictor.h"

namespace kiln {
namespace {

using serve_testing::MakeData;
using serve_testing::ToCsv;
using serve_testing::TrainBooster;

class BatchPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = MakeData(400, 3, 2, 11);
    auto trained = TrainBooster(data_, "binary:logistic", 3);
    const std::vector<TarEntry> files = {{"xgboost-model", trained.json_model}};
    auto p = LoadPredictor(files, PredictorOptions{dir_.path()});
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    predictor_ = std::move(p).value();
    nlohmann::json request = {
        {"TransformJobName", "t"},
        {"ModelName", "m"},
        {"TransformInput",
         {{"DataSource", {{"S3DataSource", {{"S3DataType", "S3Prefix"}, {"S3Uri", "s3://b/"}}}}},
          {"SplitType", "Line"}}},
        {"TransformOutput", {{"S3OutputPath", "s3://b/out"}, {"AssembleWith", "Line"}}},
        {"TransformResources", {{"InstanceType", "ml.m5.large"}, {"InstanceCount", 1}}}};
    auto spec = ParseTransformJobRequest(request, nullptr);
    ASSERT_TRUE(spec.ok());
    spec_ = *spec;
    auto processor = RecordProcessor::Make(spec_.content_type, spec_.accept, spec_.processing);
    ASSERT_TRUE(processor.ok());
    processor_.emplace(std::move(processor).value());
    transformer_.emplace(spec_, *processor_, *predictor_, "s3://b/x.csv");
    rows_ = ToCsv(data_.x);
  }

  // Batches of `per_batch` rows; row `bad` (0-based, if any) is replaced by a malformed one.
  std::vector<std::unique_ptr<MiniBatch>> Batches(std::size_t per_batch, long bad = -1) {
    std::vector<std::unique_ptr<MiniBatch>> out;
    std::size_t pos = 0;
    for (std::size_t r = 0; r < data_.x.rows; ++r) {
      const std::size_t nl = rows_.find('\n', pos);
      std::string line = rows_.substr(pos, nl - pos);
      pos = nl + 1;
      if (static_cast<long>(r) == bad)
        line = "1,x,2";
      if (r % per_batch == 0)
        out.push_back(std::make_unique<MiniBatch>(BatchStrategy::kMultiRecord, 1 << 20, false));
      out.back()->Add(r + 1, line, line);
    }
    return out;
  }

  // The output of every batch through a pipeline of `threads`, and the status it ended with.
  std::pair<std::string, Status> Run(
      int threads, std::vector<std::unique_ptr<MiniBatch>> batches,
      const BatchPipeline::Cancelled& cancelled = [] { return false; }) {
    std::string written;
    BatchPipeline pipeline(*transformer_, threads, cancelled,
                           [&](const MiniBatch&, const std::string& out) {
                             written += out;
                             return Status::Ok();
                           });
    for (auto& b : batches) {
      Status s = pipeline.Submit(std::move(b));
      if (!s.ok())
        return {written, s};
    }
    return {written, pipeline.Finish()};
  }

  serve_testing::TempDir dir_;
  serve_testing::TinyData data_;
  std::unique_ptr<const Predictor> predictor_;
  TransformJobSpec spec_;
  std::optional<RecordProcessor> processor_;
  std::optional<BatchTransformer> transformer_;
  std::string rows_;
};

TEST_F(BatchPipelineTest, OutputsComeBackInInputOrderWhateverTheThreadCount) {
  auto [one, s1] = Run(1, Batches(7));
  ASSERT_TRUE(s1.ok()) << s1.ToString();
  EXPECT_EQ(std::count(one.begin(), one.end(), '\n'), 400);
  for (int threads : {2, 3, 8}) {
    auto [many, s] = Run(threads, Batches(7));
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(many, one) << threads << " threads";
  }
}

TEST_F(BatchPipelineTest, TheFirstBadBatchInInputOrderWinsAndNothingAfterItIsWritten) {
  for (int threads : {1, 4}) {
    auto [written, s] = Run(threads, Batches(10, 123));
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.message().find("s3://b/x.csv, line 124, column 2: \"x\" is not a number"),
              std::string::npos)
        << s.message();
    EXPECT_EQ(std::count(written.begin(), written.end(), '\n'), 120) << threads << " threads";
  }
}

TEST_F(BatchPipelineTest, ACancellationStopsThePipeline) {
  int calls = 0;
  auto [written, s] = Run(3, Batches(10), [&] { return ++calls > 5; });
  EXPECT_EQ(s.code(), StatusCode::kCancelled);
  EXPECT_LT(std::count(written.begin(), written.end(), '\n'), 400);
}

}  // namespace
}  // namespace kiln
