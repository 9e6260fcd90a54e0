// CompiledPipeline writes, row by row, exactly the floats FeaturePipeline::Transform writes: on the
// bundled example datasets for both encodings, and on small tables with datetime, text,
// high-cardinality and ID-like columns, unseen levels and missing values.
#include "features/compiled_pipeline.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "features/internal/test_tables.h"
#include "table/table_reader.h"

namespace kiln {
namespace {

using features_testing::Cat;
using features_testing::FitOk;
using features_testing::kMissing;
using features_testing::kNa;
using features_testing::Linear;
using features_testing::MakeTable;
using features_testing::Mixed;
using features_testing::MixedTarget;
using features_testing::MixedUnseen;
using features_testing::Num;
using features_testing::Text;
using features_testing::TransformOk;

// Slots in input order: the i-th number-like input is numbers[i'] with i' its rank among them,
// likewise for texts.
std::vector<std::uint32_t> Slots(const FeaturePipeline& p) {
  std::vector<std::uint32_t> slots;
  std::uint32_t numbers = 0, texts = 0;
  for (const ColumnSchema& c : p.input_schema())
    slots.push_back(IsNumberLike(c.type) ? numbers++ : texts++);
  return slots;
}

bool SameFloat(float a, float b) {
  return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof(float)) == 0;
}

// Compiles `p` and checks every row of `table` against Transform(table), value by value.
void ExpectSameAsTransform(const FeaturePipeline& p, const Table& table, const std::string& what) {
  const Matrix want = TransformOk(p, table);
  const std::vector<std::uint32_t> slots = Slots(p);
  Result<CompiledPipeline> compiled = CompiledPipeline::Compile(p, slots);
  ASSERT_TRUE(compiled.ok()) << what << ": " << compiled.status().ToString();
  ASSERT_EQ(compiled->num_outputs(), p.output_names().size());
  std::vector<const Column*> inputs;
  for (const ColumnSchema& c : p.input_schema())
    inputs.push_back(&table.columns[static_cast<std::size_t>(table.Find(c.name))]);
  std::vector<double> numbers(inputs.size());
  std::vector<std::string_view> texts(inputs.size());
  std::vector<float> got(compiled->num_outputs(), -123.0f);  // garbage in: every output written
  for (std::size_t r = 0; r < table.num_rows; ++r) {
    for (std::size_t i = 0; i < inputs.size(); ++i) {
      const Column& c = *inputs[i];
      if (IsNumberLike(p.input_schema()[i].type)) {
        numbers[slots[i]] = c.values[r];
      } else {
        texts[slots[i]] =
            c.codes[r] < 0 ? std::string_view() : std::string_view(c.levels[c.codes[r]]);
      }
    }
    compiled->Transform(numbers.data(), texts.data(), got.data());
    for (std::size_t j = 0; j < got.size(); ++j) {
      ASSERT_TRUE(SameFloat(got[j], want.at(r, j)))
          << what << ", row " << r << ", output " << p.output_names()[j] << ": compiled " << got[j]
          << ", Transform " << want.at(r, j);
    }
  }
}

struct Target {
  Task task = Task::kRegression;
  int classes = 0;
  std::vector<float> y;
};

// The last column as the target: categorical -> classes (binary for two), two distinct numbers
// -> binary, other numbers -> regression.
Target LastColumnTarget(const Table& t) {
  const Column& c = t.columns.back();
  Target out;
  if (!IsNumberLike(c.type)) {
    out.classes = static_cast<int>(c.levels.size());
    out.task = out.classes == 2 ? Task::kBinary : Task::kMulticlass;
    for (std::int32_t code : c.codes)
      out.y.push_back(static_cast<float>(code));
    return out;
  }
  std::vector<double> distinct;
  for (double v : c.values) {
    if (std::find(distinct.begin(), distinct.end(), v) == distinct.end())
      distinct.push_back(v);
  }
  if (distinct.size() == 2) {
    out.task = Task::kBinary;
    out.classes = 2;
    for (double v : c.values)
      out.y.push_back(v == distinct[1] ? 1.0f : 0.0f);
    return out;
  }
  for (double v : c.values)
    out.y.push_back(static_cast<float>(v));
  return out;
}

void ExpectDatasetParity(const std::string& name) {
  Result<Table> table =
      ReadTable(std::string(KILN_SOURCE_DIR) + "/examples/data/" + name + ".csv", ReadOptions{});
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  const Target target = LastColumnTarget(*table);
  std::vector<std::string> features;
  for (std::size_t i = 0; i + 1 < table->columns.size(); ++i)
    features.push_back(table->columns[i].name);
  for (const FeatureEncoding encoding : {FeatureEncoding::kTree, FeatureEncoding::kLinear}) {
    PipelineSpec spec;
    spec.encoding = encoding;
    Result<FeaturePipeline> p = FeaturePipeline::Fit(*table, features, spec, target.task,
                                                     target.classes, target.y, 3, nullptr);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    ExpectSameAsTransform(*p, *table,
                          name + (encoding == FeatureEncoding::kTree ? " tree" : " linear"));
  }
}

TEST(CompiledPipeline, AdultEqualsTransform) { ExpectDatasetParity("adult"); }
TEST(CompiledPipeline, BankMarketingEqualsTransform) { ExpectDatasetParity("bank-marketing"); }
TEST(CompiledPipeline, CreditGEqualsTransform) { ExpectDatasetParity("credit-g"); }
TEST(CompiledPipeline, CarEqualsTransform) { ExpectDatasetParity("car"); }
TEST(CompiledPipeline, Diabetes130usEqualsTransform) { ExpectDatasetParity("diabetes130us"); }
TEST(CompiledPipeline, AbaloneEqualsTransform) { ExpectDatasetParity("abalone"); }
TEST(CompiledPipeline, BloodTransfusionEqualsTransform) {
  ExpectDatasetParity("blood-transfusion");
}
TEST(CompiledPipeline, WineQualityEqualsTransform) { ExpectDatasetParity("wine_quality"); }

// Datetime, text, a 90-level categorical (target-encoded for linear), missing values everywhere;
// then rows with unseen levels, unseen text, far-off dates and infinities.
void ExpectMixedParity(const PipelineSpec& spec, Task task, int classes) {
  const Table train = Mixed(300);
  std::vector<float> y = MixedTarget(300);
  if (task == Task::kBinary) {
    for (float& v : y)
      v = v > 0 ? 1.0f : 0.0f;
  }
  const FeaturePipeline p = FitOk(train, spec, task, classes, y);
  const std::string what =
      std::string(TaskName(task)) + (spec.encoding == FeatureEncoding::kTree ? " tree" : " linear");
  ExpectSameAsTransform(p, train, what + " (training rows)");
  ExpectSameAsTransform(p, MixedUnseen(), what + " (unseen rows)");
}

TEST(CompiledPipeline, MixedColumnsEqualTransformForEveryEncodingAndTask) {
  for (const PipelineSpec& spec : {PipelineSpec{}, Linear()}) {
    ExpectMixedParity(spec, Task::kRegression, 0);
    ExpectMixedParity(spec, Task::kBinary, 2);
    ExpectMixedParity(spec, Task::kMulticlass, 3);
  }
  PipelineSpec robust = Linear();
  robust.scaling = Scaling::kRobust;
  robust.missing_indicators = false;
  robust.linear_clip = 0.5;
  ExpectMixedParity(robust, Task::kRegression, 0);
  PipelineSpec wide;
  wide.max_native_levels = 8;  // "many" is target-encoded for trees too
  wide.text_hash_dims = 1 << 12;
  ExpectMixedParity(wide, Task::kMulticlass, 3);
}

// Rare levels (merged into __rare__ with unseen ones), a missing level, a likely-ID integer key
// (target-encoded by number for linear), and a text value with more distinct tokens than the
// compiled text encoder tracks on its stack.
TEST(CompiledPipeline, RareUnseenMissingAndNumberKeysEqualTransform) {
  std::vector<std::string> level;
  std::vector<double> key;
  std::vector<std::string> text;
  std::string long_text;
  for (int i = 0; i < 700; ++i)
    long_text += "w" + std::to_string(i) + " ";
  for (int i = 0; i < 200; ++i) {
    level.push_back(i % 17 == 0   ? kMissing
                    : i % 50 == 0 ? "rare" + std::to_string(i)
                                  : "L" + std::to_string(i % 4));
    key.push_back(i % 13 == 0 ? kNa : static_cast<double>(1000 + i % 120));
    text.push_back(i == 5 ? long_text : "t" + std::to_string(i % 7) + " shared words");
  }
  Column id = Num("patient", key, ColumnType::kInteger);
  id.likely_id = true;
  const Table train = MakeTable({Cat("level", level), id, Text("text", text)});
  std::vector<float> y;
  for (int i = 0; i < 200; ++i)
    y.push_back(static_cast<float>(i % 3 == 0));
  PipelineSpec linear = Linear();
  linear.text_hash_dims = 4096;
  const FeaturePipeline p = FitOk(train, linear, Task::kBinary, 2, y);
  EXPECT_NE(features_testing::Col(p, "level=__rare__"), -1);
  EXPECT_NE(features_testing::Col(p, "level=__missing__"), -1);
  EXPECT_NE(features_testing::Col(p, "patient~te"), -1);
  ExpectSameAsTransform(p, train, "training rows");
  const Table fresh =
      MakeTable({Cat("level", {"never", kMissing, "rare50", "L1"}),
                 Num("patient", {5, kNa, 1001, INFINITY}, ColumnType::kInteger),
                 Text("text", {long_text + long_text, kMissing, "!!!", "T1 SHARED"})});
  ExpectSameAsTransform(p, fresh, "new rows");
}

TEST(CompiledPipeline, NumberPipelinesForTreesPassThroughAndOthersDoNot) {
  const Table t =
      MakeTable({Num("a", {1, 2, kNa, 4}), Num("b", {0, 1, 0, 1}, ColumnType::kBoolean)});
  const FeaturePipeline tree = FitOk(t, PipelineSpec{});
  const std::vector<std::uint32_t> slots = {4, 2};
  Result<CompiledPipeline> c = CompiledPipeline::Compile(tree, slots);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->pass_through(), slots);
  Result<CompiledPipeline> linear = CompiledPipeline::Compile(FitOk(t, Linear()), slots);
  ASSERT_TRUE(linear.ok());
  EXPECT_TRUE(linear->pass_through().empty());
  const Table cats = MakeTable({Cat("c", {"x", "y", "x", "z"})});
  Result<CompiledPipeline> ordinal = CompiledPipeline::Compile(FitOk(cats, PipelineSpec{}), {{0}});
  ASSERT_TRUE(ordinal.ok());
  EXPECT_TRUE(ordinal->pass_through().empty());
  EXPECT_EQ(ordinal->KnownLevels(0, 2), (std::vector<std::string>{"x", "y"}));
}

TEST(CompiledPipeline, TheWrongSlotCountAndAnUnfittedPipelineAreRefused) {
  const Table t = MakeTable({Num("a", {1, 2, 3}), Num("b", {3, 1, 2})});
  const FeaturePipeline p = FitOk(t, PipelineSpec{});
  Result<CompiledPipeline> c = CompiledPipeline::Compile(p, {{0}});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(CompiledPipeline::Compile(FeaturePipeline(), {}).ok());
}

}  // namespace
}  // namespace kiln
