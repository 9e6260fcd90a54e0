#include "profile/profiler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "profile/profile_test_util.h"

namespace kiln {
namespace {

using profile_test::FindColumn;
using profile_test::HasWarning;
using profile_test::HasWarningKind;
using profile_test::kNA;
using profile_test::LabelColumn;
using profile_test::MakeTable;
using profile_test::NumberColumn;
using profile_test::ReadCsv;

DataProfile Profile(const Table& t, const std::string& target = "") {
  ProfileOptions o;
  o.target = target;
  Result<DataProfile> p = ProfileTable(t, o);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return p.ok() ? std::move(p).value() : DataProfile{};
}

// ---- column statistics ----

TEST(ProfileStatisticsTest, NumberColumnStatisticsAreExact) {
  Table t = MakeTable({NumberColumn("x", ColumnType::kInteger, {1, 2, kNA, 3, 4, 10})});
  DataProfile p = Profile(t);
  ASSERT_EQ(p.columns.size(), 1u);
  const ColumnProfile& c = p.columns[0];
  EXPECT_EQ(c.missing, 1u);
  EXPECT_EQ(c.distinct, 5u);
  ASSERT_TRUE(c.numeric.has_value());
  const NumericSummary& n = *c.numeric;
  EXPECT_EQ(n.count, 5u);
  EXPECT_DOUBLE_EQ(n.min, 1);
  EXPECT_DOUBLE_EQ(n.max, 10);
  EXPECT_DOUBLE_EQ(n.mean, 4);
  EXPECT_NEAR(n.std, 3.5355339059327378, 1e-12);   // sample sd: sqrt(50 / 4)
  EXPECT_NEAR(n.skew, 1.6970562748477143, 1e-12);  // pandas' skew()
  EXPECT_DOUBLE_EQ(n.p5, 1.2);
  EXPECT_DOUBLE_EQ(n.p25, 2);
  EXPECT_DOUBLE_EQ(n.median, 3);
  EXPECT_DOUBLE_EQ(n.p75, 4);
  EXPECT_DOUBLE_EQ(n.p95, 8.8);
  EXPECT_EQ(n.zeros, 0u);
  // Integers spanning 10 values: one bin per integer.
  EXPECT_DOUBLE_EQ(n.histogram.lo, 0.5);
  EXPECT_DOUBLE_EQ(n.histogram.hi, 10.5);
  EXPECT_EQ(n.histogram.counts, (std::vector<std::size_t>{1, 1, 1, 1, 0, 0, 0, 0, 0, 1}));
  EXPECT_EQ(p.missing_cells, 1u);
  EXPECT_EQ(p.rows, 6u);
}

TEST(ProfileStatisticsTest, RealHistogramUsesEqualWidthBinsIncludingTheMaximum) {
  Table t = MakeTable({NumberColumn("x", ColumnType::kNumeric, {0, 0.5, 1, 2.5, 3.9, 4, -0.0})});
  ProfileOptions o;
  o.histogram_bins = 4;
  Result<DataProfile> p = ProfileTable(t, o);
  ASSERT_TRUE(p.ok());
  const NumericSummary& n = *p->columns[0].numeric;
  EXPECT_DOUBLE_EQ(n.histogram.lo, -0.0);
  EXPECT_DOUBLE_EQ(n.histogram.hi, 4);
  EXPECT_EQ(n.histogram.counts, (std::vector<std::size_t>{3, 1, 1, 2}));
  EXPECT_EQ(n.zeros, 2u);
  EXPECT_EQ(p->columns[0].distinct, 6u);
}

TEST(ProfileStatisticsTest, StatisticsOfOneValueAreNaNWhereUndefined) {
  Table t = MakeTable({NumberColumn("x", ColumnType::kNumeric, {kNA, 2.5, kNA})});
  DataProfile p = Profile(t);
  const NumericSummary& n = *p.columns[0].numeric;
  EXPECT_DOUBLE_EQ(n.mean, 2.5);
  EXPECT_DOUBLE_EQ(n.median, 2.5);
  EXPECT_TRUE(std::isnan(n.std));
  EXPECT_TRUE(std::isnan(n.skew));
  EXPECT_EQ(n.histogram.counts, (std::vector<std::size_t>{1}));
}

TEST(ProfileStatisticsTest, CategoricalTopValuesAreMostFrequentFirstWithTiesInFirstAppearance) {
  Table t = MakeTable({LabelColumn("c", {"b", "a", "", "a", "c", "b", "a", "d", ""})});
  ProfileOptions o;
  o.top_values = 3;
  Result<DataProfile> p = ProfileTable(t, o);
  ASSERT_TRUE(p.ok());
  const ColumnProfile& c = p->columns[0];
  EXPECT_EQ(c.missing, 2u);
  EXPECT_EQ(c.distinct, 4u);
  ASSERT_EQ(c.top_values.size(), 3u);
  EXPECT_EQ(c.top_values[0].value, "a");
  EXPECT_EQ(c.top_values[0].count, 3u);
  EXPECT_EQ(c.top_values[1].value, "b");
  EXPECT_EQ(c.top_values[1].count, 2u);
  EXPECT_EQ(c.top_values[2].value, "c");  // ties with "d": first appearance wins
  EXPECT_EQ(c.other_count, 1u);
  EXPECT_FALSE(c.numeric.has_value());
}

TEST(ProfileStatisticsTest, TextColumnsReportLengthsInCodePoints) {
  Table t = MakeTable({LabelColumn("t", {"ab", "héllo", "", "ab"}, ColumnType::kText)});
  DataProfile p = Profile(t);
  const ColumnProfile& c = p.columns[0];
  ASSERT_TRUE(c.text_lengths.has_value());
  EXPECT_EQ(c.text_lengths->min, 2u);
  EXPECT_EQ(c.text_lengths->max, 5u);
  EXPECT_DOUBLE_EQ(c.text_lengths->mean, 3.0);
}

TEST(ProfileStatisticsTest, DatetimeMinAndMaxAreIsoText) {
  Table t = MakeTable(
      {NumberColumn("d", ColumnType::kDatetime, {1204329600, kNA, 946684798, -310521600})});
  DataProfile p = Profile(t);
  const ColumnProfile& c = p.columns[0];
  EXPECT_EQ(c.datetime_min, "1960-02-29");
  EXPECT_EQ(c.datetime_max, "2008-03-01");
  Table u = MakeTable({NumberColumn("d", ColumnType::kDatetime, {946684798})});
  EXPECT_EQ(Profile(u).columns[0].datetime_max, "1999-12-31T23:59:58Z");
}

TEST(ProfileStatisticsTest, BooleanColumnsCountTrueAndFalse) {
  Table t = MakeTable({NumberColumn("b", ColumnType::kBoolean, {1, 0, 1, kNA, 1})});
  DataProfile p = Profile(t);
  const ColumnProfile& c = p.columns[0];
  ASSERT_EQ(c.top_values.size(), 2u);
  EXPECT_EQ(c.top_values[0].value, "true");
  EXPECT_EQ(c.top_values[0].count, 3u);
  EXPECT_EQ(c.top_values[1].value, "false");
  EXPECT_EQ(c.top_values[1].count, 1u);
  EXPECT_EQ(c.missing, 1u);
  EXPECT_DOUBLE_EQ(c.numeric->mean, 0.75);
}

TEST(ProfileStatisticsTest, MemoryCountsValuesCodesAndLevels) {
  Table t = MakeTable(
      {NumberColumn("x", ColumnType::kNumeric, {1, 2, 3}), LabelColumn("c", {"a", "b", "a"})});
  DataProfile p = Profile(t);
  EXPECT_EQ(p.columns[0].memory_bytes, 3 * sizeof(double));
  EXPECT_EQ(p.columns[1].memory_bytes, 3 * sizeof(std::int32_t) + 2 * sizeof(std::string));
  EXPECT_EQ(p.memory_bytes, p.columns[0].memory_bytes + p.columns[1].memory_bytes);
}

TEST(ProfileStatisticsTest, ReadCsvTableKeepsReaderTypeReasonsAndIdFlags) {
  std::string csv = "row_id,city,amount\n";
  for (int i = 0; i < 30; ++i) {
    csv += std::to_string(1000 + i) + "," + (i % 3 ? "Oslo" : "Bergen") + "," +
           std::to_string(i * 1.5) + "\n";
  }
  DataProfile p = Profile(ReadCsv(csv));
  ASSERT_EQ(p.columns.size(), 3u);
  EXPECT_TRUE(p.columns[0].is_id);
  EXPECT_EQ(p.columns[1].type, ColumnType::kCategorical);
  EXPECT_FALSE(p.columns[1].type_reason.empty());
  EXPECT_EQ(p.columns[2].type, ColumnType::kNumeric);
}

// ---- duplicates ----

TEST(ProfileDuplicatesTest, CountsRowsEqualToAnEarlierRowWithMissingEqualToMissing) {
  Table t = MakeTable({
      NumberColumn("x", ColumnType::kNumeric, {1, 2, 1, 1, kNA, kNA, 0, -0.0, 1}),
      LabelColumn("c", {"a", "a", "a", "a", "", "", "z", "z", "b"}),
  });
  // Row 2 and 3 repeat row 0; row 5 repeats row 4 (missing == missing); row 7 repeats 6 (-0 == 0).
  EXPECT_EQ(Profile(t).duplicate_rows, 4u);
}

TEST(ProfileDuplicatesTest, RowsDifferingInOneColumnAreNotDuplicates) {
  Table t = MakeTable(
      {NumberColumn("x", ColumnType::kNumeric, {1, 1, 1}), LabelColumn("c", {"a", "b", "c"})});
  EXPECT_EQ(Profile(t).duplicate_rows, 0u);
}

// ---- warnings ----

// 40 rows: one column per warning kind.
Table WarningTable() {
  const int n = 40;
  std::vector<double> skewed, mostly_missing, some_missing, ids, keys, empty;
  std::vector<std::string> constant, many_levels, label;
  for (int i = 0; i < n; ++i) {
    skewed.push_back(i == 0 ? 1000 : 1 + i % 2);
    mostly_missing.push_back(i < 25 ? kNA : i);
    some_missing.push_back(i < 3 ? kNA : i % 5);
    ids.push_back(i);
    keys.push_back(i / 2);
    empty.push_back(kNA);
    constant.push_back("k");
    many_levels.push_back("lvl" + std::to_string(i % 30));
    label.push_back(i == 7 ? "rare" : "common");
  }
  Column id = NumberColumn("id", ColumnType::kInteger, ids);
  id.is_id = true;
  Column key = NumberColumn("key", ColumnType::kInteger, keys);
  key.likely_id = true;
  return MakeTable({id, key, NumberColumn("skewed", ColumnType::kNumeric, skewed),
                    NumberColumn("mostly_missing", ColumnType::kNumeric, mostly_missing),
                    NumberColumn("some_missing", ColumnType::kInteger, some_missing),
                    NumberColumn("empty", ColumnType::kNumeric, empty),
                    LabelColumn("constant", constant), LabelColumn("many_levels", many_levels),
                    LabelColumn("label", label)});
}

TEST(ProfileWarningsTest, EachKindIsRaisedOnTheColumnThatHasIt) {
  DataProfile p = Profile(WarningTable(), "label");
  EXPECT_TRUE(HasWarning(p, "id", "id", Severity::kMedium));
  EXPECT_TRUE(HasWarning(p, "likely_id", "key", Severity::kLow));
  EXPECT_TRUE(HasWarning(p, "skewed", "skewed", Severity::kLow));
  EXPECT_TRUE(HasWarning(p, "missing", "mostly_missing", Severity::kHigh));
  EXPECT_TRUE(HasWarning(p, "missing", "some_missing", Severity::kLow));
  EXPECT_TRUE(HasWarning(p, "empty", "empty", Severity::kHigh));
  EXPECT_TRUE(HasWarning(p, "constant", "constant", Severity::kMedium));
  EXPECT_TRUE(HasWarning(p, "high_cardinality", "many_levels", Severity::kMedium));
  EXPECT_TRUE(HasWarning(p, "imbalance", "label", Severity::kMedium));  // 1 of 40: 2.5%
  // An all-missing column gets one warning, not also "missing".
  EXPECT_FALSE(HasWarning(p, "missing", "empty", Severity::kHigh));
  EXPECT_FALSE(HasWarningKind(p, "duplicates"));
  EXPECT_FALSE(HasWarningKind(p, "leakage"));
}

TEST(ProfileWarningsTest, WarningsAreOrderedBySeverity) {
  DataProfile p = Profile(WarningTable(), "label");
  ASSERT_FALSE(p.warnings.empty());
  for (std::size_t i = 1; i < p.warnings.size(); ++i) {
    EXPECT_LE(static_cast<int>(p.warnings[i - 1].severity),
              static_cast<int>(p.warnings[i].severity));
  }
}

TEST(ProfileWarningsTest, MinorityUnderTwoPercentIsHighImbalance) {
  std::vector<std::string> y(60, "no");
  y[10] = "yes";
  DataProfile p = Profile(MakeTable({LabelColumn("y", y)}), "y");
  EXPECT_TRUE(HasWarning(p, "imbalance", "y", Severity::kHigh));
}

TEST(ProfileWarningsTest, ValueHoldingAtLeast99PercentIsQuasiConstant) {
  std::vector<std::string> drug(200, "No"), balanced;
  drug[42] = "Up";
  for (int i = 0; i < 200; ++i)
    balanced.push_back(i % 10 ? "No" : "Up");  // 90%: fine
  DataProfile p =
      Profile(MakeTable({LabelColumn("drug", drug), LabelColumn("balanced", balanced)}));
  EXPECT_TRUE(HasWarning(p, "quasi_constant", "drug", Severity::kLow));
  EXPECT_FALSE(HasWarning(p, "quasi_constant", "balanced", Severity::kLow));
  EXPECT_FALSE(HasWarning(p, "constant", "drug", Severity::kMedium));
}

TEST(ProfileWarningsTest, DuplicateRowsAreReported) {
  std::vector<double> x;
  for (int i = 0; i < 20; ++i)
    x.push_back(i < 4 ? 1 : i);
  DataProfile p = Profile(MakeTable({NumberColumn("x", ColumnType::kNumeric, x)}));
  EXPECT_EQ(p.duplicate_rows, 3u);
  EXPECT_TRUE(HasWarning(p, "duplicates", "", Severity::kMedium));  // 15%
}

TEST(ProfileWarningsTest, TargetWithMissingValuesAndSingleValueTargetAreReported) {
  std::vector<std::string> y(30, "a");
  y[3] = "";
  DataProfile p = Profile(MakeTable({LabelColumn("y", y)}), "y");
  EXPECT_TRUE(HasWarning(p, "target_invalid", "y", Severity::kHigh));
  ASSERT_TRUE(p.target.has_value());
  EXPECT_FALSE(p.target->problem_type_error.empty());
  EXPECT_EQ(p.target->missing, 1u);

  std::vector<std::string> z;
  for (int i = 0; i < 30; ++i)
    z.push_back(i < 2 ? "" : (i % 2 ? "a" : "b"));
  DataProfile q = Profile(MakeTable({LabelColumn("z", z)}), "z");
  EXPECT_TRUE(HasWarning(q, "target_missing", "z", Severity::kMedium));
}

// A table with nothing wrong: varied numbers, a few balanced levels, an unrelated binary target.
Table CleanTable() {
  std::vector<double> x, z;
  std::vector<std::string> c, y;
  for (int i = 0; i < 60; ++i) {
    x.push_back(i % 7);
    z.push_back(std::sin(i * 1.3) * 10 + 0.25);
    c.push_back(i % 3 == 0 ? "red" : i % 3 == 1 ? "green" : "blue");
    y.push_back((i / 2) % 2 ? "yes" : "no");
  }
  return MakeTable({NumberColumn("x", ColumnType::kInteger, x),
                    NumberColumn("z", ColumnType::kNumeric, z), LabelColumn("c", c),
                    LabelColumn("y", y)});
}

TEST(ProfileWarningsTest, CleanTableHasNoWarnings) {
  DataProfile p = Profile(CleanTable(), "y");
  for (const ProfileWarning& w : p.warnings)
    ADD_FAILURE() << w.kind << " " << w.column << ": " << w.message;
  EXPECT_EQ(p.duplicate_rows, 0u);
}

// ---- leakage ----

TEST(ProfileLeakageTest, CategoricalThatDeterminesTheClassIsSuspect) {
  std::vector<std::string> y, code, noise;
  for (int i = 0; i < 200; ++i) {
    bool yes = (i * 7) % 3 == 0;
    y.push_back(yes ? "yes" : "no");
    code.push_back((yes != (i == 5)) ? "P" : "N");  // one row disagrees: 99.5% pure
    noise.push_back(i % 2 ? "u" : "v");
  }
  DataProfile p = Profile(
      MakeTable({LabelColumn("code", code), LabelColumn("noise", noise), LabelColumn("y", y)}),
      "y");
  EXPECT_TRUE(HasWarning(p, "leakage", "code", Severity::kHigh));
  EXPECT_FALSE(HasWarning(p, "leakage", "noise", Severity::kHigh));
}

TEST(ProfileLeakageTest, NumberThatSeparatesMulticlassTargetIsSuspect) {
  std::vector<double> score, unrelated;
  std::vector<std::string> y;
  const char* classes[] = {"bus", "car", "van"};
  for (int i = 0; i < 300; ++i) {
    int k = (i * 11) % 3;
    y.push_back(classes[k]);
    score.push_back(k * 10 + (i % 7) * 0.1);
    unrelated.push_back((i * 37) % 101);
  }
  DataProfile p = Profile(
      MakeTable({NumberColumn("score", ColumnType::kNumeric, score),
                 NumberColumn("unrelated", ColumnType::kInteger, unrelated), LabelColumn("y", y)}),
      "y");
  EXPECT_EQ(p.target->task, Task::kMulticlass);
  EXPECT_TRUE(HasWarning(p, "leakage", "score", Severity::kHigh));
  EXPECT_FALSE(HasWarning(p, "leakage", "unrelated", Severity::kHigh));
}

TEST(ProfileLeakageTest, TiesInAFileSortedByClassDoNotLookLikeLeakage) {
  // Sorted by class; the feature takes two values unrelated to the class. Ties must not keep row
  // order.
  std::vector<double> flag;
  std::vector<std::string> y;
  for (int i = 0; i < 200; ++i) {
    y.push_back(i < 100 ? "a" : "b");
    flag.push_back(i % 2);
  }
  DataProfile p = Profile(
      MakeTable({NumberColumn("flag", ColumnType::kInteger, flag), LabelColumn("y", y)}), "y");
  EXPECT_FALSE(HasWarningKind(p, "leakage"));
}

TEST(ProfileLeakageTest, RegressionTargetCorrelatedFeaturesAreSuspect) {
  std::vector<double> y, twice, weak;
  std::vector<std::string> group;
  for (int i = 0; i < 100; ++i) {
    int g = i % 4;
    double v = g * 100 + (i % 5);
    y.push_back(v);
    twice.push_back(2 * v + ((i * 13) % 7) * 0.01);
    weak.push_back((i * 17) % 23);
    group.push_back("g" + std::to_string(g));
  }
  DataProfile p =
      Profile(MakeTable({NumberColumn("twice", ColumnType::kNumeric, twice),
                         NumberColumn("weak", ColumnType::kInteger, weak),
                         LabelColumn("group", group), NumberColumn("y", ColumnType::kNumeric, y)}),
              "y");
  EXPECT_EQ(p.target->task, Task::kRegression);
  EXPECT_TRUE(HasWarning(p, "leakage", "twice", Severity::kHigh));
  EXPECT_TRUE(HasWarning(p, "leakage", "group", Severity::kHigh));  // eta^2 > 0.99
  EXPECT_FALSE(HasWarning(p, "leakage", "weak", Severity::kHigh));
}

TEST(ProfileLeakageTest, SingletonLevelsAndImbalancedBaselinesAreNotLeakage) {
  std::vector<std::string> unique, y, mostly;
  for (int i = 0; i < 400; ++i) {
    unique.push_back("u" + std::to_string(i));          // one row per level: no supported level
    y.push_back(i == 17 || i == 230 ? "fraud" : "ok");  // 99.5% majority
    mostly.push_back(i % 2 ? "x" : "w");                // purity 99.5% only from the baseline
  }
  DataProfile p = Profile(MakeTable({LabelColumn("unique", unique), LabelColumn("mostly", mostly),
                                     LabelColumn("y", y)}),
                          "y");
  EXPECT_FALSE(HasWarningKind(p, "leakage"));
}

// ---- target analysis ----

TEST(ProfileTargetTest, BinaryTargetReportsClassBalanceInLabelOrder) {
  std::string csv = "age,income\n";
  for (int i = 0; i < 30; ++i)
    csv += std::to_string(20 + i) + "," + (i % 3 ? "<=50K" : ">50K") + "\n";
  DataProfile p = Profile(ReadCsv(csv, "income"), "income");
  ASSERT_TRUE(p.target.has_value());
  EXPECT_EQ(p.target->task, Task::kBinary);
  EXPECT_NE(p.target->reason.find("binary"), std::string::npos);
  ASSERT_EQ(p.target->classes.size(), 2u);
  EXPECT_EQ(p.target->classes[0].value, "<=50K");
  EXPECT_EQ(p.target->classes[0].count, 20u);
  EXPECT_EQ(p.target->classes[1].value, ">50K");
  EXPECT_EQ(p.target->classes[1].count, 10u);
  EXPECT_FALSE(p.target->distribution.has_value());
}

TEST(ProfileTargetTest, MulticlassTargetCountsEveryClassAndMissingTargets) {
  std::string csv = "f,cls\n";
  for (int i = 0; i < 30; ++i) {
    csv += std::to_string(i % 4) + "," +
           (i == 0       ? ""
            : i % 3 == 0 ? "bus"
            : i % 3 == 1 ? "van"
                         : "car") +
           "\n";
  }
  DataProfile p = Profile(ReadCsv(csv, "cls"), "cls");
  EXPECT_EQ(p.target->task, Task::kMulticlass);
  ASSERT_EQ(p.target->classes.size(), 3u);
  EXPECT_EQ(p.target->classes[0].value, "bus");
  EXPECT_EQ(p.target->classes[0].count, 9u);
  EXPECT_EQ(p.target->classes[1].value, "car");
  EXPECT_EQ(p.target->classes[1].count, 10u);
  EXPECT_EQ(p.target->classes[2].value, "van");
  EXPECT_EQ(p.target->classes[2].count, 10u);
  EXPECT_EQ(p.target->missing, 1u);
}

TEST(ProfileTargetTest, RegressionTargetReportsItsDistribution) {
  std::string csv = "f,price\n";
  for (int i = 0; i < 40; ++i)
    csv += std::to_string(i % 5) + "," + std::to_string(i * 2.5) + "\n";
  DataProfile p = Profile(ReadCsv(csv, "price"), "price");
  EXPECT_EQ(p.target->task, Task::kRegression);
  ASSERT_TRUE(p.target->distribution.has_value());
  EXPECT_DOUBLE_EQ(p.target->distribution->mean, 48.75);
  EXPECT_NEAR(p.target->distribution->skew, 0, 1e-12);
  EXPECT_EQ(p.target->distribution->histogram.counts.size(), 20u);
  EXPECT_TRUE(p.target->classes.empty());
}

TEST(ProfileTargetTest, TargetWithoutDictionaryCodesIsStillAnalysed) {
  std::vector<double> y;
  for (int i = 0; i < 30; ++i)
    y.push_back(i % 2);
  DataProfile p = Profile(MakeTable({NumberColumn("y", ColumnType::kInteger, y)}), "y");
  EXPECT_EQ(p.target->task, Task::kBinary);
  ASSERT_EQ(p.target->classes.size(), 2u);
  EXPECT_EQ(p.target->classes[0].value, "0");
  EXPECT_EQ(p.target->classes[0].count, 15u);
}

// ---- errors ----

TEST(ProfileErrorsTest, UnknownTargetNamesItAndListsTheColumns) {
  Table t = MakeTable(
      {NumberColumn("age", ColumnType::kInteger, {1, 2}), LabelColumn("city", {"a", "b"})});
  ProfileOptions o;
  o.target = "incme";
  Result<DataProfile> p = ProfileTable(t, o);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(p.error().message().find("\"incme\""), std::string::npos);
  EXPECT_NE(p.error().message().find("age, city"), std::string::npos);
}

TEST(ProfileErrorsTest, OutOfRangeOptionsAreRejected) {
  Table t = MakeTable({NumberColumn("age", ColumnType::kInteger, {1, 2})});
  ProfileOptions o;
  o.histogram_bins = 0;
  EXPECT_EQ(ProfileTable(t, o).status().code(), StatusCode::kInvalidArgument);
  o.histogram_bins = 20;
  o.top_values = 0;
  EXPECT_EQ(ProfileTable(t, o).status().code(), StatusCode::kInvalidArgument);
}

TEST(ProfileErrorsTest, EmptyTableProfilesToNothing) {
  DataProfile p = Profile(MakeTable({}));
  EXPECT_EQ(p.rows, 0u);
  EXPECT_TRUE(p.columns.empty());
  EXPECT_TRUE(p.warnings.empty());
}

}  // namespace
}  // namespace kiln
