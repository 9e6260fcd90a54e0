// CompiledKilnModel predicts what KilnModel::Predict predicts: XGBoost ensembles behind
// number-passing pipelines from float rows (missing and infinite values included, request columns
// in any order), and automl-like ensembles (XGBoost with native categories, linear, random forest,
// extra trees; tree and linear pipelines) on the example datasets and on datetime and text columns
// from decoded rows; it refuses what it cannot compile.
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
    // Unseen levels and missing values in every feature column of some rows.
    for (std::size_t c = 0; c + 1 < table.columns.size(); ++c) {
      Column& col = table.columns[c];
      for (std::size_t r = c % 5; r < table.num_rows; r += 11) {
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

TEST(CompiledKilnModel, WhatItCannotCompileIsAFailedPreconditionSayingWhy) {
  const Table table = infer_testing::ReadExample("credit-g");
  const KilnModel knn = infer_testing::TrainKilnEnsemble(table, {"xgboost", "knn"});
  Result<CompiledKilnModel> r = CompiledKilnModel::Compile(knn, Features(knn));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.error().message().find("member c001 is knn"), std::string::npos)
      << r.error().message();

  KilnModel empty;
  EXPECT_FALSE(CompiledKilnModel::Compile(empty, std::vector<std::string>{"f0"}).ok());
}

}  // namespace
}  // namespace kiln
