// CompiledKilnModel predicts what KilnModel::Predict predicts: XGBoost ensembles behind
// number-passing pipelines from float rows (missing and infinite values included, request columns
// in any order), and automl-like ensembles (XGBoost with native categories, linear, random forest,
// extra trees; tree and linear pipelines) on the example datasets and on datetime and text columns
// from decoded rows; k-NN members (one-hot and numeric pipelines, both weightings and metrics),
// k-means and PCA models from decoded rows and float rows; it refuses what it cannot compile.
#include "infer/compiled_kiln_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "infer/internal/xgboost_test_util.h"
#include "learn/unsupervised/unsupervised_model.h"
#include "model/kiln_model.h"

namespace kiln {
namespace {

using infer_testing::ToTable;
using infer_testing::TrainKilnXgboost;

Matrix Data(std::size_t rows, std::size_t cols, int classes, std::vector<float>* y) {
  std::mt19937 rng(9);
  std::uniform_real_distribution<float> u(-1, 1);
  Matrix x(rows, cols);
  y->resize(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c)
      x.at(r, c) = u(rng) < -0.85f ? std::nanf("") : u(rng);
    const float a = std::isnan(x.at(r, 0)) ? 0 : x.at(r, 0);
    const float b = std::isnan(x.at(r, 1)) ? 0 : x.at(r, 1);
    const float s = a + b * b + 0.2f * u(rng);
    (*y)[r] = classes == 0   ? 3 * s
              : classes == 2 ? (s > 0.3f ? 1.0f : 0.0f)
                             : static_cast<float>(s < 0      ? 0
                                                  : s < 0.6f ? 1
                                                             : 2);
  }
  return x;
}

void ExpectSameAsKilnModel(int classes) {
  std::vector<float> y;
  Matrix x = Data(400, 5, classes, &y);
  const KilnModel model = TrainKilnXgboost(x, y, classes);
  ASSERT_EQ(model.members.size(), 2u);
  // Infinities at predict time count as missing, as in FeaturePipeline.
  x.at(3, 0) = INFINITY;
  x.at(4, 1) = -INFINITY;
  Result<Predictions> want = model.Predict(ToTable(x));
  ASSERT_TRUE(want.ok()) << want.status().ToString();
  const std::vector<std::string> columns = {"f0", "f1", "f2", "f3", "f4"};
  Result<CompiledKilnModel> compiled = CompiledKilnModel::Compile(model, columns);
  ASSERT_TRUE(compiled.ok()) << compiled.status().ToString();
  ASSERT_EQ(compiled->num_outputs(), want->outputs);
  std::vector<double> got(x.rows * static_cast<std::size_t>(want->outputs));
  compiled->Predict(x.values.data(), x.rows, got.data());
  ASSERT_EQ(got.size(), want->output.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got[i], want->output[i], 1e-12) << "classes " << classes << ", value " << i;
  EXPECT_NE(compiled->Describe().find("3 xgboost models"), std::string::npos)
      << compiled->Describe();
}

TEST(CompiledKilnModel, RegressionEqualsKilnModelPredict) { ExpectSameAsKilnModel(0); }
TEST(CompiledKilnModel, BinaryEqualsKilnModelPredict) { ExpectSameAsKilnModel(2); }
TEST(CompiledKilnModel, MulticlassEqualsKilnModelPredict) { ExpectSameAsKilnModel(3); }

TEST(CompiledKilnModel, RequestColumnsMayComeInAnotherOrder) {
  std::vector<float> y;
  const Matrix x = Data(200, 3, 2, &y);
  const KilnModel model = TrainKilnXgboost(x, y, 2);
  Result<CompiledKilnModel> straight = CompiledKilnModel::Compile(model, {"f0", "f1", "f2"});
  Result<CompiledKilnModel> shuffled =
      CompiledKilnModel::Compile(model, {"f2", "extra", "f0", "f1"});
  ASSERT_TRUE(straight.ok() && shuffled.ok());
  Matrix moved(x.rows, 4);
  for (std::size_t r = 0; r < x.rows; ++r) {
    moved.at(r, 0) = x.at(r, 2);
    moved.at(r, 1) = 123;
    moved.at(r, 2) = x.at(r, 0);
    moved.at(r, 3) = x.at(r, 1);
  }
  std::vector<double> a(x.rows), b(x.rows);
  straight->Predict(x.values.data(), x.rows, a.data());
  shuffled->Predict(moved.values.data(), x.rows, b.data());
  EXPECT_EQ(a, b);
  Result<CompiledKilnModel> missing = CompiledKilnModel::Compile(model, {"f0", "f1"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message().find("\"f2\" is not among"), std::string::npos);
}

// Decoded rows of `table`'s columns in `layout` (texts view the table's levels).
InputRows RowsOf(const InputLayout& layout, const Table& table) {
  InputRows rows;
  rows.Resize(layout, table.num_rows);
  for (const ModelInput& in : layout.inputs) {
    const Column& c = table.columns[static_cast<std::size_t>(table.Find(in.schema.name))];
    for (std::size_t r = 0; r < table.num_rows; ++r) {
      if (in.number) {
        rows.numbers[r * layout.num_numbers + in.slot] = c.values[r];
      } else {
        rows.texts[r * layout.num_texts + in.slot] =
            c.codes[r] < 0 ? std::string_view() : std::string_view(c.levels[c.codes[r]]);
      }
    }
  }
  return rows;
}

std::vector<std::string> Features(const KilnModel& model) {
  std::vector<std::string> out;
  for (const ColumnSchema& c : model.InputSchema())
    out.push_back(c.name);
  return out;
}

// Compiles `model` and checks Predict on `table`'s rows and on the probe rows against
// KilnModel::Predict; returns the compiled model's Describe().
std::string ExpectEnsembleParity(const KilnModel& model, const Table& table,
                                 const std::string& what) {
  Result<CompiledKilnModel> compiled = CompiledKilnModel::Compile(model, Features(model));
  EXPECT_TRUE(compiled.ok()) << what << ": " << compiled.status().ToString();
  if (!compiled.ok())
    return "";
  for (const bool probes : {false, true}) {
    const InputRows rows = probes ? compiled->ProbeRows() : RowsOf(compiled->layout(), table);
    Result<Predictions> want = model.Predict(probes ? InputTable(compiled->layout(), rows) : table);
    EXPECT_TRUE(want.ok()) << want.status().ToString();
    if (!want.ok())
      return "";
    std::vector<double> got(rows.rows * static_cast<std::size_t>(compiled->num_outputs()));
    EXPECT_EQ(got.size(), want->output.size()) << what;
    compiled->Predict(rows, got.data());
    for (std::size_t i = 0; i < got.size() && i < want->output.size(); ++i) {
      EXPECT_NEAR(got[i], want->output[i], 1e-12)
          << what << (probes ? " probe" : "") << " value " << i;
      if (std::fabs(got[i] - want->output[i]) > 1e-12)
        break;
    }
  }
  return compiled->Describe();
}

// Unseen levels and missing values in every feature column (all but the last) of some rows.
void SpoilSomeCells(Table* table) {
  for (std::size_t c = 0; c + 1 < table->columns.size(); ++c) {
    Column& col = table->columns[c];
    for (std::size_t r = c % 5; r < table->num_rows; r += 11) {
      if (IsNumberLike(col.type)) {
        col.values[r] = r % 2 ? std::nan("") : INFINITY;
      } else if (r % 2) {
        col.codes[r] = -1;
      } else {
        col.levels.push_back("never seen " + std::to_string(r));
        col.codes[r] = static_cast<std::int32_t>(col.levels.size() - 1);
      }
    }
  }
}

// Ensembles like kiln automl's (XGBoost with native categories, linear, random forest, extra
// trees) on the example datasets, with unseen levels and missing values in the predicted rows.
TEST(CompiledKilnModel, EnsemblesOnExampleDatasetsEqualKilnModelPredict) {
  const std::vector<std::string> all = {"xgboost", "linear", "random_forest", "extra_trees"};
  for (const char* name :
       {"adult", "car", "credit-g", "abalone", "bank-marketing", "diabetes130us"}) {
    Table table = infer_testing::ReadExample(name);
    ASSERT_GT(table.num_rows, 100u) << name;
    const KilnModel model = infer_testing::TrainKilnEnsemble(table, all);
    ASSERT_EQ(model.members.size(), all.size());
    SpoilSomeCells(&table);
    const std::string d = ExpectEnsembleParity(model, table, name);
    EXPECT_NE(d.find("2 xgboost models"), std::string::npos) << d;
    EXPECT_NE(d.find("1 linear model"), std::string::npos) << d;
    EXPECT_NE(d.find("2 forests"), std::string::npos) << d;
    EXPECT_NE(d.find("2 compiled pipelines"), std::string::npos) << d;
  }
}

// Datetime and text columns, a high-cardinality categorical (target-encoded) and a multiclass
// target.
TEST(CompiledKilnModel, DatetimeAndTextColumnsEqualKilnModelPredict) {
  Table t;
  t.source = "test";
  t.num_rows = 400;
  Column when{"when", ColumnType::kDatetime}, note{"note", ColumnType::kText},
      code{"code", ColumnType::kCategorical}, amount{"amount", ColumnType::kNumeric},
      label{"label", ColumnType::kCategorical};
  const char* words[] = {"late delivery", "great product", "broken box", "ok", "refund please"};
  label.levels = {"a", "b", "c"};
  for (std::size_t r = 0; r < t.num_rows; ++r) {
    when.values.push_back(r % 17 == 0 ? std::nan("") : 1.6e9 + 86400.0 * r + 3600.0 * (r % 24));
    if (r % 13 == 0) {
      note.codes.push_back(-1);
    } else {
      note.codes.push_back(static_cast<std::int32_t>(note.levels.size()));
      note.levels.push_back(std::string(words[r % 5]) + " #" + std::to_string(r % 40));
    }
    code.codes.push_back(static_cast<std::int32_t>(r % 300));
    amount.values.push_back(r % 7 == 0 ? std::nan("") : std::sin(r) * 50);
    label.codes.push_back(static_cast<std::int32_t>((r * 7 + r / 50) % 3));
  }
  for (int i = 0; i < 300; ++i)
    code.levels.push_back("k" + std::to_string(i));
  t.columns = {when, note, code, amount, label};
  const KilnModel model =
      infer_testing::TrainKilnEnsemble(t, {"xgboost", "linear", "random_forest"});
  ASSERT_EQ(model.members.size(), 3u);
  const std::string d = ExpectEnsembleParity(model, t, "datetime and text");
  EXPECT_NE(d.find("1 forest"), std::string::npos) << d;
}

// k-NN members (alone and beside XGBoost) reading the linear pipeline (standardized numbers,
// one-hot categories): classification and regression, uniform and distance weights, Euclidean
// and Manhattan, on the example datasets with unseen levels and missing values.
TEST(CompiledKilnModel, KnnMembersEqualKilnModelPredict) {
  const HyperParams uniform = {{"n_neighbors", "7"}};
  const HyperParams distance = {{"n_neighbors", "5"}, {"weights", "distance"}};
  const HyperParams manhattan = {{"n_neighbors", "9"}, {"weights", "distance"}, {"p", "1"}};
  for (const char* name : {"credit-g", "car", "abalone"}) {
    Table table = infer_testing::ReadExample(name);
    ASSERT_GT(table.num_rows, 100u) << name;
    const KilnModel alone = infer_testing::TrainKilnEnsemble(table, {"knn"}, {uniform});
    const KilnModel mixed = infer_testing::TrainKilnEnsemble(table, {"knn", "xgboost", "knn"},
                                                             {distance, {}, manhattan});
    ASSERT_EQ(mixed.members.size(), 3u);
    SpoilSomeCells(&table);
    std::string d = ExpectEnsembleParity(alone, table, std::string(name) + " knn");
    EXPECT_NE(d.find("2 knn models"), std::string::npos) << d;  // a bag of two
    d = ExpectEnsembleParity(mixed, table, std::string(name) + " knn and xgboost");
    EXPECT_NE(d.find("3 knn models"), std::string::npos) << d;
    EXPECT_NE(d.find("1 xgboost model"), std::string::npos) << d;
  }
}

// A table of `x`'s columns f0, f1, ... and a last column "label" of `y` (numeric).
Table WithLabel(const Matrix& x, const std::vector<float>& y) {
  Table t = ToTable(x);
  Column label{"label", ColumnType::kNumeric};
  label.values.assign(y.begin(), y.end());
  label.distinct = 3;
  t.columns.push_back(std::move(label));
  return t;
}

// The float-row path of models whose inputs are all numbers: knn behind the linear pipeline and
// k-means / PCA, against KilnModel::Predict on the same rows (missing and infinite values too).
void ExpectFloatRowsParity(const KilnModel& model, Matrix x, const std::string& what) {
  x.at(3, 0) = INFINITY;
  x.at(4, 1) = -INFINITY;
  Result<Predictions> want = model.Predict(ToTable(x));
  ASSERT_TRUE(want.ok()) << want.status().ToString();
  std::vector<std::string> columns;
  for (std::size_t c = 0; c < x.cols; ++c)
    columns.push_back("f" + std::to_string(c));
  Result<CompiledKilnModel> compiled = CompiledKilnModel::Compile(model, columns);
  ASSERT_TRUE(compiled.ok()) << what << ": " << compiled.status().ToString();
  ASSERT_EQ(compiled->num_outputs(), want->outputs) << what;
  ASSERT_TRUE(compiled->layout().all_plain_numbers());
  std::vector<double> got(want->output.size());
  compiled->Predict(x.values.data(), x.rows, got.data());
  for (std::size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got[i], want->output[i], 1e-12 * std::max(1.0, std::fabs(want->output[i])))
        << what << ", value " << i;
  // One row per call, as an endpoint serves them.
  std::vector<double> one(got.size());
  for (std::size_t r = 0; r < x.rows; ++r)
    compiled->Predict(x.values.data() + r * x.cols, 1, one.data() + r * want->outputs);
  EXPECT_EQ(one, got) << what;
}

TEST(CompiledKilnModel, KnnFromFloatRowsEqualsKilnModelPredict) {
  for (const int classes : {0, 2, 3}) {
    std::vector<float> y;
    const Matrix x = Data(500, 5, classes, &y);
    Table table = WithLabel(x, y);
    if (classes == 3) {  // a categorical target: multiclass
      Column& label = table.columns.back();
      label.type = ColumnType::kCategorical;
      label.levels = {"a", "b", "c"};
      for (const float v : y)
        label.codes.push_back(static_cast<std::int32_t>(v));
      label.values.clear();
    }
    const KilnModel model = infer_testing::TrainKilnEnsemble(
        table, {"knn", "knn"},
        {{{"n_neighbors", "6"}}, {{"n_neighbors", "4"}, {"weights", "distance"}}});
    ASSERT_EQ(model.task, classes == 0   ? Task::kRegression
                          : classes == 2 ? Task::kBinary
                                         : Task::kMulticlass);
    ExpectFloatRowsParity(model, x, "knn, classes " + std::to_string(classes));
  }
}

// An unsupervised model.kiln as `kiln train` builds one: a linear pipeline (one-hot with rare
// levels merged) over every column of `table` and `algorithm` fitted to its output.
KilnModel TrainKilnUnsupervised(const Table& table, const std::string& algorithm,
                                const HyperParams& params) {
  KilnModel model;
  std::vector<std::string> features;
  for (const Column& c : table.columns)
    features.push_back(c.name);
  PipelineSpec spec;
  spec.encoding = FeatureEncoding::kLinear;
  spec.max_onehot_levels = 10000;
  Matrix x;
  Result<FeaturePipeline> p =
      FeaturePipeline::Fit(table, features, spec, Task::kRegression, 0, {}, 1, &x);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  if (!p.ok())
    return model;
  model.pipelines.push_back(std::move(p).value());
  Result<std::unique_ptr<UnsupervisedModel>> fitted =
      FitUnsupervised(algorithm, params, x, FitContext{1, 3});
  EXPECT_TRUE(fitted.ok()) << fitted.status().ToString();
  if (!fitted.ok())
    return model;
  model.unsupervised = UnsupervisedPart{algorithm, params, std::move(fitted).value()};
  return model;
}

TEST(CompiledKilnModel, KMeansAndPcaEqualKilnModelPredict) {
  const std::vector<std::pair<std::string, HyperParams>> models = {
      {"kmeans", {{"k", "6"}}},
      {"pca", {{"num_components", "4"}}},
      {"pca", {{"num_components", "3"}, {"subtract_mean", "false"}}}};
  for (const auto& [algorithm, params] : models) {
    // Categorical and numeric columns (decoded rows), unseen levels and missing values.
    for (const char* name : {"adult", "car"}) {
      Table table = infer_testing::ReadExample(name);
      table.columns.pop_back();                        // the target
      table.columns.push_back(table.columns.front());  // SpoilSomeCells spares the last column
      table.columns.back().name = "copy";
      const KilnModel model = TrainKilnUnsupervised(table, algorithm, params);
      ASSERT_TRUE(model.unsupervised.has_value());
      SpoilSomeCells(&table);
      const std::string d = ExpectEnsembleParity(model, table, algorithm + " on " + name);
      EXPECT_NE(d.find(algorithm == "pca" ? "PCA model" : "k-means model (6 clusters)"),
                std::string::npos)
          << d;
    }
    // Numbers only (float rows).
    std::vector<float> y;
    const Matrix x = Data(400, 6, 0, &y);
    const KilnModel model = TrainKilnUnsupervised(ToTable(x), algorithm, params);
    ExpectFloatRowsParity(model, x, algorithm + " on numbers");
  }
}

TEST(CompiledKilnModel, WhatItCannotCompileIsAFailedPreconditionSayingWhy) {
  std::vector<float> y;
  const Matrix x = Data(1100, 3, 2, &y);
  const std::string k = std::to_string(CompiledKnn::kMaxNeighbors + 1);
  const KilnModel knn = infer_testing::TrainKilnEnsemble(WithLabel(x, y), {"xgboost", "knn"},
                                                         {{}, {{"n_neighbors", k}}});
  Result<CompiledKilnModel> r = CompiledKilnModel::Compile(knn, Features(knn));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.error().message().find("member c001 is a knn model with n_neighbors " + k),
            std::string::npos)
      << r.error().message();

  KilnModel empty;
  EXPECT_FALSE(CompiledKilnModel::Compile(empty, std::vector<std::string>{"f0"}).ok());
}

}  // namespace
}  // namespace kiln
