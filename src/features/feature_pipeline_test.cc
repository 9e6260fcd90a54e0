#include "features/feature_pipeline.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "features/internal/test_tables.h"

namespace kiln {
namespace {

using namespace features_testing;  // NOLINT(build/namespaces): test helpers

// ---- numeric ----

TEST(FeaturePipelineTest, TreeEncodingPassesNumbersThroughWithNanForMissing) {
  Table t = MakeTable({Num("age", {30, kNa, 50, INFINITY}), Num("n", {1, 2, 3, 4})});
  FeaturePipeline p = FitOk(t, PipelineSpec{});
  EXPECT_EQ(p.output_names(), (std::vector<std::string>{"age", "n"}));
  Matrix m = TransformOk(p, t);
  EXPECT_EQ(m.at(0, 0), 30.0f);
  EXPECT_TRUE(std::isnan(m.at(1, 0)));
  EXPECT_TRUE(std::isnan(m.at(3, 0))) << "infinity counts as missing";
  EXPECT_EQ(m.at(3, 1), 4.0f);
}

TEST(FeaturePipelineTest, LinearEncodingImputesMedianAddsIndicatorAndStandardizes) {
  Table t = MakeTable({Num("age", {10, kNa, 20, 30, 40}), Num("n", {1, 2, 3, 4, 5})});
  FeaturePipeline p = FitOk(t, Linear());
  EXPECT_EQ(p.output_names(), (std::vector<std::string>{"age", "age_missing", "n"}));
  Matrix m = TransformOk(p, t);
  EXPECT_FALSE(HasNan(m));
  // Imputed column {10, 25, 20, 30, 40}: mean 25, population std sqrt(100).
  EXPECT_FLOAT_EQ(m.at(1, 0), 0.0f);
  EXPECT_FLOAT_EQ(m.at(0, 0), -1.5f);
  EXPECT_EQ(m.at(1, 1), 1.0f);
  EXPECT_EQ(m.at(0, 1), 0.0f);
  double sum = 0, sq = 0;
  for (std::size_t r = 0; r < m.rows; ++r) {
    sum += m.at(r, 2);
    sq += m.at(r, 2) * m.at(r, 2);
  }
  EXPECT_NEAR(sum / 5, 0.0, 1e-6);
  EXPECT_NEAR(sq / 5, 1.0, 1e-6);
}

TEST(FeaturePipelineTest, LinearRobustScalingUsesMedianAndInterquartileRange) {
  Table t = MakeTable({Num("x", {1, 2, 3, 4, 5, 1000})});
  PipelineSpec spec = Linear();
  spec.scaling = Scaling::kRobust;
  spec.linear_clip = 0;
  FeaturePipeline p = FitOk(t, spec);
  Matrix m = TransformOk(p, t);
  // median 3.5, quartiles 2.25 and 4.75 -> IQR 2.5.
  EXPECT_FLOAT_EQ(m.at(0, 0), (1 - 3.5) / 2.5);
  EXPECT_FLOAT_EQ(m.at(5, 0), (1000 - 3.5) / 2.5);
}

TEST(FeaturePipelineTest, LinearScaledValuesAreClippedAtLinearClip) {
  Table train = MakeTable({Num("x", {0, 1, 0, 1})});
  FeaturePipeline p = FitOk(train, Linear());
  Matrix m = TransformOk(p, MakeTable({Num("x", {1e6, -1e6, 1})}));
  EXPECT_EQ(m.at(0, 0), 10.0f);
  EXPECT_EQ(m.at(1, 0), -10.0f);
  EXPECT_FLOAT_EQ(m.at(2, 0), 1.0f);
}

TEST(FeaturePipelineTest, MissingIndicatorsCanBeTurnedOff) {
  Table t = MakeTable({Num("age", {1, kNa, 3}), Cat("c", {"a", "b", kMissing})});
  PipelineSpec spec = Linear();
  spec.missing_indicators = false;
  spec.min_level_count = 1;
  FeaturePipeline p = FitOk(t, spec);
  EXPECT_EQ(p.output_names(), (std::vector<std::string>{"age", "c=a", "c=b"}));
  Matrix m = TransformOk(p, t);
  EXPECT_EQ(m.at(2, 1) + m.at(2, 2), 0.0f) << "missing -> all zeros";
}

TEST(FeaturePipelineTest, IndicatorIsOmittedWhenTrainingHadNoMissingValues) {
  Table train = MakeTable({Num("age", {1, 2, 3})});
  FeaturePipeline p = FitOk(train, Linear());
  EXPECT_EQ(p.output_names(), (std::vector<std::string>{"age"}));
  Matrix m = TransformOk(p, MakeTable({Num("age", {kNa})}));
  EXPECT_FLOAT_EQ(m.at(0, 0), 0.0f) << "imputed with the median 2, which is also the mean";
}

// ---- categorical ----

TEST(FeaturePipelineTest, TreeEncodingGivesOrdinalCodesByFrequencyAndNanForUnseenOrMissing) {
  Table train = MakeTable({Cat("c", {"x", "y", "y", "z", "y", "z"})});
  FeaturePipeline p = FitOk(train, PipelineSpec{});
  EXPECT_EQ(p.output_names(), (std::vector<std::string>{"c"}));
  EXPECT_EQ(p.output_categorical(), (std::vector<bool>{true}));
  Matrix m = TransformOk(p, MakeTable({Cat("c", {"y", "z", "x", "new", kMissing})}));
  EXPECT_EQ(m.at(0, 0), 0.0f);
  EXPECT_EQ(m.at(1, 0), 1.0f);
  EXPECT_EQ(m.at(2, 0), 2.0f);
  EXPECT_TRUE(std::isnan(m.at(3, 0)));
  EXPECT_TRUE(std::isnan(m.at(4, 0)));
}

TEST(FeaturePipelineTest, LinearOneHotMergesRareLevelsAndEncodesMissing) {
  std::vector<std::string> cells(6, "Private");
  cells.insert(cells.end(), 5, "Gov");
  cells.insert(cells.end(), {"Rare1", "Rare2", kMissing});
  Table train = MakeTable({Cat("workclass", cells)});
  FeaturePipeline p = FitOk(train, Linear());
  EXPECT_EQ(p.output_names(),
            (std::vector<std::string>{"workclass=Private", "workclass=Gov", "workclass=__rare__",
                                      "workclass=__missing__"}));
  EXPECT_EQ(p.output_categorical(), std::vector<bool>(4, false));
  Matrix m = TransformOk(p, MakeTable({Cat("workclass", {"Gov", "Rare2", "Unseen", kMissing})}));
  std::vector<float> expected = {0, 1, 0, 0,  // Gov
                                 0, 0, 1, 0,  // rare at training
                                 0, 0, 1, 0,  // unseen joins rare
                                 0, 0, 0, 1};
  EXPECT_EQ(m.values, expected);
}

TEST(FeaturePipelineTest, LinearOneHotWithoutRareLevelsEncodesUnseenAsAllZeros) {
  Table train = MakeTable({Cat("c", {"a", "b", "a", "b"})});
  PipelineSpec spec = Linear();
  spec.min_level_count = 1;
  FeaturePipeline p = FitOk(train, spec);
  EXPECT_EQ(p.output_names(), (std::vector<std::string>{"c=a", "c=b"}));
  Matrix m = TransformOk(p, MakeTable({Cat("c", {"zzz", kMissing})}));
  EXPECT_EQ(m.values, std::vector<float>(4, 0.0f));
}

TEST(FeaturePipelineTest, TransformMapsLevelsByStringThroughTheNewTablesOwnLevels) {
  Table train = MakeTable({Cat("c", {"a", "b", "b", "c", "c", "c"})});
  FeaturePipeline p = FitOk(train, PipelineSpec{});
  // Same strings, different codes: the new table lists its levels in another order.
  Column c;
  c.name = "c";
  c.type = ColumnType::kCategorical;
  c.levels = {"new", "c", "a", "b"};
  c.codes = {3, 2, 1, 0, -1, 17};  // 17 is out of range: treated as missing, never a crash
  Table test;
  test.num_rows = 6;
  test.columns = {c};
  Matrix m = TransformOk(p, test);
  EXPECT_EQ(m.at(0, 0), 1.0f);  // b
  EXPECT_EQ(m.at(1, 0), 2.0f);  // a
  EXPECT_EQ(m.at(2, 0), 0.0f);  // c, the most frequent
  EXPECT_TRUE(std::isnan(m.at(3, 0)));
  EXPECT_TRUE(std::isnan(m.at(4, 0)));
  EXPECT_TRUE(std::isnan(m.at(5, 0)));
}

TEST(FeaturePipelineTest, FitIgnoresLevelsWithoutTrainingRows) {
  Column c = Cat("c", {"a", "b", "a"});
  c.levels.push_back("only_in_the_validation_split");
  Table train = MakeTable({c});
  PipelineSpec spec = Linear();
  spec.min_level_count = 1;
  FeaturePipeline q = FitOk(train, spec);
  EXPECT_EQ(q.output_names(), (std::vector<std::string>{"c=a", "c=b"}));
}

// ---- errors, dropping ----

TEST(FeaturePipelineTest, MissingFeatureColumnIsAnErrorNamingIt) {
  Table train = MakeTable({Num("age", {1, 2, 3}), Num("n", {1, 2, 1})});
  auto fit = FeaturePipeline::Fit(train, {"age", "income"}, PipelineSpec{}, Task::kRegression, 0,
                                  {}, 1, nullptr);
  ASSERT_FALSE(fit.ok());
  EXPECT_EQ(fit.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(fit.error().message().find("missing feature column \"income\""), std::string::npos);

  FeaturePipeline p = FitOk(train, PipelineSpec{});
  auto m = p.Transform(MakeTable({Num("n", {1})}));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(m.error().message().find("missing feature column \"age\""), std::string::npos);
}

TEST(FeaturePipelineTest, TransformRejectsAColumnOfAnIncompatibleType) {
  FeaturePipeline p = FitOk(MakeTable({Num("age", {1, 2, 3})}), PipelineSpec{});
  auto m = p.Transform(MakeTable({Cat("age", {"1"})}));
  ASSERT_FALSE(m.ok());
  EXPECT_NE(m.error().message().find("\"age\" is categorical"), std::string::npos);
  // Another number-like type is fine (the reader may infer integer for a numeric column).
  EXPECT_TRUE(p.Transform(MakeTable({Num("age", {1}, ColumnType::kInteger)})).ok());
}

TEST(FeaturePipelineTest, IdConstantAndAllMissingColumnsAreDropped) {
  Column id = Num("encounter_id", {1, 2, 3, 4}, ColumnType::kInteger);
  id.is_id = true;
  Table t = MakeTable({id, Num("const", {5, 5, 5, 5}), Num("empty", {kNa, kNa, kNa, kNa}),
                       Cat("one_level", {"a", "a", "a", "a"}), Num("x", {1, 2, 3, 4}),
                       Num("five_or_missing", {5, kNa, 5, 5})});
  FeaturePipeline tree = FitOk(t, PipelineSpec{});
  EXPECT_EQ(tree.output_names(), (std::vector<std::string>{"x", "five_or_missing"}));
  ASSERT_EQ(tree.dropped_features().size(), 4u);
  EXPECT_EQ(tree.dropped_features()[0].name, "encounter_id");
  EXPECT_EQ(tree.dropped_features()[0].reason, "ID column (unique per row)");
  EXPECT_EQ(tree.dropped_features()[1].reason, "constant");
  EXPECT_EQ(tree.dropped_features()[2].reason, "all values missing");
  ASSERT_EQ(tree.input_schema().size(), 2u);
  EXPECT_EQ(tree.input_schema()[0].name, "x");

  // Linear: a single value with missing rows informs only through its indicator.
  FeaturePipeline linear = FitOk(t, Linear());
  EXPECT_EQ(linear.output_names(), (std::vector<std::string>{"x", "five_or_missing_missing"}));
}

TEST(FeaturePipelineTest, FitFailsClearlyWhenEveryColumnIsDropped) {
  Table t = MakeTable({Num("const", {1, 1})});
  auto p = FeaturePipeline::Fit(t, {"const"}, PipelineSpec{}, Task::kRegression, 0, {}, 1, nullptr);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().message(), "no usable feature columns (\"const\": constant)");
}

TEST(FeaturePipelineTest, FitRejectsAnInvalidTarget) {
  Table t = MakeTable({Num("x", {1, 2, 3})});
  std::vector<float> bad_class = {0, 1, 2};
  auto p = FeaturePipeline::Fit(t, {"x"}, PipelineSpec{}, Task::kBinary, 2, bad_class, 1, nullptr);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message().find("target row 2"), std::string::npos);
  std::vector<float> short_y = {0, 1};
  EXPECT_FALSE(
      FeaturePipeline::Fit(t, {"x"}, PipelineSpec{}, Task::kBinary, 2, short_y, 1, nullptr).ok());
  EXPECT_FALSE(
      FeaturePipeline::Fit(t, {"x", "x"}, PipelineSpec{}, Task::kRegression, 0, {}, 1, nullptr)
          .ok());
}

// ---- whole pipeline ----

TEST(FeaturePipelineTest, LinearOutputNeverHasNan) {
  Table t = Mixed(300);
  PipelineSpec spec = Linear();
  spec.max_onehot_levels = 8;
  spec.text_hash_dims = 16;
  Matrix train;
  FeaturePipeline p = FitOk(t, spec, Task::kMulticlass, 3, MixedTarget(300), &train);
  EXPECT_GE(Col(p, "many~te:2"), 0);
  EXPECT_GE(Col(p, "cat=__missing__"), 0);
  EXPECT_FALSE(HasNan(train));
  EXPECT_FALSE(HasNan(TransformOk(p, t)));
  Matrix unseen = TransformOk(p, MixedUnseen());
  EXPECT_FALSE(HasNan(unseen));
  for (float v : unseen.values)
    EXPECT_LE(std::abs(v), 10.0f);
}

TEST(FeaturePipelineTest, OutputSourceAndNamesPointAtTheInputColumn) {
  for (FeatureEncoding enc : {FeatureEncoding::kTree, FeatureEncoding::kLinear}) {
    PipelineSpec spec;
    spec.encoding = enc;
    spec.max_native_levels = 8;
    spec.text_hash_dims = 8;
    FeaturePipeline p = FitOk(Mixed(200), spec, Task::kBinary, 2, std::vector<float>(200, 0.0f));
    ASSERT_EQ(p.output_source().size(), p.output_names().size());
    ASSERT_EQ(p.output_categorical().size(), p.output_names().size());
    ASSERT_EQ(p.input_schema().size(), 6u);
    EXPECT_EQ(p.input_schema()[2].type, ColumnType::kDatetime);
    for (std::size_t i = 0; i < p.output_names().size(); ++i) {
      const std::string& input = p.input_schema()[p.output_source()[i]].name;
      const std::string& name = p.output_names()[i];
      EXPECT_EQ(name.rfind(input, 0), 0u) << name << " from " << input;
      EXPECT_TRUE(name.size() == input.size() ||
                  std::string("=~_").find(name[input.size()]) != std::string::npos)
          << name;
    }
    EXPECT_TRUE(std::is_sorted(p.output_source().begin(), p.output_source().end()));
  }
}

TEST(FeaturePipelineTest, SaveThenLoadTransformsByteIdentically) {
  Table t = Mixed(250);
  for (FeatureEncoding enc : {FeatureEncoding::kTree, FeatureEncoding::kLinear}) {
    PipelineSpec spec;
    spec.encoding = enc;
    spec.scaling = Scaling::kRobust;
    spec.max_native_levels = 8;
    spec.max_onehot_levels = 8;
    spec.text_hash_dims = 16;
    Column id = Num("row_id", std::vector<double>(250, 1.0));
    id.is_id = true;
    Table with_id = t;
    with_id.columns.push_back(id);
    FeaturePipeline p = FitOk(with_id, spec, Task::kMulticlass, 3, MixedTarget(250));
    nlohmann::json saved;
    p.Save(&saved);
    auto loaded = FeaturePipeline::Load(nlohmann::json::parse(saved.dump()));
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    EXPECT_EQ(loaded->output_names(), p.output_names());
    EXPECT_EQ(loaded->output_source(), p.output_source());
    EXPECT_EQ(loaded->output_categorical(), p.output_categorical());
    EXPECT_EQ(loaded->input_schema().size(), p.input_schema().size());
    EXPECT_EQ(loaded->dropped_features().size(), 1u);
    EXPECT_EQ(loaded->spec().scaling, Scaling::kRobust);
    EXPECT_TRUE(SameBytes(TransformOk(*loaded, t), TransformOk(p, t)));
    EXPECT_TRUE(SameBytes(TransformOk(*loaded, MixedUnseen()), TransformOk(p, MixedUnseen())));
    nlohmann::json again;
    loaded->Save(&again);
    EXPECT_EQ(again.dump(), saved.dump());
  }
}

TEST(FeaturePipelineTest, LoadRejectsMalformedJsonWithoutThrowing) {
  FeaturePipeline p = FitOk(Mixed(100), Linear(), Task::kMulticlass, 3, MixedTarget(100));
  nlohmann::json good;
  p.Save(&good);
  auto expect_corrupt = [](const nlohmann::json& j, const std::string& what) {
    auto r = FeaturePipeline::Load(j);
    ASSERT_FALSE(r.ok()) << what;
    EXPECT_TRUE(r.error().code() == StatusCode::kCorruption ||
                r.error().code() == StatusCode::kInvalidArgument)
        << what << ": " << r.error().ToString();
  };
  expect_corrupt(nlohmann::json(42), "not an object");
  expect_corrupt(nlohmann::json::object(), "empty object");
  nlohmann::json j = good;
  j["version"] = 99;
  expect_corrupt(j, "future version");
  j = good;
  j["spec"]["text_hash_dims"] = "many";
  expect_corrupt(j, "wrong field type");
  j = good;
  j["spec"]["target_encoding_folds"] = 1;
  expect_corrupt(j, "invalid spec");
  j = good;
  j["columns"][0]["input"] = 17;
  expect_corrupt(j, "input out of range");
  j = good;
  j["columns"][0].erase("fill");
  expect_corrupt(j, "missing field");
  j = good;
  j["columns"][0]["scale"] = 0.0;
  expect_corrupt(j, "zero scale");
  j = good;
  j["columns"][0]["encoder"] = "text";
  expect_corrupt(j, "encoder of the wrong column type");
  j = good;
  j["input_schema"][0]["type"] = "complex";
  expect_corrupt(j, "unknown column type");
  j["input_schema"] = good["input_schema"];
  int target_encoders = 0;
  for (auto& c : j["columns"]) {
    if (c["encoder"] != "target")
      continue;
    c["encoding"].erase(0);
    ++target_encoders;
  }
  ASSERT_EQ(target_encoders, 1);
  expect_corrupt(j, "target table of the wrong size");
}

TEST(FeaturePipelineTest, TransformOfAnUnfittedPipelineIsAnError) {
  FeaturePipeline p;
  auto m = p.Transform(MakeTable({Num("x", {1})}));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code(), StatusCode::kFailedPrecondition);
}

