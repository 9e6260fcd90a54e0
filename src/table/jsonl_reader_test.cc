// Tests of JSON Lines reading through the public API.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "table/table_reader.h"

namespace kiln {
namespace {

Result<Table> ParseJsonl(std::string_view text, ReadOptions options = {}) {
  options.format = FileFormat::kJsonLines;
  return ParseTable(text, "t.jsonl", options);
}

const Column& Col(const Table& t, const std::string& name) {
  int i = t.Find(name);
  EXPECT_GE(i, 0) << name;
  return t.columns.at(static_cast<std::size_t>(i < 0 ? 0 : i));
}

TEST(JsonLinesReaderTest, KeysBecomeColumnsInOrderOfFirstAppearance) {
  Table t = ParseJsonl(
                "{\"b\": \"x\", \"a\": 1}\n"
                "\n"
                "{\"c\": true, \"a\": 2}\n"
                "{\"b\": null, \"a\": 3.5}\n")
                .value();
  EXPECT_EQ(t.num_rows, 3u);
  ASSERT_EQ(t.columns.size(), 3u);
  EXPECT_EQ(t.columns[0].name, "b");
  EXPECT_EQ(t.columns[1].name, "a");
  EXPECT_EQ(t.columns[2].name, "c");
  EXPECT_EQ(Col(t, "a").type, ColumnType::kNumeric);
  EXPECT_EQ(Col(t, "a").values, (std::vector<double>{1, 2, 3.5}));
  EXPECT_EQ(Col(t, "b").type, ColumnType::kCategorical);
  EXPECT_EQ(Col(t, "b").missing, 2u);  // absent and null
  EXPECT_EQ(Col(t, "b").codes, (std::vector<std::int32_t>{0, -1, -1}));
  EXPECT_EQ(Col(t, "c").type, ColumnType::kBoolean);
  EXPECT_EQ(Col(t, "c").missing, 2u);
  EXPECT_EQ(Col(t, "c").values[1], 1);
}

TEST(JsonLinesReaderTest, StringsAreInferredLikeCsvCells) {
  Table t =
      ParseJsonl("{\"d\": \"2020-01-01\", \"s\": \"NA\"}\n{\"d\": \"2020-01-02\", \"s\": \"b\"}\n")
          .value();
  EXPECT_EQ(Col(t, "d").type, ColumnType::kDatetime);
  EXPECT_EQ(Col(t, "s").levels, (std::vector<std::string>{"NA", "b"}));
  EXPECT_EQ(Col(t, "s").missing, 0u);
}

TEST(JsonLinesReaderTest, AutoFormatUsesTheExtensionEvenWhenGzipped) {
  EXPECT_TRUE(ParseTable("{\"a\": 1}\n", "x.ndjson", {}).ok());
  EXPECT_TRUE(ParseTable("{\"a\": 1}\n", "x.JSONL.gz", {}).ok());
}

TEST(JsonLinesReaderTest, NestedValueIsAnErrorNamingLineAndKey) {
  EXPECT_EQ(ParseJsonl("{\"a\": 1}\n{\"a\": 2, \"tags\": [1, 2]}\n").error().message(),
            "t.jsonl: line 2, key \"tags\": nested arrays and objects are not supported; flatten "
            "the value into separate keys");
  EXPECT_NE(ParseJsonl("{\"a\": {\"b\": 1}}\n").error().message().find("line 1, key \"a\""),
            std::string::npos);
}

TEST(JsonLinesReaderTest, InvalidJsonNamesTheLine) {
  std::string msg = ParseJsonl("{\"a\": 1}\n{\"a\": }\n").error().message();
  EXPECT_EQ(msg.rfind("t.jsonl: line 2: invalid JSON", 0), 0u) << msg;
  msg = ParseJsonl("{\"a\": \"\xff\"}\n").error().message();
  EXPECT_EQ(msg.rfind("t.jsonl: line 1: invalid JSON", 0), 0u) << msg;
}

TEST(JsonLinesReaderTest, LineThatIsNotAnObjectIsAnError) {
  std::string msg = ParseJsonl("{\"a\": 1}\n[1, 2]\n").error().message();
  EXPECT_EQ(msg.rfind("t.jsonl: line 2: expected a JSON object", 0), 0u) << msg;
}

TEST(JsonLinesReaderTest, EmptyFileIsAnError) {
  EXPECT_EQ(ParseJsonl("").error().message(), "t.jsonl: file is empty");
  EXPECT_EQ(ParseJsonl("\n  \n").error().message(), "t.jsonl: file is empty");
}

TEST(JsonLinesReaderTest, SchemaMismatchNamesLineColumnAndValue) {
  ReadOptions o;
  o.schema = {{"age", ColumnType::kInteger}};
  EXPECT_EQ(ParseJsonl("{\"age\": 1}\n{\"age\": \"abc\"}\n", o).error().message(),
            "t.jsonl: line 2, column \"age\": \"abc\" is not a number (the model was trained "
            "with \"age\" as integer)");
}

TEST(JsonLinesReaderTest, IdRulesApply) {
  std::string text;
  for (int i = 0; i < 100; ++i)
    text += "{\"user_id\": " + std::to_string(1000 + i) + "}\n";
  Table t = ParseJsonl(text).value();
  EXPECT_TRUE(Col(t, "user_id").is_id);
}

}  // namespace
}  // namespace kiln
