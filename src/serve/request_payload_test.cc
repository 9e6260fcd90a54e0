#include "serve/request_payload.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

namespace kiln {
namespace {

Matrix Rows(MediaType type, std::string_view body, std::size_t cols) {
  Result<Matrix> m = ParseRows(type, body, cols);
  EXPECT_TRUE(m.ok()) << m.status().ToString();
  return m.ok() ? *m : Matrix();
}

std::string Error(MediaType type, std::string_view body, std::size_t cols) {
  Result<Matrix> m = ParseRows(type, body, cols);
  EXPECT_FALSE(m.ok());
  if (m.ok())
    return "";
  EXPECT_EQ(m.error().code(), StatusCode::kInvalidArgument);
  return m.error().message();
}

TEST(CsvPayload, RowsParseIntoAMatrix) {
  const Matrix m = Rows(MediaType::kCsv, "1,2.5,-3\n4e1,+5,0.25", 3);
  ASSERT_EQ(m.rows, 2u);
  ASSERT_EQ(m.cols, 3u);
  EXPECT_EQ(m.at(0, 1), 2.5f);
  EXPECT_EQ(m.at(0, 2), -3.0f);
  EXPECT_EQ(m.at(1, 0), 40.0f);
  EXPECT_EQ(m.at(1, 1), 5.0f);
}

TEST(CsvPayload, CrlfLineEndingsAndATrailingNewlineAreFine) {
  const Matrix m = Rows(MediaType::kCsv, "1,2\r\n3,4\r\n", 2);
  ASSERT_EQ(m.rows, 2u);
  EXPECT_EQ(m.at(1, 1), 4.0f);
}

TEST(CsvPayload, BlankLinesAreSkippedAndLineNumbersStayTrue) {
  const Matrix m = Rows(MediaType::kCsv, "1,2\n\n  \n3,4\n", 2);
  EXPECT_EQ(m.rows, 2u);
  EXPECT_NE(Error(MediaType::kCsv, "1,2\n\n3,x\n", 2).find("line 3, column 2"), std::string::npos);
}

TEST(CsvPayload, AnEmptyFieldIsAMissingValue) {
  const Matrix m = Rows(MediaType::kCsv, "1,,3\n, 2 ,", 3);
  EXPECT_TRUE(std::isnan(m.at(0, 1)));
  EXPECT_TRUE(std::isnan(m.at(1, 0)));
  EXPECT_EQ(m.at(1, 1), 2.0f);
  EXPECT_TRUE(std::isnan(m.at(1, 2)));
}

TEST(CsvPayload, AByteOrderMarkIsSkipped) {
  EXPECT_EQ(Rows(MediaType::kCsv,
                 "\xEF\xBB\xBF"
                 "1,2",
                 2)
                .at(0, 0),
            1.0f);
}

TEST(CsvPayload, AQuotedFieldIsRefusedNamingLineAndColumn) {
  const std::string e = Error(MediaType::kCsv, "1,2\n3,\"4\"\n", 2);
  EXPECT_NE(e.find("line 2, column 2"), std::string::npos) << e;
  EXPECT_NE(e.find("quoted"), std::string::npos) << e;
}

TEST(CsvPayload, ANonNumberIsRefusedNamingLineAndColumn) {
  const std::string e = Error(MediaType::kCsv, "1,2,3\n4,abc,6\n", 3);
  EXPECT_NE(e.find("line 2, column 2: \"abc\" is not a number"), std::string::npos) << e;
}

TEST(CsvPayload, AHeaderRowGetsAHint) {
  const std::string e = Error(MediaType::kCsv, "a,b\n1,2\n", 2);
  EXPECT_NE(e.find("line 1, column 1"), std::string::npos) << e;
  EXPECT_NE(e.find("no header"), std::string::npos) << e;
}

TEST(CsvPayload, TheWrongColumnCountNamesTheLine) {
  EXPECT_NE(Error(MediaType::kCsv, "1,2,3\n1,2\n", 3).find("line 2: 2 values, the model takes 3"),
            std::string::npos);
  EXPECT_NE(Error(MediaType::kCsv, "1,2,3,4\n", 3).find("line 1: 4 values"), std::string::npos);
}

TEST(CsvPayload, AnEmptyBodyOrOnlyBlankLinesIsRefused) {
  EXPECT_NE(Error(MediaType::kCsv, "", 2).find("empty"), std::string::npos);
  EXPECT_NE(Error(MediaType::kCsv, "\n\r\n", 2).find("no rows"), std::string::npos);
}

TEST(CsvPayload, AnOutOfRangeNumberIsRefused) {
  EXPECT_NE(Error(MediaType::kCsv, "1e999", 1).find("is not a number"), std::string::npos);
}

TEST(JsonPayload, InstancesWithFeatures) {
  const Matrix m =
      Rows(MediaType::kJson, R"({"instances":[{"features":[1,2]},{"features":[3,4.5]}]})", 2);
  ASSERT_EQ(m.rows, 2u);
  EXPECT_EQ(m.at(1, 1), 4.5f);
}

TEST(JsonPayload, InstancesAsLists) {
  EXPECT_EQ(Rows(MediaType::kJson, R"({"instances":[[1,2],[3,4]]})", 2).rows, 2u);
}

TEST(JsonPayload, OneRowOfFeatures) {
  EXPECT_EQ(Rows(MediaType::kJson, R"({"features":[1,2,3]})", 3).rows, 1u);
}

TEST(JsonPayload, BareArraysAreOneRowOrManyRows) {
  EXPECT_EQ(Rows(MediaType::kJson, "[1,2]", 2).rows, 1u);
  EXPECT_EQ(Rows(MediaType::kJson, "[[1,2],[3,4],[5,6]]", 2).rows, 3u);
}

TEST(JsonPayload, SageMakersDataFeaturesValuesForm) {
  const Matrix m =
      Rows(MediaType::kJson, R"({"instances":[{"data":{"features":{"values":[7,8]}}}]})", 2);
  EXPECT_EQ(m.at(0, 1), 8.0f);
}

TEST(JsonPayload, NullIsAMissingValue) {
  EXPECT_TRUE(std::isnan(Rows(MediaType::kJson, "[1,null]", 2).at(0, 1)));
}

TEST(JsonPayload, AStringValueIsRefusedNamingInstanceAndFeature) {
  const std::string e = Error(MediaType::kJson, R"({"instances":[[1,2],[3,"x"]]})", 2);
  EXPECT_NE(e.find("instance 2, feature 2"), std::string::npos) << e;
}

TEST(JsonPayload, InvalidJsonIsRefused) {
  EXPECT_NE(Error(MediaType::kJson, "{\"instances\": [", 2).find("not valid JSON"),
            std::string::npos);
}

TEST(JsonPayload, TheWrongWidthNamesTheInstance) {
  EXPECT_NE(Error(MediaType::kJson, R"({"instances":[[1,2],[3]]})", 2).find("instance 2: 1 value"),
            std::string::npos);
}

TEST(JsonPayload, AnUnknownShapeSaysWhatIsExpected) {
  EXPECT_NE(Error(MediaType::kJson, R"({"rows":[[1]]})", 1).find("\"instances\""),
            std::string::npos);
  EXPECT_NE(Error(MediaType::kJson, "42", 1).find("\"instances\""), std::string::npos);
  EXPECT_NE(Error(MediaType::kJson, R"({"instances":[]})", 1).find("no rows"), std::string::npos);
}

TEST(JsonPayload, NumbersAreReadAsJsonWritesThem) {
  const Matrix m =
      Rows(MediaType::kJson, "[1e3, -0.5, 1E-2, 12345678901234567890123, 0, 1e400, -1e400]", 7);
  EXPECT_EQ(m.at(0, 0), 1000.0f);
  EXPECT_EQ(m.at(0, 1), -0.5f);
  EXPECT_EQ(m.at(0, 2), 0.01f);
  EXPECT_EQ(m.at(0, 3), 1.2345679e22f);
  EXPECT_EQ(m.at(0, 4), 0.0f);
  EXPECT_EQ(m.at(0, 5), std::numeric_limits<float>::infinity());  // as std::strtod reads it
  EXPECT_EQ(m.at(0, 6), -std::numeric_limits<float>::infinity());
  for (const char* bad : {"[01, 2]", "[1., 2]", "[2x, 1]", "[-, 1]", "[1e, 1]", "[+1, 2]"})
    EXPECT_NE(Error(MediaType::kJson, bad, 2).find("is not valid JSON"), std::string::npos) << bad;
}

TEST(JsonPayload, InvalidJsonNamesWhereItIsWrong) {
  EXPECT_EQ(Error(MediaType::kJson, "{\"instances\": [[1, 2],\n  [3 4]]}", 2),
            "the request body is not valid JSON: a comma, colon, bracket or brace is missing or "
            "out of place at line 2, column 6");
  EXPECT_EQ(Error(MediaType::kJson, "[[1, 2]] [[3, 4]]", 2),
            "the request body is not valid JSON: unexpected text after the JSON value at line 1, "
            "column 10");
  EXPECT_EQ(Error(MediaType::kJson, "{\"instances\": [[1, 2]]} x", 2),
            "the request body is not valid JSON: an array or object is not closed, or text "
            "follows it at line 1, column 1");
  EXPECT_NE(Error(MediaType::kJson, "[[1, tru]]", 2).find("not valid JSON"), std::string::npos);
  EXPECT_NE(Error(MediaType::kJson, "[\"unclosed, 2]", 2).find("not valid JSON"),
            std::string::npos);
  EXPECT_EQ(Error(MediaType::kJsonLines, "[1,2]\n[1, 2,]\n", 2).substr(0, 25),
            "line 2 is not valid JSON:");
}

TEST(JsonPayload, DeepNestingIsRefusedCleanly) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_NE(Error(MediaType::kJson, deep, 1).find("instance 1"), std::string::npos);
  EXPECT_NE(Error(MediaType::kJson, std::string(100000, '['), 1).find("not valid JSON"),
            std::string::npos);
  const std::string nested_value = "[[1, " + deep + "]]";
  EXPECT_NE(Error(MediaType::kJson, nested_value, 2).find("instance 1, feature 2"),
            std::string::npos);
}

// A 20-feature row as a JSON list.
std::string JsonRow(int seed) {
  std::string row = "[";
  for (int c = 0; c < 20; ++c)
    row += (c ? ", " : "") + std::to_string(seed % 97 + c) + "." + std::to_string(c);
  return row + "]";
}

TEST(JsonPayload, ASevenMegabyteBodyParsesAndTheParserIsReused) {
  std::string body = "{\"instances\": [";
  int rows = 0;
  for (; body.size() < (7u << 20); ++rows)
    body += (rows ? ", " : "") + JsonRow(rows);
  body += "]}";
  JsonParser json;
  Matrix m;
  ASSERT_TRUE(ParseRowsInto(MediaType::kJson, body, 20, &m, &json).ok());
  ASSERT_EQ(m.rows, static_cast<std::size_t>(rows));
  EXPECT_EQ(m.at(static_cast<std::size_t>(rows - 1), 19),
            static_cast<float>((rows - 1) % 97 + 19.19));
  // Small bodies after it, with the same parser and rows: the rows' storage is reused.
  ASSERT_TRUE(ParseRowsInto(MediaType::kJson, JsonRow(3), 20, &m, &json).ok());
  const float* values = m.values.data();
  ASSERT_TRUE(
      ParseRowsInto(MediaType::kJsonLines, JsonRow(4) + "\n" + JsonRow(5), 20, &m, &json).ok());
  EXPECT_EQ(m.values.data(), values);
  EXPECT_EQ(m.rows, 2u);
  EXPECT_EQ(m.at(1, 1), 6.1f);
}

TEST(JsonPayload, ABodyWithPaddingAfterItIsReadInPlace) {
  const std::string body = R"({"instances": [[1.5, 2], [null, -3e2]]})";
  std::string buffer = body + std::string(64, '7');  // readable bytes of anything after it
  const std::string_view in_place(buffer.data(), body.size());
  JsonParser json;
  Matrix m;
  ASSERT_TRUE(ParseRowsInto(MediaType::kJson, in_place, 2, &m, &json, 64).ok());
  EXPECT_EQ(json.last_copied(), 0u);
  ASSERT_EQ(m.rows, 2u);
  EXPECT_EQ(m.values[0], 1.5f);
  EXPECT_EQ(m.values[1], 2.0f);
  EXPECT_TRUE(std::isnan(m.values[2]));
  EXPECT_EQ(m.values[3], -300.0f);
  ASSERT_TRUE(ParseRowsInto(MediaType::kJson, in_place, 2, &m, &json).ok());
  EXPECT_EQ(json.last_copied(), body.size());  // no padding promised: copied first
  EXPECT_EQ(m.values[3], -300.0f);
}

TEST(JsonPayload, TheObjectFormsFindTheirKeysInAnyOrder) {
  EXPECT_EQ(Rows(MediaType::kJson, R"({"id": 7, "features": [1, 2]})", 2).at(0, 1), 2.0f);
  EXPECT_EQ(Rows(MediaType::kJson, R"({"instances": [[1, 2]], "features": [3]})", 2).at(0, 0),
            1.0f);
  EXPECT_EQ(Rows(MediaType::kJson,
                 R"({"x": [1], "instances": [{"data": {"features": {"values": [5, 6]}}}]})", 2)
                .at(0, 1),
            6.0f);
  EXPECT_NE(Error(MediaType::kJson, R"({"instances": {"features": [1]}})", 1)
                .find("\"instances\" must be a list of rows"),
            std::string::npos);
  EXPECT_EQ(Error(MediaType::kJson, R"([[1], 2])", 1),
            "instance 2: a row is a list of values or {\"features\": [values]}");
  EXPECT_EQ(Error(MediaType::kJson, R"([1, "a"])", 2),
            "instance 1: a row is a list of values or {\"features\": [values]}");
  EXPECT_EQ(Error(MediaType::kJson, R"([[1, "a"]])", 2),
            "instance 1, feature 2: \"\"a\"\" is not a number");
}

TEST(JsonLinesPayload, OneRowPerLine) {
  const Matrix m = Rows(MediaType::kJsonLines, "[1,2]\n{\"features\":[3,4]}\n\n", 2);
  ASSERT_EQ(m.rows, 2u);
  EXPECT_EQ(m.at(1, 0), 3.0f);
}

TEST(JsonLinesPayload, ErrorsNameTheLine) {
  EXPECT_NE(Error(MediaType::kJsonLines, "[1,2]\n[1,2\n", 2).find("line 2 is not valid JSON"),
            std::string::npos);
  EXPECT_NE(Error(MediaType::kJsonLines, "[1,2]\n[1,true]\n", 2).find("line 2, feature 2"),
            std::string::npos);
}

TEST(MediaTypes, ContentTypesIgnoreParametersAndCase) {
  EXPECT_EQ(ParseContentType("text/csv"), MediaType::kCsv);
  EXPECT_EQ(ParseContentType("Text/CSV; charset=utf-8"), MediaType::kCsv);
  EXPECT_EQ(ParseContentType(""), MediaType::kCsv);
  EXPECT_EQ(ParseContentType("application/json"), MediaType::kJson);
  EXPECT_EQ(ParseContentType("application/jsonlines"), MediaType::kJsonLines);
  EXPECT_EQ(ParseContentType("application/x-jsonlines"), MediaType::kJsonLines);
  EXPECT_FALSE(ParseContentType("application/x-npy").has_value());
  EXPECT_FALSE(ParseContentType("text/libsvm").has_value());
}

TEST(MediaTypes, AcceptPicksTheFirstSupportedEntry) {
  EXPECT_EQ(NegotiateAccept("", MediaType::kJson), MediaType::kJson);
  EXPECT_EQ(NegotiateAccept("*/*", MediaType::kCsv), MediaType::kCsv);
  EXPECT_EQ(NegotiateAccept("application/json", MediaType::kCsv), MediaType::kJson);
  EXPECT_EQ(NegotiateAccept("application/x-npy, text/csv;q=0.5", MediaType::kJson),
            MediaType::kCsv);
  EXPECT_FALSE(NegotiateAccept("application/x-npy", MediaType::kCsv).has_value());
}

}  // namespace
}  // namespace kiln
