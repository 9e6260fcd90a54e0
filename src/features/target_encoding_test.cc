#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "features/feature_pipeline.h"
#include "features/internal/test_tables.h"

namespace kiln {
namespace {

using namespace features_testing;  // NOLINT(build/namespaces): test helpers

// ---- target encoding ----

TEST(FeaturePipelineTest, TreeEncodingTargetEncodesColumnsAboveMaxNativeLevels) {
  Table t = MakeTable({Cat("c", {"a", "a", "b", "b", "c"})});
  PipelineSpec spec;
  spec.max_native_levels = 2;
  spec.target_smoothing = 2;
  std::vector<float> y = {1, 3, 5, 7, 9};
  FeaturePipeline p = FitOk(t, spec, Task::kRegression, 0, y);
  EXPECT_EQ(p.output_names(), (std::vector<std::string>{"c~te", "c~count"}));
  EXPECT_EQ(p.output_categorical(), (std::vector<bool>{false, false}));
  Matrix m = TransformOk(p, MakeTable({Cat("c", {"a", "unseen", kMissing})}));
  const double prior = 5.0;
  EXPECT_FLOAT_EQ(m.at(0, 0), (4 + 2 * prior) / (2 + 2));
  EXPECT_FLOAT_EQ(m.at(1, 0), prior);
  EXPECT_FLOAT_EQ(m.at(2, 0), prior) << "training had no missing values";
}

TEST(FeaturePipelineTest, LinearTargetEncodesColumnsAboveMaxOnehotLevels) {
  std::vector<std::string> cells;
  std::vector<float> y;
  for (int i = 0; i < 60; ++i) {
    cells.push_back("L" + std::to_string(i % 6));
    y.push_back(static_cast<float>(i % 2));
  }
  PipelineSpec spec = Linear();
  spec.max_onehot_levels = 5;
  Table t = MakeTable({Cat("c", cells)});
  Matrix train;
  FeaturePipeline p = FitOk(t, spec, Task::kBinary, 2, y, &train);
  EXPECT_EQ(p.output_names(), (std::vector<std::string>{"c~te"}));
  EXPECT_FALSE(HasNan(train));
  double sum = 0;
  for (float v : train.values)
    sum += v;
  EXPECT_NEAR(sum / 60, 0.0, 1e-5) << "out-of-fold encodings are standardized";
}

TEST(FeaturePipelineTest, LinearTargetEncodesWhenRareLevelsHoldMostRows) {
  // Ten levels of 3 rows each: one-hot would put every row into "__rare__".
  std::vector<std::string> cells;
  std::vector<float> y;
  for (int i = 0; i < 30; ++i) {
    cells.push_back("L" + std::to_string(i % 10));
    y.push_back(static_cast<float>(i % 10));
  }
  FeaturePipeline p = FitOk(MakeTable({Cat("c", cells)}), Linear(), Task::kRegression, 0, y);
  EXPECT_EQ(p.output_names(), (std::vector<std::string>{"c~te"}));
}

TEST(FeaturePipelineTest, LikelyIdColumnsAreNeverOneHot) {
  Column patient = Cat("patient", {"p1", "p2", "p1", "p3", "p2", "p1"});
  patient.likely_id = true;
  Column number = Num("patient_nbr", {11, 12, 11, 13, 12, 11}, ColumnType::kInteger);
  number.likely_id = true;
  Column amount = Num("amount", {1.5, 2.5, 1.5, 3.5, 2.5, 1.5});
  amount.likely_id = true;
  Table t = MakeTable({patient, number, amount});
  std::vector<float> y = {1, 0, 1, 0, 0, 1};
  FeaturePipeline tree = FitOk(t, PipelineSpec{}, Task::kBinary, 2, y);
  EXPECT_EQ(tree.output_names(),
            (std::vector<std::string>{"patient~te", "patient~count", "patient_nbr",
                                      "patient_nbr~count", "amount~te", "amount~count"}));
  FeaturePipeline linear = FitOk(t, Linear(), Task::kBinary, 2, y);
  EXPECT_EQ(linear.output_names(),
            (std::vector<std::string>{"patient~te", "patient_nbr~te", "amount~te"}));
  // Numeric keys: the same value encodes like the same level.
  Matrix m = TransformOk(linear, t);
  EXPECT_EQ(m.at(0, 1), m.at(2, 1));
  EXPECT_EQ(m.at(0, 0), m.at(0, 1));
}

// Key-like columns give trees their group size: training rows get their own count, a new row its
// level's count plus itself (1 when unseen); missing stays missing; linear pipelines get none.
TEST(FeaturePipelineTest, KeyLikeColumnsGetTheirGroupSizeForTrees) {
  Column patient = Num("patient_nbr", {11, 12, 11, 13, 12, 11, kNa}, ColumnType::kInteger);
  patient.likely_id = true;
  Column code = Cat("diag", {"d1", "d2", "d1", "d3", "d2", "d1", kMissing});
  Table t = MakeTable({patient, code});
  std::vector<float> y = {1, 0, 1, 0, 0, 1, 0};
  PipelineSpec spec;
  spec.max_native_levels = 2;  // diag's 3 levels are too many to split on: target + count
  Matrix train;
  FeaturePipeline p = FitOk(t, spec, Task::kBinary, 2, y, &train);
  ASSERT_EQ(p.output_names(), (std::vector<std::string>{"patient_nbr", "patient_nbr~count",
                                                        "diag~te", "diag~count"}));
  EXPECT_EQ(p.output_source(), (std::vector<int>{0, 0, 1, 1}));
  const std::vector<float> own = {3, 2, 3, 1, 2, 3};
  for (std::size_t r = 0; r < 6; ++r) {
    EXPECT_EQ(train.at(r, 1), own[r]) << r;
    EXPECT_EQ(train.at(r, 3), own[r]) << r;
  }
  EXPECT_TRUE(std::isnan(train.at(6, 1)));
  EXPECT_TRUE(std::isnan(train.at(6, 3)));
  Table fresh = MakeTable({Num("patient_nbr", {11, 99, kNa}, ColumnType::kInteger),
                           Cat("diag", {"d2", "unseen", kMissing})});
  Matrix m = TransformOk(p, fresh);
  EXPECT_EQ(m.at(0, 1), 4.0f);
  EXPECT_EQ(m.at(1, 1), 1.0f);
  EXPECT_TRUE(std::isnan(m.at(2, 1)));
  EXPECT_EQ(m.at(0, 3), 3.0f);
  EXPECT_EQ(m.at(1, 3), 1.0f);
  EXPECT_TRUE(std::isnan(m.at(2, 3)));
  // Saved and loaded, it encodes the same.
  nlohmann::json saved;
  p.Save(&saved);
  Result<FeaturePipeline> loaded = FeaturePipeline::Load(saved);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(SameBytes(TransformOk(*loaded, fresh), m));
  // Linear pipelines: no counts.
  FeaturePipeline linear = FitOk(t, Linear(), Task::kBinary, 2, y);
  for (const std::string& name : linear.output_names())
    EXPECT_EQ(name.find("~count"), std::string::npos) << name;
}

TEST(FeaturePipelineTest, OutOfFoldTargetEncodingHasNoSelfLeak) {
  // 40 rows of level "a" with target 1, one row of "solo" with target 100.
  std::vector<std::string> cells(40, "a");
  cells.push_back("solo");
  std::vector<float> y(40, 1.0f);
  y.push_back(100.0f);
  PipelineSpec spec;
  spec.max_native_levels = 1;  // force target encoding
  Table t = MakeTable({Cat("c", cells), Num("x", std::vector<double>(41, 0.0))});
  t.columns[1].values[0] = 1;  // make x non-constant
  Matrix train;
  FeaturePipeline p = FitOk(t, spec, Task::kRegression, 0, y, &train);
  Matrix full = TransformOk(p, t);
  ASSERT_EQ(Col(p, "c~te"), 0);
  // The solo row sees only other folds, where every target is 1: it gets their prior, exactly 1.
  EXPECT_EQ(train.at(40, 0), 1.0f);
  const double prior = (40.0 + 100.0) / 41.0;
  EXPECT_FLOAT_EQ(full.at(40, 0), (100.0 + 10 * prior) / (1 + 10));
  EXPECT_NE(train.at(40, 0), full.at(40, 0));
  // Columns that are neither target-encoded nor group sizes are the same in both.
  const int x = Col(p, "x");
  ASSERT_GE(x, 0);
  for (std::size_t r = 0; r < 41; ++r)
    EXPECT_EQ(train.at(r, x), full.at(r, x));
}

TEST(FeaturePipelineTest, OutOfFoldEncodingsDependOnlyOnTheSeed) {
  std::vector<std::string> cells;
  std::vector<float> y;
  for (int i = 0; i < 100; ++i) {
    cells.push_back("L" + std::to_string(i % 7));
    y.push_back(static_cast<float>((i * 37) % 11));
  }
  PipelineSpec spec;
  spec.max_native_levels = 2;
  Table t = MakeTable({Cat("c", cells)});
  Matrix a, b, c;
  FeaturePipeline pa = FitOk(t, spec, Task::kRegression, 0, y, &a, 1);
  FitOk(t, spec, Task::kRegression, 0, y, &b, 1);
  FitOk(t, spec, Task::kRegression, 0, y, &c, 2);
  EXPECT_TRUE(SameBytes(a, b));
  EXPECT_FALSE(SameBytes(a, c));
  // The fitted pipeline itself does not depend on whether the training matrix was requested.
  FeaturePipeline without = FitOk(t, spec, Task::kRegression, 0, y, nullptr, 1);
  EXPECT_TRUE(SameBytes(TransformOk(pa, t), TransformOk(without, t)));
}

TEST(FeaturePipelineTest, MulticlassTargetEncodingHasOneColumnPerClass) {
  Table t = MakeTable({Cat("diag", {"a", "a", "a", "b", "b", kMissing})});
  std::vector<float> y = {0, 1, 2, 2, 2, 1};
  PipelineSpec spec;
  spec.max_native_levels = 1;
  spec.target_smoothing = 1;
  spec.class_names = {"<30", ">30", "NO"};
  Matrix train;
  FeaturePipeline p = FitOk(t, spec, Task::kMulticlass, 3, y, &train);
  EXPECT_EQ(p.output_names(),
            (std::vector<std::string>{"diag~te:<30", "diag~te:>30", "diag~te:NO", "diag~count"}));
  EXPECT_EQ(p.output_source(), (std::vector<int>{0, 0, 0, 0}));
  Matrix m = TransformOk(p, MakeTable({Cat("diag", {"b", "new", kMissing})}));
  const double prior[3] = {1.0 / 6, 2.0 / 6, 3.0 / 6};
  EXPECT_FLOAT_EQ(m.at(0, 0), (0 + prior[0]) / 3);
  EXPECT_FLOAT_EQ(m.at(0, 2), (2 + prior[2]) / 3);
  for (int k = 0; k < 3; ++k)
    EXPECT_FLOAT_EQ(m.at(1, k), prior[k]);
  EXPECT_FLOAT_EQ(m.at(2, 1), (1 + prior[1]) / 2) << "missing is a level of its own";
  for (std::size_t r = 0; r < 3; ++r) {
    EXPECT_NEAR(m.at(r, 0) + m.at(r, 1) + m.at(r, 2), 1.0, 1e-6);
  }
  for (std::size_t r = 0; r < train.rows; ++r) {
    EXPECT_NEAR(train.at(r, 0) + train.at(r, 1) + train.at(r, 2), 1.0, 1e-6);
  }
}

TEST(FeaturePipelineTest, MulticlassOutputNamesDefaultToClassIndices) {
  Table t = MakeTable({Cat("c", {"a", "b", "c"})});
  PipelineSpec spec;
  spec.max_native_levels = 1;
  FeaturePipeline p = FitOk(t, spec, Task::kMulticlass, 2, {0, 1, 1});
  EXPECT_EQ(p.output_names(), (std::vector<std::string>{"c~te:0", "c~te:1", "c~count"}));
}

TEST(FeaturePipelineTest, TargetEncodingWithoutATargetIsAnError) {
  Table t = MakeTable({Cat("c", {"a", "b", "c"})});
  PipelineSpec spec;
  spec.max_native_levels = 1;
  auto p = FeaturePipeline::Fit(t, {"c"}, spec, Task::kRegression, 0, {}, 1, nullptr);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message().find("\"c\" needs target encoding"), std::string::npos);
}

}  // namespace
}  // namespace kiln
