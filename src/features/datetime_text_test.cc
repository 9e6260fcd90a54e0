#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "features/feature_pipeline.h"
#include "features/internal/test_tables.h"

namespace kiln {
namespace {

using namespace features_testing;  // NOLINT(build/namespaces): test helpers

// ---- datetime ----

TEST(FeaturePipelineTest, DatetimeProducesCalendarPartsAndNanWhenMissingForTrees) {
  // 2021-03-14 15:09:26 UTC (a Sunday) and 1969-12-31 23:00:00 UTC (a Wednesday).
  Table t = MakeTable({Num("when", {1615734566, -3600, kNa}, ColumnType::kDatetime)});
  FeaturePipeline p = FitOk(t, PipelineSpec{});
  EXPECT_EQ(p.output_names(),
            (std::vector<std::string>{"when~year", "when~month", "when~day", "when~day_of_week",
                                      "when~hour", "when~epoch_days"}));
  Matrix m = TransformOk(p, t);
  EXPECT_EQ(m.row(0)[0], 2021.0f);
  EXPECT_EQ(m.row(0)[1], 3.0f);
  EXPECT_EQ(m.row(0)[2], 14.0f);
  EXPECT_EQ(m.row(0)[3], 6.0f);
  EXPECT_EQ(m.row(0)[4], 15.0f);
  EXPECT_FLOAT_EQ(m.row(0)[5], 1615734566 / 86400.0);
  EXPECT_EQ(m.row(1)[0], 1969.0f);
  EXPECT_EQ(m.row(1)[1], 12.0f);
  EXPECT_EQ(m.row(1)[2], 31.0f);
  EXPECT_EQ(m.row(1)[3], 2.0f);
  EXPECT_EQ(m.row(1)[4], 23.0f);
  for (float v : m.row(2))
    EXPECT_TRUE(std::isnan(v));
}

TEST(FeaturePipelineTest, DateOnlyValuesHaveNoHourAndConstantPartsAreLeftOut) {
  // 2020-01-01, 2020-01-02, 2020-01-05: same year and month.
  Table t = MakeTable(
      {Num("d", {18262 * 86400.0, 18263 * 86400.0, 18266 * 86400.0}, ColumnType::kDatetime)});
  FeaturePipeline p = FitOk(t, PipelineSpec{});
  EXPECT_EQ(p.output_names(), (std::vector<std::string>{"d~day", "d~day_of_week", "d~epoch_days"}));
}

TEST(FeaturePipelineTest, LinearDatetimeIsImputedScaledAndHasAMissingIndicator) {
  Table t = MakeTable(
      {Num("d", {0, 86400 * 40.5, kNa, 86400 * 400.25, 86400 * 800.0}, ColumnType::kDatetime)});
  FeaturePipeline p = FitOk(t, Linear());
  EXPECT_EQ(p.output_names().back(), "d_missing");
  EXPECT_EQ(Col(p, "d~year"), 0);
  Matrix m = TransformOk(p, t);
  EXPECT_FALSE(HasNan(m));
  EXPECT_EQ(m.at(2, m.cols - 1), 1.0f);
  EXPECT_EQ(m.at(0, m.cols - 1), 0.0f);
}

// ---- text ----

TEST(FeaturePipelineTest, TextIsHashedTfidfNormalizedPerRowWithATokenCount) {
  Table t = MakeTable(
      {Text("review", {"Great product, great price!", "terrible", kMissing, "ok product"})});
  PipelineSpec spec;
  spec.text_hash_dims = 32;
  FeaturePipeline p = FitOk(t, spec);
  ASSERT_EQ(p.output_names().size(), 33u);
  EXPECT_EQ(p.output_names()[17], "review~tfidf17");
  EXPECT_EQ(p.output_names()[32], "review~tokens");
  Matrix m = TransformOk(p, t);
  for (std::size_t r : {0, 1, 3}) {
    double norm = 0;
    for (int b = 0; b < 32; ++b)
      norm += m.at(r, b) * m.at(r, b);
    EXPECT_NEAR(norm, 1.0, 1e-6) << "row " << r;
  }
  for (int b = 0; b < 32; ++b)
    EXPECT_EQ(m.at(2, b), 0.0f);
  EXPECT_EQ(m.at(0, 32), 4.0f);
  EXPECT_EQ(m.at(1, 32), 1.0f);
  EXPECT_TRUE(std::isnan(m.at(2, 32)));
  // "Great"/"great" are one token counted twice; in "ok product", the rarer "ok" (1 row) weighs
  // more than "product" (2 rows). Buckets: FNV-1a("great") % 32 = 14, "price" 10, "product" 12,
  // "ok" 15.
  EXPECT_GT(m.at(0, 14), m.at(0, 10));
  EXPECT_GT(m.at(3, 15), m.at(3, 12));
  EXPECT_GT(m.at(3, 12), 0.0f);
}

TEST(FeaturePipelineTest, TextHashingIsDeterministicAcrossFits) {
  Table t = MakeTable({Text("review", {"alpha beta", "gamma delta beta", "epsilon"})});
  FeaturePipeline a = FitOk(t, PipelineSpec{});
  FeaturePipeline b = FitOk(t, PipelineSpec{});
  Matrix ma = TransformOk(a, t);
  EXPECT_TRUE(SameBytes(ma, TransformOk(b, t)));
  // "epsilon" lands in one fixed bucket: FNV-1a 64 of "epsilon" modulo 256.
  std::uint64_t h = 14695981039346656037ULL;
  for (char c : std::string("epsilon")) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  EXPECT_EQ(ma.at(2, h % 256), 1.0f);
}

}  // namespace
}  // namespace kiln
