// Tests of type inference over every row, via ParseTable: types, reasons, ids, missing/distinct.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "table/table_reader.h"

namespace kiln {
namespace {

// A one-column CSV with the given cells (empty string = missing).
std::string OneColumn(const std::string& name, const std::vector<std::string>& cells) {
  std::string csv = name + ",other\n";
  for (const std::string& c : cells)
    csv += c + ",1\n";
  return csv;
}

Column Infer(const std::string& name, const std::vector<std::string>& cells) {
  Result<Table> t = ParseTable(OneColumn(name, cells), "t.csv", {});
  EXPECT_TRUE(t.ok()) << t.status().ToString();
  return t.ok() ? t->columns[0] : Column{};
}

std::vector<std::string> Repeat(const std::vector<std::string>& cycle, std::size_t n) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(cycle[i % cycle.size()]);
  return out;
}

std::vector<std::string> Numbered(const std::string& prefix, std::size_t n, std::size_t modulo) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(prefix + std::to_string(i % modulo));
  return out;
}

TEST(TypeInferenceTest, WholeNumbersAreInteger) {
  Column c = Infer("n", {"1", "-2", "+3", "007"});
  EXPECT_EQ(c.type, ColumnType::kInteger);
  EXPECT_EQ(c.values, (std::vector<double>{1, -2, 3, 7}));
  EXPECT_EQ(c.type_reason, "every value is an integer");
}

TEST(TypeInferenceTest, NumericAcceptsExponentSignAndLeadingDot) {
  Column c = Infer("x", {"1e5", "-3.25", "+1", ".5", "2."});
  EXPECT_EQ(c.type, ColumnType::kNumeric);
  EXPECT_EQ(c.values, (std::vector<double>{1e5, -3.25, 1, 0.5, 2}));
  EXPECT_EQ(c.type_reason, "every value is a number; line 2: \"1e5\" is not an integer");
}

TEST(TypeInferenceTest, NanInfAndNaAreNotNumbers) {
  for (const char* word : {"nan", "NaN", "inf", "-inf", "Infinity", "NA", "1.5.1", "0x10", "1e"}) {
    Column c = Infer("x", {"1.5", word});
    EXPECT_EQ(c.type, ColumnType::kCategorical) << word;
  }
}

TEST(TypeInferenceTest, LateNonNumericValueMakesColumnCategorical) {
  // Like diag_3: numeric codes for thousands of rows, then "V57".
  std::vector<std::string> cells = Repeat({"250.01", "276", "", "428"}, 3000);
  cells[2500] = "V57";
  Column c = Infer("diag_3", cells);
  EXPECT_EQ(c.type, ColumnType::kCategorical);
  EXPECT_EQ(c.type_reason, "line 2502: \"V57\" is not a number");
  EXPECT_EQ(c.levels.size(), 4u);
  EXPECT_EQ(c.levels[0], "250.01");
  EXPECT_EQ(c.missing, 750u);
}

TEST(TypeInferenceTest, ColumnEmptyUntilLateRowsIsTypedByItsValues) {
  // Like payer_code: empty for 20,000 rows.
  std::vector<std::string> cells(25000);
  for (std::size_t i = 20447; i < cells.size(); i += 3)
    cells[i] = i % 2 ? "MC" : "HM";
  Column c = Infer("payer_code", cells);
  EXPECT_EQ(c.type, ColumnType::kCategorical);
  EXPECT_EQ(c.type_reason, "line 20449: \"MC\" is not a number");
  EXPECT_EQ(c.levels, (std::vector<std::string>{"MC", "HM"}));
  EXPECT_GT(c.missing, 20000u);
}

TEST(TypeInferenceTest, AllMissingColumnIsNumericAndAllNaN) {
  Column c = Infer("empty", {"", "", ""});
  EXPECT_EQ(c.type, ColumnType::kNumeric);
  EXPECT_EQ(c.type_reason, "all values are missing");
  EXPECT_EQ(c.missing, 3u);
  EXPECT_EQ(c.distinct, 0u);
  for (double v : c.values)
    EXPECT_TRUE(std::isnan(v));
}

TEST(TypeInferenceTest, TrueFalseAndYesNoInAnyCaseAreBoolean) {
  Column c = Infer("b", {"true", "FALSE", "Yes", "no", ""});
  EXPECT_EQ(c.type, ColumnType::kBoolean);
  ASSERT_EQ(c.values.size(), 5u);
  EXPECT_EQ(c.values[0], 1);
  EXPECT_EQ(c.values[1], 0);
  EXPECT_EQ(c.values[2], 1);
  EXPECT_EQ(c.values[3], 0);
  EXPECT_TRUE(std::isnan(c.values[4]));
}

TEST(TypeInferenceTest, ZeroOneStaysIntegerAndMixedBooleanIsCategorical) {
  EXPECT_EQ(Infer("b", {"0", "1", "1"}).type, ColumnType::kInteger);
  Column mixed = Infer("b", {"yes", "no", "maybe"});
  EXPECT_EQ(mixed.type, ColumnType::kCategorical);
  EXPECT_EQ(mixed.type_reason, "line 4: \"maybe\" is not a boolean (true/false/yes/no)");
}

TEST(TypeInferenceTest, IsoDatesAndDateTimesAreSecondsSinceEpoch) {
  Column c = Infer("when", {"1970-01-02", "2020/01/02 03:04:05", "2020-01-02T03:04:05.5Z",
                            "2020-01-02T03:04+01:00", "2000-02-29 00:00:00"});
  EXPECT_EQ(c.type, ColumnType::kDatetime);
  ASSERT_EQ(c.values.size(), 5u);
  EXPECT_EQ(c.values[0], 86400);
  EXPECT_EQ(c.values[1], 1577934245);
  EXPECT_EQ(c.values[2], 1577934245.5);
  EXPECT_EQ(c.values[3], 1577934245 - 5 - 3600);
  EXPECT_EQ(c.values[4], 951782400);
}

