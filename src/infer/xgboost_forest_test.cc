// Parity of CompiledForest with libxgboost: models trained here through the C API on the example
// datasets (and on every shared dataset when /work/shared/datasets or $KILN_DATASETS is present)
// predict what XGBoosterPredictFromDense predicts, to 1e-5 on every row.
#include "infer/xgboost_forest.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "infer/internal/xgboost_test_util.h"

namespace kiln {
namespace {

using infer_testing::Dataset;
using infer_testing::DatasetTask;
using infer_testing::LoadDataset;
using infer_testing::Params;
using infer_testing::Train;
using infer_testing::Trained;
using infer_testing::XgboostPredict;

std::string ExamplePath(const std::string& file) {
  return (std::filesystem::path(KILN_SOURCE_DIR) / "examples" / "data" / file).string();
}

std::filesystem::path SharedDir() {
  const char* dir = std::getenv("KILN_DATASETS");
  return dir != nullptr ? dir : "/work/shared/datasets";
}

// Compiles `doc`, predicts every row of `x` and compares with libxgboost; returns the largest
// difference seen.
double ExpectParity(const Trained& model, const std::string& doc, const Matrix& x,
                    const std::string& what) {
  Result<CompiledXgboostModel> compiled = CompileXgboostModel(doc);
  EXPECT_TRUE(compiled.ok()) << what << ": " << compiled.status().ToString();
  if (!compiled.ok())
    return INFINITY;
  const CompiledForest& f = compiled->forest;
  ::testing::Test::RecordProperty(what + " layout", f.Describe());
  const std::vector<float> want = XgboostPredict(model, x);
  const std::size_t k = static_cast<std::size_t>(f.num_outputs());
  EXPECT_EQ(want.size(), x.rows * k) << what;
  if (want.size() != x.rows * k)
    return INFINITY;
  std::vector<float> batch(x.rows * k);
  f.PredictBatch(x.values.data(), x.rows, batch.data());
  double worst = 0;
  int reported = 0;
  std::vector<float> one(k);
  for (std::size_t r = 0; r < x.rows; ++r) {
    f.PredictRow(&x.values[r * x.cols], one.data());
    for (std::size_t j = 0; j < k; ++j) {
      const double w = want[r * k + j];
      const double d = std::max(std::fabs(batch[r * k + j] - w), std::fabs(one[j] - w));
      worst = std::max(worst, d);
      if (!(d <= 1e-5 * std::max(1.0, std::fabs(w))) && reported++ < 5) {
        ADD_FAILURE() << what << ": row " << r << " output " << j << ": compiled "
                      << batch[r * k + j] << " / " << one[j] << ", xgboost " << w;
      }
    }
  }
  return worst;
}

struct Config {
  std::string name;
  Params params;
  int rounds = 20;
};

std::vector<Config> ConfigsFor(const Dataset& d) {
  switch (d.task) {
    case DatasetTask::kBinary:
      return {
          {"binary:logistic depth 6", {{"objective", "binary:logistic"}, {"max_depth", "6"}}, 30},
          {"reg:logistic depth 8 base_score 0.3",
           {{"objective", "reg:logistic"}, {"max_depth", "8"}, {"base_score", "0.3"}}},
          {"binary:logitraw", {{"objective", "binary:logitraw"}, {"max_depth", "4"}}},
          {"binary:hinge", {{"objective", "binary:hinge"}, {"max_depth", "3"}}},
          {"num_parallel_tree 4",
           {{"objective", "binary:logistic"},
            {"num_parallel_tree", "4"},
            {"subsample", "0.7"},
            {"colsample_bynode", "0.6"},
            {"max_depth", "5"}},
           6},
          {"dart",
           {{"objective", "binary:logistic"},
            {"booster", "dart"},
            {"rate_drop", "0.3"},
            {"max_depth", "4"}},
           10},
          {"lossguide 64 leaves, deep trees",
           {{"objective", "binary:logistic"},
            {"tree_method", "hist"},
            {"grow_policy", "lossguide"},
            {"max_depth", "0"},
            {"max_leaves", "64"}},
           8},
      };
    case DatasetTask::kMulticlass: {
      const std::string k = std::to_string(d.classes);
      return {
          {"multi:softprob depth 6",
           {{"objective", "multi:softprob"}, {"num_class", k}, {"max_depth", "6"}}},
          {"multi:softmax depth 8",
           {{"objective", "multi:softmax"}, {"num_class", k}, {"max_depth", "8"}},
           10},
          {"multi:softprob num_parallel_tree 3",
           {{"objective", "multi:softprob"},
            {"num_class", k},
            {"num_parallel_tree", "3"},
            {"subsample", "0.8"},
            {"max_depth", "4"}},
           5},
      };
    }
    case DatasetTask::kRegression:
      return {
          {"reg:squarederror depth 6", {{"objective", "reg:squarederror"}, {"max_depth", "6"}}, 30},
          {"reg:squarederror depth 8 exact",
           {{"objective", "reg:squarederror"}, {"max_depth", "8"}, {"tree_method", "exact"}}},
          {"reg:squaredlogerror", {{"objective", "reg:squaredlogerror"}}},
          {"reg:pseudohubererror", {{"objective", "reg:pseudohubererror"}}},
          {"reg:absoluteerror", {{"objective", "reg:absoluteerror"}}},
          {"count:poisson", {{"objective", "count:poisson"}}},
          {"reg:gamma", {{"objective", "reg:gamma"}}},
          {"reg:tweedie", {{"objective", "reg:tweedie"}, {"tweedie_variance_power", "1.3"}}},
          {"survival:cox", {{"objective", "survival:cox"}}},
          {"survival:aft", {{"objective", "survival:aft"}}},
          {"rank:pairwise", {{"objective", "rank:pairwise"}}},
          {"rank:ndcg", {{"objective", "rank:ndcg"}}},
          {"rank:map", {{"objective", "rank:map"}}},
          {"dart",
           {{"objective", "reg:squarederror"}, {"booster", "dart"}, {"rate_drop", "0.2"}},
           10},
      };
  }
  return {};
}

// Objectives whose labels must be positive (the datasets' regression targets are).
bool NeedsPositive(const Config& c) {
  for (const auto& [k, v] : c.params) {
    if (k == "objective" && (v == "reg:gamma" || v == "survival:cox" || v == "survival:aft" ||
                             v == "reg:squaredlogerror"))
      return true;
  }
  return false;
}

void CheckDataset(const Dataset& d, bool all_configs) {
  ASSERT_FALSE(d.name.empty());
  std::vector<Config> configs = ConfigsFor(d);
  if (!all_configs)
    configs.resize(1);
  bool positive = true;
  for (float y : d.y)
    positive = positive && y > 0;
  for (const Config& c : configs) {
    if (NeedsPositive(c) && !positive)
      continue;
    Params params = c.params;
    params.push_back({"seed", "3"});
    const Trained model = Train(d.x, d.y, params, c.rounds);
    const std::string what = d.name + " " + c.name;
    const double worst = ExpectParity(model, model.json, d.x, what);
    char worst_text[32];
    std::snprintf(worst_text, sizeof worst_text, "%.3g", worst);
    ::testing::Test::RecordProperty(what, worst_text);
  }
}

TEST(XgboostForestParity, ExampleBinaryDatasetsWithMissingValues) {
  for (const char* file : {"adult.csv", "blood-transfusion.csv", "bank-marketing.csv"})
    CheckDataset(LoadDataset(ExamplePath(file)), true);
}

TEST(XgboostForestParity, ExampleMulticlassDataset) {
  CheckDataset(LoadDataset(ExamplePath("car.csv")), true);
}

TEST(XgboostForestParity, ExampleRegressionDatasets) {
  for (const char* file : {"abalone.csv", "wine_quality.csv"})
    CheckDataset(LoadDataset(ExamplePath(file)), true);
}

// XGBoost's native categories: partition splits (max_cat_to_onehot 1) and one-hot splits, on the
// example datasets' categorical columns as codes; rows with codes never seen in training (large,
// negative, fractional) and missing ones predict as libxgboost predicts them.
TEST(XgboostForestParity, CategoricalSplitsPredictLikeXgboost) {
  for (const char* file : {"adult.csv", "car.csv", "credit-g.csv", "bank-marketing.csv"}) {
    const Dataset d = LoadDataset(ExamplePath(file));
    ASSERT_FALSE(d.name.empty());
    Matrix odd_rows = d.x;  // libxgboost refuses such codes in training, not in prediction
    for (std::size_t r = 0; r < odd_rows.rows; r += 7) {
      for (std::size_t c = 0; c < odd_rows.cols; ++c) {
        const float odd[] = {1000.0f, -1.0f, 1.5f, std::nanf(""), 16777216.0f};
        if (d.categorical[c] && (r + c) % 3 == 0)
          odd_rows.at(r, c) = odd[(r / 7 + c) % 5];
      }
    }
    Params base = {{"tree_method", "hist"}, {"max_depth", "6"}, {"seed", "3"}};
    if (d.task == DatasetTask::kMulticlass) {
      base.push_back({"objective", "multi:softprob"});
      base.push_back({"num_class", std::to_string(d.classes)});
    } else {
      base.push_back({"objective", "binary:logistic"});
    }
    for (const char* onehot : {"1", "64", "lossguide"}) {
      Params params = base;
      if (std::string(onehot) == "lossguide") {  // unbalanced trees
        params.push_back({"grow_policy", "lossguide"});
        params.push_back({"max_leaves", "128"});
        params.push_back({"max_depth", "0"});
        params.push_back({"max_cat_to_onehot", "1"});
      } else {
        params.push_back({"max_cat_to_onehot", onehot});
      }
      const Trained model = Train(d.x, d.y, params, 20, d.categorical);
      const std::string what = d.name + " max_cat_to_onehot " + onehot;
      EXPECT_LE(ExpectParity(model, model.json, d.x, what + " json"), 1e-6);
      EXPECT_LE(ExpectParity(model, model.ubj, odd_rows, what + " ubj, unseen codes"), 1e-6);
      Result<CompiledXgboostModel> compiled = CompileXgboostModel(model.ubj);
      ASSERT_TRUE(compiled.ok());
      const std::string layout = compiled->forest.Describe();
      EXPECT_NE(layout.find("with categorical splits"), std::string::npos) << layout;
    }
  }
}

TEST(XgboostForestParity, UbjsonDocumentsCompileTheSame) {
  const Dataset d = LoadDataset(ExamplePath("car.csv"));
  const Trained model = Train(
      d.x, d.y, {{"objective", "multi:softprob"}, {"num_class", std::to_string(d.classes)}}, 8);
  EXPECT_LE(ExpectParity(model, model.ubj, d.x, "car ubj"), 1e-6);
}

TEST(XgboostForestParity, IterationRangesPredictLikeXgboost) {
  const Dataset d = LoadDataset(ExamplePath("car.csv"));
  const Trained model = Train(d.x, d.y,
                              {{"objective", "multi:softprob"},
                               {"num_class", std::to_string(d.classes)},
                               {"num_parallel_tree", "2"},
                               {"subsample", "0.8"}},
                              10);
  for (const auto& [begin, end] : std::vector<std::pair<int, int>>{{0, 4}, {3, 10}, {5, 0}}) {
    Result<CompiledXgboostModel> compiled = CompileXgboostModel(model.json, {begin, end});
    ASSERT_TRUE(compiled.ok()) << compiled.status().ToString();
    const std::string config =
        "{\"type\":0,\"training\":false,\"iteration_begin\":" + std::to_string(begin) +
        ",\"iteration_end\":" + std::to_string(end) +
        ",\"strict_shape\":false,\"missing\":NaN,\"cache_id\":0}";
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* result = nullptr;
    ASSERT_EQ(XGBoosterPredictFromDense(model.booster.get(), XgbArrayInterface(d.x).c_str(),
                                        config.c_str(), nullptr, &shape, &dim, &result),
              0)
        << XGBGetLastError();
    const std::size_t k = static_cast<std::size_t>(d.classes);
    ASSERT_EQ(XgbShapeSize(shape, dim), d.x.rows * k);
    std::vector<float> got(d.x.rows * k);
    compiled->forest.PredictBatch(d.x.values.data(), d.x.rows, got.data());
    for (std::size_t i = 0; i < got.size(); ++i)
      ASSERT_NEAR(got[i], result[i], 1e-6) << begin << ".." << end << " value " << i;
  }
  EXPECT_FALSE(CompileXgboostModel(model.json, {4, 11}).ok());
  EXPECT_FALSE(CompileXgboostModel(model.json, {5, 2}).ok());
}

TEST(XgboostForestParity, EverySharedDataset) {
  const std::filesystem::path dir = SharedDir();
  if (!std::filesystem::is_directory(dir))
    GTEST_SKIP() << dir << " not present";
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".csv")
      files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  for (const auto& f : files) {
    SCOPED_TRACE(f.string());
    CheckDataset(LoadDataset(f.string()), false);
  }
}

}  // namespace
}  // namespace kiln
