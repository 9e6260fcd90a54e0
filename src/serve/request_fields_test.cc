// Request bodies as text fields (RFC 4180 CSV, JSON, JSON Lines) and their decoding into a model's
// input columns: views into the body, quoting, missing values, and errors naming row and column.
#include "serve/request_fields.h"

#include <gtest/gtest.h>

#include <cmath>
#include <tuple>

#include "common/file_util.h"
#include "infer/input_rows.h"
#include "infer/internal/xgboost_test_util.h"
#include "serve/input_decoder.h"
#include "serve/internal/serve_test_util.h"
#include "serve/predictor.h"
#include "table/table_reader.h"

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

TEST(JsonFields, NumbersKeepTheirTextAsSent) {
  const std::string body = "[1.0, 1e3 , -0, 12345678901234567890123, 2.50E+2\n, 7]";
  const FieldRows f = Fields(MediaType::kJson, body, 6);
  ASSERT_EQ(f.rows, 1u);
  EXPECT_EQ(f.at(0, 0), "1.0");
  EXPECT_EQ(f.at(0, 1), "1e3");
  EXPECT_EQ(f.at(0, 2), "-0");
  EXPECT_EQ(f.at(0, 3), "12345678901234567890123");
  EXPECT_EQ(f.at(0, 4), "2.50E+2");
  EXPECT_EQ(f.at(0, 5), "7");
  for (std::size_t c = 0; c < 6; ++c)
    EXPECT_TRUE(Inside(f.at(0, c), body)) << c;
  for (const char* bad : {"[01, 2]", "[1., 2]", "[2x, 1]", "[-, 1]", "[1e+, 1]"})
    EXPECT_NE(Error(MediaType::kJson, bad, 2).find("is not valid JSON"), std::string::npos) << bad;
}

TEST(JsonFields, ABodyWithPaddingAfterItIsReadInPlaceWhateverThePaddingHolds) {
  // As an inline request's body sits in the server's buffer: followed by 64 readable bytes of
  // anything (here digits, quotes and brackets that would change the parse if they were read as
  // JSON).
  const std::string row = R"({"instances": [["a\"b", 1.0, 12], ["x", -3e2, null]]})";
  const std::string lines = "[\"a\", 1.0]\n[\"b\", 2]";
  for (const auto& [type, body, cols] :
       {std::tuple{MediaType::kJson, row, std::size_t{3}},
        std::tuple{MediaType::kJsonLines, lines, std::size_t{2}}}) {
    std::string buffer = body + std::string(64, '9');
    for (std::size_t i = 0; i < 64; i += 4)
      buffer[body.size() + i] = "\"]1,"[i / 4 % 4];
    const std::string_view in_place(buffer.data(), body.size());
    FieldRows padded, copied;
    ASSERT_TRUE(ParseFieldsInto(type, in_place, cols, &padded, 64).ok());
    EXPECT_EQ(padded.json.last_copied(), 0u);  // read where it is
    ASSERT_TRUE(ParseFieldsInto(type, in_place, cols, &copied, 63).ok());
    EXPECT_EQ(copied.json.last_copied(), body.size());  // too little padding: copied first
    ASSERT_EQ(padded.rows, copied.rows);
    for (std::size_t r = 0; r < padded.rows; ++r) {
      for (std::size_t c = 0; c < cols; ++c) {
        EXPECT_EQ(padded.at(r, c), copied.at(r, c)) << r << "," << c;
        EXPECT_TRUE(padded.at(r, c).empty() || Inside(padded.at(r, c), in_place) ||
                    Inside(padded.at(r, c), padded.scratch));
      }
    }
  }
  // Invalid JSON is found as such however the padding reads.
  std::string buffer = std::string(R"({"instances": [[1, 2)") + std::string(64, ']');
  FieldRows f;
  const Status s = ParseFieldsInto(MediaType::kJson,
                                   std::string_view(buffer.data(), buffer.size() - 64), 2, &f, 64);
  EXPECT_NE(s.message().find("is not valid JSON"), std::string::npos) << s.ToString();
}

