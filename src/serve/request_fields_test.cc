// Request bodies as text fields (RFC 4180 CSV, JSON, JSON Lines) and their decoding into a model's
// input columns: views into the body, quoting, missing values, and errors naming row and column.
#include "serve/request_fields.h"

#include <gtest/gtest.h>

#include <cmath>

#include "serve/input_decoder.h"

namespace kiln {
namespace {

FieldRows Fields(MediaType type, std::string_view body, std::size_t cols) {
  FieldRows f;
  const Status s = ParseFieldsInto(type, body, cols, &f);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return f;
}

std::string Error(MediaType type, std::string_view body, std::size_t cols) {
  FieldRows f;
  const Status s = ParseFieldsInto(type, body, cols, &f);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  return s.message();
}

bool Inside(std::string_view view, std::string_view body) {
  return view.data() >= body.data() && view.data() + view.size() <= body.data() + body.size();
}

TEST(CsvFields, FieldsAreViewsIntoTheBody) {
  const std::string body = "42,Private,,Bachelors\r\n\n29, Self-emp ,1.5,\"HS-grad\"\n";
  const FieldRows f = Fields(MediaType::kCsv, body, 4);
  ASSERT_EQ(f.rows, 2u);
  EXPECT_EQ(f.at(0, 0), "42");
  EXPECT_EQ(f.at(0, 1), "Private");
  EXPECT_TRUE(f.at(0, 2).empty());
  EXPECT_EQ(f.at(0, 3), "Bachelors");
  EXPECT_EQ(f.at(1, 1), " Self-emp ");  // text is kept as it is
  EXPECT_EQ(f.at(1, 3), "HS-grad");
  for (std::size_t r = 0; r < 2; ++r) {
    for (std::size_t c = 0; c < 4; ++c)
      EXPECT_TRUE(f.at(r, c).empty() || Inside(f.at(r, c), body)) << r << "," << c;
  }
  EXPECT_EQ(f.Where(1, 2), "line 3, column 3");
}

TEST(CsvFields, QuotedFieldsHoldCommasLineBreaksAndDoubledQuotes) {
  const std::string body = "\"a, b\",\"say \"\"hi\"\"\"\n\"two\nlines\",x\n\"\",\"\"\"\"";
  const FieldRows f = Fields(MediaType::kCsv, body, 2);
  ASSERT_EQ(f.rows, 3u);
  EXPECT_EQ(f.at(0, 0), "a, b");
  EXPECT_EQ(f.at(0, 1), "say \"hi\"");
  EXPECT_EQ(f.at(1, 0), "two\nlines");
  EXPECT_TRUE(f.at(2, 0).empty());
  EXPECT_EQ(f.at(2, 1), "\"");
  EXPECT_EQ(f.number, (std::vector<std::uint32_t>{1, 2, 4}));  // a record's first line
  EXPECT_EQ(f.at(1, 1), "x");
}

TEST(CsvFields, AQuoteInsideAnUnquotedFieldIsLiteralAndATrailingCommaIsAnEmptyField) {
  const FieldRows f = Fields(MediaType::kCsv, "5\"6,x,", 3);
  EXPECT_EQ(f.at(0, 0), "5\"6");
  EXPECT_TRUE(f.at(0, 2).empty());
}

TEST(CsvFields, StructuralErrorsNameLineAndColumn) {
  EXPECT_NE(Error(MediaType::kCsv, "1,\"open\n2,3", 2).find("line 1, column 2: a quoted field"),
            std::string::npos);
  EXPECT_NE(Error(MediaType::kCsv, "1,2\n\"a\"b,3", 2).find("line 2, column 1: unexpected text"),
            std::string::npos);
  EXPECT_NE(Error(MediaType::kCsv, "1,2,3\n1,\"a,b\"\n", 3).find("line 2: 2 values"),
            std::string::npos);
  EXPECT_NE(Error(MediaType::kCsv, "", 2).find("empty"), std::string::npos);
  EXPECT_NE(Error(MediaType::kCsv, "\n \r\n", 2).find("no rows"), std::string::npos);
}

TEST(CsvFields, ABodyParsedAgainReusesItsBuffers) {
  FieldRows f;
  ASSERT_TRUE(ParseFieldsInto(MediaType::kCsv, "\"a\"\"\",b\nc,d\n", 2, &f).ok());
  const auto* fields = f.fields.data();
  const auto* scratch = f.scratch.data();
  ASSERT_TRUE(ParseFieldsInto(MediaType::kCsv, "\"e\"\"\",f\n", 2, &f).ok());
  EXPECT_EQ(f.fields.data(), fields);
  EXPECT_EQ(f.scratch.data(), scratch);
  EXPECT_EQ(f.at(0, 0), "e\"");
}

TEST(JsonFields, StringsNumbersBooleansAndNull) {
  const FieldRows f =
      Fields(MediaType::kJson,
             R"({"instances":[{"features":[42,"Private",null,true]},[1.5,"",-7,false]]})", 4);
  ASSERT_EQ(f.rows, 2u);
  EXPECT_EQ(f.at(0, 0), "42");
  EXPECT_EQ(f.at(0, 1), "Private");
  EXPECT_TRUE(f.at(0, 2).empty());
  EXPECT_EQ(f.at(0, 3), "true");
  EXPECT_EQ(f.at(1, 0), "1.5");
  EXPECT_TRUE(f.at(1, 1).empty());
  EXPECT_EQ(f.at(1, 2), "-7");
  EXPECT_EQ(f.Where(1, 0), "instance 2, feature 1");
  EXPECT_EQ(Fields(MediaType::kJson, R"(["a", 1])", 2).rows, 1u);
  EXPECT_EQ(Fields(MediaType::kJson, R"([["a", 1], ["b", 2]])", 2).rows, 2u);
  EXPECT_EQ(Fields(MediaType::kJson, R"({"data":{"features":{"values":["x"]}}})", 1).at(0, 0), "x");
}

TEST(JsonFields, ErrorsNameTheInstance) {
  EXPECT_NE(Error(MediaType::kJson, R"([["a",1],["b"]])", 2).find("instance 2: 1 value"),
            std::string::npos);
  EXPECT_NE(Error(MediaType::kJson, R"([["a",[1]]])", 2).find("instance 1, feature 2"),
            std::string::npos);
  EXPECT_NE(Error(MediaType::kJson, "{", 2).find("not valid JSON"), std::string::npos);
}

TEST(JsonLinesFields, OneRowPerLine) {
  const FieldRows f = Fields(MediaType::kJsonLines, "[\"a\",1]\n\n{\"features\":[\"b\",2]}\n", 2);
  ASSERT_EQ(f.rows, 2u);
  EXPECT_EQ(f.at(1, 0), "b");
  EXPECT_EQ(f.Where(1, 1), "line 3, feature 2");
}

InputLayout Layout() {
  InputLayout layout;
  const std::vector<ColumnSchema> columns = {{"age", ColumnType::kInteger},
                                             {"job", ColumnType::kCategorical},
                                             {"when", ColumnType::kDatetime},
                                             {"vip", ColumnType::kBoolean},
                                             {"score", ColumnType::kNumeric}};
  for (const ColumnSchema& c : columns) {
    ModelInput in;
    in.schema = c;
    in.position = layout.inputs.size();
    in.number = IsNumberLike(c.type);
    in.slot = static_cast<std::uint32_t>(in.number ? layout.num_numbers++ : layout.num_texts++);
    layout.inputs.push_back(in);
  }
  layout.num_request_columns = columns.size() + 1;  // one request column the model does not use
  return layout;
}

std::string DecodeError(std::string_view body) {
  const FieldRows f = Fields(MediaType::kCsv, body, 6);
  InputRows rows;
  const Status s = DecodeFields(Layout(), f, &rows);
  EXPECT_FALSE(s.ok());
  return s.message();
}

TEST(DecodeFields, FieldsAreReadAsTheirTrainingTypes) {
  const InputLayout layout = Layout();
  const FieldRows f = Fields(
      MediaType::kCsv, " 42 ,Self-emp,2024-03-01 12:30,YES,-1.5e2,x\n,,,,,\n3.0,a,,no,7,y", 6);
  InputRows rows;
  ASSERT_TRUE(DecodeFields(layout, f, &rows).ok());
  ASSERT_EQ(rows.rows, 3u);
  EXPECT_EQ(rows.numbers[0], 42);
  EXPECT_EQ(rows.texts[0], "Self-emp");
  EXPECT_EQ(rows.numbers[1], 1709296200);  // 2024-03-01T12:30:00Z
  EXPECT_EQ(rows.numbers[2], 1);
  EXPECT_EQ(rows.numbers[3], -150);
  for (std::size_t s = 0; s < 4; ++s)
    EXPECT_TRUE(std::isnan(rows.numbers[4 + s])) << s;
  EXPECT_TRUE(rows.texts[1].empty());
  EXPECT_EQ(rows.numbers[8], 3);  // an integral real in an integer column
  EXPECT_EQ(rows.numbers[10], 0);
}

TEST(DecodeFields, AFieldThatDoesNotFitNamesRowColumnAndValue) {
  EXPECT_EQ(DecodeError("1,a,,,,\n2,b,,,abc,\n"),
            "line 2, column 5 (\"score\"): \"abc\" is not a number");
  EXPECT_EQ(DecodeError("1,a,,,,\n1.5,a,,,,\n"),
            "line 2, column 1 (\"age\"): \"1.5\" is not an integer");
  EXPECT_NE(DecodeError("1,a,2024-13-01,,,\n").find("is not a date"), std::string::npos);
  EXPECT_NE(DecodeError("1,a,,maybe,,\n").find("is not a boolean"), std::string::npos);
  EXPECT_NE(DecodeError("age,job,when,vip,score,x\n").find("(send no header row)"),
            std::string::npos);
}

}  // namespace
}  // namespace kiln