// ---- spec ----

TEST(PipelineSpecTest, DefaultsAreValid) { EXPECT_TRUE(PipelineSpec{}.Validate().ok()); }

TEST(PipelineSpecTest, RejectsOutOfRangeValuesWithClearMessages) {
  struct Case {
    void (*mutate)(PipelineSpec*);
    std::string message;
  };
  std::vector<Case> cases = {
      {[](PipelineSpec* s) { s->min_level_count = 0; },
       "min_level_count must be between 1 and 1000000000, got 0"},
      {[](PipelineSpec* s) { s->max_onehot_levels = -1; }, "max_onehot_levels"},
      {[](PipelineSpec* s) { s->max_native_levels = 100000; }, "max_native_levels"},
      {[](PipelineSpec* s) { s->text_hash_dims = 0; }, "text_hash_dims"},
      {[](PipelineSpec* s) { s->target_smoothing = -1; }, "target_smoothing"},
      {[](PipelineSpec* s) { s->target_smoothing = NAN; },
       "target_smoothing must be between 0 "
       "and 1000000000, got nan"},
      {[](PipelineSpec* s) { s->target_encoding_folds = 1; }, "target_encoding_folds"},
      {[](PipelineSpec* s) { s->linear_clip = -2; }, "linear_clip"},
      {[](PipelineSpec* s) { s->encoding = static_cast<FeatureEncoding>(7); }, "encoding"},
      {[](PipelineSpec* s) {
         s->class_names = {"a", "a"};
       },
       "class_names lists \"a\" twice"},
  };
  for (const Case& c : cases) {
    PipelineSpec s;
    c.mutate(&s);
    Status st = s.Validate();
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << c.message;
    EXPECT_NE(st.message().find(c.message), std::string::npos) << st.message();
  }
}

TEST(PipelineSpecTest, FitReportsAnInvalidSpec) {
  PipelineSpec s;
  s.text_hash_dims = 0;
  auto p = FeaturePipeline::Fit(MakeTable({Num("x", {1, 2})}), {"x"}, s, Task::kRegression, 0, {},
                                1, nullptr);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().message().find("text_hash_dims"), std::string::npos);
}

}  // namespace
}  // namespace kiln