TEST(JsonFields, StringsAreViewsIntoTheBodyAndEscapedOnesAreUnescapedIntoScratch) {
  const std::string body =
      R"({"instances": [["plain", "a\nb", "say \"hi\"", "caf\u00e9", "\ud83d\ude00", true, false]]})";
  const FieldRows f = Fields(MediaType::kJson, body, 7);
  ASSERT_EQ(f.rows, 1u);
  EXPECT_EQ(f.at(0, 0), "plain");
  EXPECT_EQ(f.at(0, 1), "a\nb");
  EXPECT_EQ(f.at(0, 2), "say \"hi\"");
  EXPECT_EQ(f.at(0, 3), "caf\xC3\xA9");
  EXPECT_EQ(f.at(0, 4), "\xF0\x9F\x98\x80");
  EXPECT_EQ(f.at(0, 5), "true");
  EXPECT_EQ(f.at(0, 6), "false");
  EXPECT_TRUE(Inside(f.at(0, 0), body));
  EXPECT_TRUE(Inside(f.at(0, 5), body));
  EXPECT_TRUE(Inside(f.at(0, 6), body));
  for (std::size_t c = 1; c <= 4; ++c)
    EXPECT_TRUE(Inside(f.at(0, c), f.scratch)) << c;
  EXPECT_LE(body.size(), f.scratch.capacity());  // reserved once: the views never move
}

TEST(JsonFields, InvalidJsonNamesWhereItIsWrong) {
  EXPECT_EQ(Error(MediaType::kJson, "[[\"a\", 1],\n [\"b\" 2]]", 2),
            "the request body is not valid JSON: a comma, colon, bracket or brace is missing or "
            "out of place at line 2, column 7");
  EXPECT_EQ(Error(MediaType::kJson, "[\"a\\qb\", 1]", 2),
            "the request body is not valid JSON: a string holds an invalid escape at line 1, "
            "column 2");
  EXPECT_EQ(Error(MediaType::kJson, "[\"a\tb\", 1]", 2),
            "the request body is not valid JSON: a string holds a control character (write it "
            "escaped, e.g. \\n)");
  EXPECT_EQ(Error(MediaType::kJsonLines, "[\"a\", 1]\n[\"b\", 1,]\n", 2).substr(0, 25),
            "line 2 is not valid JSON:");
  EXPECT_EQ(Error(MediaType::kJsonLines, "[\"a\", 1]\n[\"b\", 1] [\"c\", 2]\n", 2),
            "line 2 is not valid JSON: unexpected text after the JSON value at column 10");
  EXPECT_EQ(Error(MediaType::kJson, "[\"\xff\", 1]", 2),
            "the request body is not valid JSON: it is not valid UTF-8");
}

TEST(JsonFields, DeepNestingIsRefusedCleanly) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_NE(Error(MediaType::kJson, "[[\"a\", " + deep + "]]", 2).find("instance 1, feature 2"),
            std::string::npos);
  EXPECT_NE(Error(MediaType::kJsonLines, deep, 1).find("line 1"), std::string::npos);
}

TEST(JsonFields, ASevenMegabyteBodyIsViewsIntoItAndIntoScratch) {
  std::string body = "{\"instances\": [";
  std::size_t rows = 0;
  for (; body.size() < (7u << 20); ++rows) {
    body += (rows ? ", " : "");
    body += "[\"row " + std::to_string(rows) + "\", \"tab\\tin\", " + std::to_string(rows) +
            ".0, null, true]";
  }
  body += "]}";
  FieldRows f;
  ASSERT_TRUE(ParseFieldsInto(MediaType::kJson, body, 5, &f).ok());
  ASSERT_EQ(f.rows, rows);
  const std::size_t last = rows - 1;
  EXPECT_EQ(f.at(last, 0), "row " + std::to_string(last));
  EXPECT_EQ(f.at(last, 1), "tab\tin");
  EXPECT_EQ(f.at(last, 2), std::to_string(last) + ".0");
  EXPECT_TRUE(f.at(last, 3).empty());
  for (std::size_t r = 0; r < rows; ++r) {
    ASSERT_TRUE(Inside(f.at(r, 0), body) && Inside(f.at(r, 2), body) && Inside(f.at(r, 4), body));
    ASSERT_TRUE(Inside(f.at(r, 1), f.scratch)) << r;
  }
  // The same FieldRows reads a small body next (its parser's big buffers were let go).
  const std::string small = "[\"x\", \"y\", 1, 2, 3]";
  ASSERT_TRUE(ParseFieldsInto(MediaType::kJson, small, 5, &f).ok());
  EXPECT_EQ(f.rows, 1u);
  EXPECT_TRUE(Inside(f.at(0, 1), small));
}

