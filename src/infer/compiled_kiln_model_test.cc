// CompiledKilnModel predicts exactly what KilnModel::Predict predicts for XGBoost ensembles behind
// number-passing pipelines (missing and infinite values included), reorders request columns, and
// refuses what it cannot compile.
#include "infer/compiled_kiln_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "infer/internal/xgboost_test_util.h"
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

TEST(CompiledKilnModel, WhatItCannotCompileIsAFailedPreconditionSayingWhy) {
  std::vector<float> y;
  const Matrix x = Data(200, 3, 2, &y);
  const KilnModel linear_pipeline = TrainKilnXgboost(x, y, 2, FeatureEncoding::kLinear);
  Result<CompiledKilnModel> r = CompiledKilnModel::Compile(linear_pipeline, {"f0", "f1", "f2"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.error().message().find("not tree-encoded"), std::string::npos);

  KilnModel other = TrainKilnXgboost(x, y, 2);
  other.members[1].algorithm = "linear";
  r = CompiledKilnModel::Compile(other, {"f0", "f1", "f2"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message().find("is linear, not xgboost"), std::string::npos);

  KilnModel empty;
  EXPECT_FALSE(CompiledKilnModel::Compile(empty, {"f0"}).ok());
}

}  // namespace
}  // namespace kiln