TEST(TypeInferenceTest, ImpossibleDatesAreNotDates) {
  EXPECT_EQ(Infer("d", {"2020-01-01", "2021-02-29"}).type, ColumnType::kCategorical);
  EXPECT_EQ(Infer("d", {"2020-01-01", "2020-01-01 24:00"}).type, ColumnType::kCategorical);
  Column c = Infer("d", {"2020-01-01", "soon"});
  EXPECT_EQ(c.type_reason, "line 3: \"soon\" is not a date");
}

TEST(TypeInferenceTest, ProseIsText) {
  std::vector<std::string> cells;
  for (int i = 0; i < 40; ++i)
    cells.push_back("the patient reported pain number " + std::to_string(i));
  Column c = Infer("notes", cells);
  EXPECT_EQ(c.type, ColumnType::kText);
  EXPECT_NE(c.type_reason.find("free text"), std::string::npos);
  EXPECT_EQ(c.levels.size(), 40u);
  EXPECT_FALSE(c.likely_id);
  // Few repeated phrases stay categorical.
  EXPECT_EQ(Infer("s", Repeat({"very good indeed", "not good at all"}, 40)).type,
            ColumnType::kCategorical);
}

TEST(TypeInferenceTest, LowCardinalityIntegerIdCodesAreCategorical) {
  Column c = Infer("admission_type_id", Numbered("", 200, 8));
  EXPECT_EQ(c.type, ColumnType::kCategorical);
  EXPECT_EQ(c.levels.size(), 8u);
  EXPECT_EQ(c.levels[3], "3");
  EXPECT_EQ(c.distinct, 8u);
  EXPECT_NE(c.type_reason.find("integer codes with 8 distinct values"), std::string::npos);
  EXPECT_EQ(Infer("discharge_code", Numbered("", 200, 26)).type, ColumnType::kCategorical);
  EXPECT_EQ(Infer("SourceID", Numbered("", 200, 17)).type, ColumnType::kCategorical);
  // Not for other names, nor for many distinct codes.
  EXPECT_EQ(Infer("paid", Numbered("", 200, 2)).type, ColumnType::kInteger);
  EXPECT_EQ(Infer("zip_code", Numbered("", 1000, 500)).type, ColumnType::kInteger);
}

TEST(TypeInferenceTest, UniqueIntegerColumnIsAnId) {
  Column c = Infer("encounter_id", Numbered("", 1000, 1000));
  EXPECT_EQ(c.type, ColumnType::kInteger);
  EXPECT_TRUE(c.is_id);
  EXPECT_FALSE(c.likely_id);
  EXPECT_EQ(c.distinct, 1000u);
  // Unique strings too; but not with fewer than 20 rows.
  EXPECT_TRUE(Infer("key", Numbered("k", 50, 50)).is_id);
  EXPECT_FALSE(Infer("encounter_id", Numbered("", 19, 19)).is_id);
}

TEST(TypeInferenceTest, HighCardinalityKeyNamedLikeAnIdIsLikelyId) {
  // Like patient_nbr: integers, 70% distinct.
  Column c = Infer("patient_nbr", Numbered("", 1000, 700));
  EXPECT_EQ(c.type, ColumnType::kInteger);
  EXPECT_FALSE(c.is_id);
  EXPECT_TRUE(c.likely_id);
  EXPECT_EQ(c.distinct, 700u);
  // Like adult's fnlwgt: 58% distinct integers, but not named like a key.
  Column w = Infer("fnlwgt", Numbered("", 1000, 580));
  EXPECT_FALSE(w.is_id);
  EXPECT_FALSE(w.likely_id);
  // Strings need no telling name; fewer than 100 distinct are never likely ids.
  EXPECT_TRUE(Infer("ticket", Numbered("T", 1000, 600)).likely_id);
  EXPECT_FALSE(Infer("ticket", Numbered("T", 150, 90)).likely_id);
}

TEST(TypeInferenceTest, NumericColumnsAreNeverIds) {
  std::vector<std::string> cells;
  for (int i = 0; i < 100; ++i)
    cells.push_back(std::to_string(i) + ".5");
  Column c = Infer("weight_id", cells);
  EXPECT_EQ(c.type, ColumnType::kNumeric);
  EXPECT_FALSE(c.is_id);
  EXPECT_EQ(c.distinct, 100u);
}

TEST(TypeInferenceTest, MissingAndDistinctAreCountedForEveryType) {
  Column n = Infer("n", {"1", "", "1", "2.5", "-0", "0"});
  EXPECT_EQ(n.missing, 1u);
  EXPECT_EQ(n.distinct, 3u);  // 1, 2.5, 0 (-0 is 0)
  Column c = Infer("c", {"b", "a", "", "b"});
  EXPECT_EQ(c.missing, 1u);
  EXPECT_EQ(c.distinct, 2u);
  EXPECT_EQ(c.levels, (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(c.codes, (std::vector<std::int32_t>{0, 1, -1, 0}));
}

TEST(TypeInferenceTest, QuotedNumbersAreNumbers) {
  Column c = Infer("q", {"\"1\"", "\"2\""});
  EXPECT_EQ(c.type, ColumnType::kInteger);
  EXPECT_EQ(Infer("q", {"1", "\"a\"\"b\""}).type, ColumnType::kCategorical);
}

}  // namespace
}  // namespace kiln