TEST(JsonLinesFields, FieldsAreViewsIntoTheBody) {
  const std::string body = "[\"a\", 1.50]\r\n{\"features\": [\"b\", 2e0]}\n";
  const FieldRows f = Fields(MediaType::kJsonLines, body, 2);
  ASSERT_EQ(f.rows, 2u);
  EXPECT_EQ(f.at(0, 1), "1.50");
  EXPECT_EQ(f.at(1, 1), "2e0");
  for (std::size_t r = 0; r < 2; ++r) {
    for (std::size_t c = 0; c < 2; ++c)
      EXPECT_TRUE(Inside(f.at(r, c), body)) << r << "," << c;
  }
}

// A model trained on a CSV whose "member" column holds True/False (read as a boolean column) and
// whose "code" column holds texts such as 1.0 (a categorical column: "1.0" and "x" are levels):
// JSON true and 1.0 predict what the CSV cells True and 1.0 do.
TEST(JsonFields, TrueAndNumbersPredictAsTheirCsvCellsDo) {
  std::string csv = "amount,member,code,target\n";
  for (int i = 0; i < 200; ++i) {
    const bool member = i % 3 == 0;
    const char* code = i % 4 == 0 ? "1.0" : i % 4 == 1 ? "2.5" : i % 4 == 2 ? "x" : "1";
    const bool y = (member && i % 4 != 2) || i % 4 == 0;
    csv += std::to_string(i % 17) + "," + (member ? "True" : "False") + "," + code + "," +
           (y ? "yes" : "no") + "\n";
  }
  const Result<Table> table = ParseTable(csv, "train.csv", ReadOptions());
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  const KilnModel model = infer_testing::TrainKilnEnsemble(*table, {"xgboost"});
  const std::vector<ColumnSchema> schema = model.InputSchema();
  ASSERT_EQ(schema.size(), 3u);
  EXPECT_EQ(schema[1].type, ColumnType::kBoolean);
  EXPECT_EQ(schema[2].type, ColumnType::kCategorical);
  serve_testing::TempDir dir;
  const std::string path = dir.path() + "/model.kiln";
  ASSERT_TRUE(model.Save(path).ok());
  const std::vector<TarEntry> files = {{"model.kiln", ReadFile(path).value()}};
  auto predictor = LoadPredictor(files, PredictorOptions{dir.path()});
  ASSERT_TRUE(predictor.ok()) << predictor.status().ToString();
  const Predictor& p = **predictor;
  ASSERT_TRUE(p.reads_fields());
  const auto predict = [&](MediaType type, std::string_view body) {
    return serve_testing::PredictFields(p, type, body);
  };
  const std::vector<double> from_csv =
      predict(MediaType::kCsv, "3,True,1.0\n3,False,1.0\n3,True,x\n5,TRUE,2.5\n");
  const std::vector<double> from_json = predict(
      MediaType::kJson, R"([[3, true, 1.0], [3, false, 1.0], [3, true, "x"], [5, true, 2.5]])");
  EXPECT_EQ(from_json, from_csv);
  // The level "1.0" is not the level "1": both were in the training file.
  EXPECT_NE(predict(MediaType::kJson, "[3, true, 1.0]"), predict(MediaType::kJson, "[3, true, 1]"));
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
