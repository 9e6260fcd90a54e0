// Tests of CSV reading through the public API (ParseTable / ReadTable): format, errors, threads.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "table/table_reader.h"

namespace kiln {
namespace {

Result<Table> Parse(std::string_view csv, const ReadOptions& options = {}) {
  return ParseTable(csv, "t.csv", options);
}

const Column& Col(const Table& t, const std::string& name) {
  int i = t.Find(name);
  EXPECT_GE(i, 0) << name;
  return t.columns.at(static_cast<std::size_t>(i < 0 ? 0 : i));
}

std::string ErrorOf(std::string_view csv, const ReadOptions& options = {}) {
  Result<Table> r = Parse(csv, options);
  EXPECT_FALSE(r.ok());
  if (r.ok())
    return "";
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  return r.error().message();
}

std::string Gzip(const std::string& data) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY),
            Z_OK);
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string TempPath(const std::string& file) {
  auto dir = std::filesystem::temp_directory_path() /
             ("kiln-table-" +
              std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
  std::filesystem::create_directories(dir);
  return (dir / file).string();
}

void ExpectSameTable(const Table& a, const Table& b) {
  ASSERT_EQ(a.num_rows, b.num_rows);
  ASSERT_EQ(a.columns.size(), b.columns.size());
  for (std::size_t c = 0; c < a.columns.size(); ++c) {
    const Column& x = a.columns[c];
    const Column& y = b.columns[c];
    SCOPED_TRACE(x.name);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.type, y.type);
    EXPECT_EQ(x.type_reason, y.type_reason);
    EXPECT_EQ(x.missing, y.missing);
    EXPECT_EQ(x.distinct, y.distinct);
    EXPECT_EQ(x.is_id, y.is_id);
    EXPECT_EQ(x.likely_id, y.likely_id);
    EXPECT_EQ(x.levels, y.levels);
    EXPECT_EQ(x.codes, y.codes);
    ASSERT_EQ(x.values.size(), y.values.size());
    for (std::size_t r = 0; r < x.values.size(); ++r) {
      if (std::isnan(x.values[r])) {
        ASSERT_TRUE(std::isnan(y.values[r])) << r;
      } else {
        ASSERT_EQ(x.values[r], y.values[r]) << r;
      }
    }
  }
}

TEST(CsvReaderTest, HeaderNamesColumnsAndRowsBecomeValues) {
  Table t = Parse("a,b\n1,x\n2,y\n").value();
  EXPECT_EQ(t.source, "t.csv");
  EXPECT_EQ(t.num_rows, 2u);
  ASSERT_EQ(t.columns.size(), 2u);
  EXPECT_EQ(Col(t, "a").type, ColumnType::kInteger);
  EXPECT_EQ(Col(t, "a").values, (std::vector<double>{1, 2}));
  EXPECT_EQ(Col(t, "b").type, ColumnType::kCategorical);
  EXPECT_EQ(Col(t, "b").levels, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(Col(t, "b").codes, (std::vector<std::int32_t>{0, 1}));
}

TEST(CsvReaderTest, QuotedFieldMayContainDelimiterQuoteAndNewline) {
  Table t =
      Parse("name,n\n\"a,b\",1\n\"say \"\"hi\"\"\",2\n\"line1\nline2\",3\n\"a,b\",4\n").value();
  EXPECT_EQ(t.num_rows, 4u);
  EXPECT_EQ(Col(t, "name").levels, (std::vector<std::string>{"a,b", "say \"hi\"", "line1\nline2"}));
  EXPECT_EQ(Col(t, "name").codes, (std::vector<std::int32_t>{0, 1, 2, 0}));
  EXPECT_EQ(Col(t, "n").values, (std::vector<double>{1, 2, 3, 4}));
}

TEST(CsvReaderTest, QuotedHeaderNamesAreUnquoted) {
  Table t = Parse("\"x,y\",\"q\"\"\"\n1,2\n").value();
  EXPECT_EQ(t.columns[0].name, "x,y");
  EXPECT_EQ(t.columns[1].name, "q\"");
}

TEST(CsvReaderTest, CrlfLineEndingsAreNotPartOfValues) {
  Table t = Parse("a,b\r\n1,x\r\n2,\"y\"\r\n").value();
  EXPECT_EQ(t.columns[1].name, "b");
  EXPECT_EQ(Col(t, "a").type, ColumnType::kInteger);
  EXPECT_EQ(Col(t, "b").levels, (std::vector<std::string>{"x", "y"}));
}

TEST(CsvReaderTest, Utf8ByteOrderMarkIsSkipped) {
  Table t = Parse(
                "\xEF\xBB\xBF"
                "a,b\n1,2\n")
                .value();
  EXPECT_EQ(t.columns[0].name, "a");
}

TEST(CsvReaderTest, DelimiterIsDetectedAmongCommaSemicolonAndTab) {
  Table semi = Parse("a;b;c\n1;2,5;3\n4;5,5;6\n").value();
  ASSERT_EQ(semi.columns.size(), 3u);
  EXPECT_EQ(Col(semi, "b").levels, (std::vector<std::string>{"2,5", "5,5"}));
  Table tab = Parse("a\tb\n1\t2\n").value();
  EXPECT_EQ(tab.columns.size(), 2u);
  Table comma = Parse("a,b\n1;2,3\n").value();
  EXPECT_EQ(comma.columns.size(), 2u);
}

TEST(CsvReaderTest, DelimiterDetectionIgnoresDelimitersInsideQuotes) {
  Table t = Parse("\"x,y,z\";w\n\"1,2,3\";4\n").value();
  ASSERT_EQ(t.columns.size(), 2u);
  EXPECT_EQ(t.columns[0].name, "x,y,z");
}

TEST(CsvReaderTest, ExplicitDelimiterOverridesDetection) {
  ReadOptions o;
  o.delimiter = ';';
  Table t = Parse("a,b;c\n1,2;3\n", o).value();
  ASSERT_EQ(t.columns.size(), 2u);
  EXPECT_EQ(t.columns[0].name, "a,b");
}

TEST(CsvReaderTest, OnlyTheEmptyCellIsMissingByDefault) {
  Table t = Parse("a,b\nNA,1\nNone,\n?,3\n").value();
  const Column& a = Col(t, "a");
  EXPECT_EQ(a.type, ColumnType::kCategorical);
  EXPECT_EQ(a.missing, 0u);
  EXPECT_EQ(a.levels, (std::vector<std::string>{"NA", "None", "?"}));
  const Column& b = Col(t, "b");
  EXPECT_EQ(b.type, ColumnType::kInteger);
  EXPECT_EQ(b.missing, 1u);
  EXPECT_TRUE(b.IsMissing(1));
  EXPECT_FALSE(b.IsMissing(0));
}

TEST(CsvReaderTest, NaValuesAddMissingSpellings) {
  ReadOptions o;
  o.na_values = {"NA", "?"};
  Table t = Parse("a,b\nNA,1\nNone,?\n?,3\n", o).value();
  EXPECT_EQ(Col(t, "a").missing, 2u);
  EXPECT_EQ(Col(t, "a").levels, (std::vector<std::string>{"None"}));
  EXPECT_EQ(Col(t, "a").codes, (std::vector<std::int32_t>{-1, 0, -1}));
  EXPECT_EQ(Col(t, "b").type, ColumnType::kInteger);
  EXPECT_EQ(Col(t, "b").missing, 1u);
}

TEST(CsvReaderTest, QuotedEmptyCellIsMissing) {
  Table t = Parse("a,b\n\"\",1\nx,2\n").value();
  EXPECT_EQ(Col(t, "a").missing, 1u);
  EXPECT_EQ(Col(t, "a").codes, (std::vector<std::int32_t>{-1, 0}));
}

TEST(CsvReaderTest, UnquotedCellsAreNotTrimmed) {
  Table t = Parse("a,b\n 1,x \n2,y\n").value();
  EXPECT_EQ(Col(t, "a").type, ColumnType::kCategorical);
  EXPECT_EQ(Col(t, "a").levels, (std::vector<std::string>{" 1", "2"}));
  EXPECT_EQ(Col(t, "b").levels, (std::vector<std::string>{"x ", "y"}));
}

TEST(CsvReaderTest, BlankLinesAreSkippedAndTheLastNewlineIsOptional) {
  Table t = Parse("a,b\n1,2\n\n3,4\r\n\n5,6").value();
  EXPECT_EQ(t.num_rows, 3u);
  EXPECT_EQ(Col(t, "b").values, (std::vector<double>{2, 4, 6}));
}

TEST(CsvReaderTest, TrailingDelimiterAtEndOfFileIsAnEmptyField) {
  Table t = Parse("a,b\n1,").value();
  EXPECT_EQ(Col(t, "b").missing, 1u);
}

TEST(CsvReaderTest, GzipInputIsDetectedByMagicBytes) {
  std::string csv = "a,b\n1,x\n2,y\n";
  std::string path = TempPath("data.csv.gz");
  {
    std::ofstream f(path, std::ios::binary);
    std::string gz = Gzip(csv);
    f.write(gz.data(), static_cast<std::streamsize>(gz.size()));
  }
  Table t = ReadTable(path, {}).value();
  EXPECT_EQ(t.num_rows, 2u);
  EXPECT_EQ(Col(t, "b").levels, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(t.source, path);
  // Also without a telling file name.
  Table u = Parse(Gzip(csv)).value();
  EXPECT_EQ(u.num_rows, 2u);
}

TEST(CsvReaderTest, TruncatedGzipIsAnError) {
  std::string gz = Gzip(std::string(10000, 'x'));
  std::string msg = ErrorOf(gz.substr(0, gz.size() / 2));
  EXPECT_EQ(msg.rfind("t.csv: gzip data is", 0), 0u) << msg;
}

TEST(CsvReaderTest, ReadingAMissingFileIsNotFound) {
  EXPECT_EQ(ReadTable("/nonexistent/kiln/x.csv", {}).error().code(), StatusCode::kNotFound);
}

TEST(CsvReaderTest, EmptyFileIsAnError) {
  EXPECT_EQ(ErrorOf(""), "t.csv: file is empty");
  EXPECT_EQ(ErrorOf("\n\r\n"), "t.csv: file is empty");
  EXPECT_EQ(ErrorOf("\xEF\xBB\xBF"), "t.csv: file is empty");
}

TEST(CsvReaderTest, HeaderWithoutDataRowsIsAnError) {
  EXPECT_EQ(ErrorOf("a,b\n"), "t.csv: has a header but no data rows");
  EXPECT_EQ(ErrorOf("a,b"), "t.csv: has a header but no data rows");
  EXPECT_EQ(ErrorOf("a,b\n\n\n"), "t.csv: has a header but no data rows");
}

TEST(CsvReaderTest, RaggedRowNamesLineAndFieldCounts) {
  EXPECT_EQ(ErrorOf("a,b,c\n1,2,3\n1,2\n"),
            "t.csv: line 3: expected 3 fields (as in the header), found 2");
  EXPECT_EQ(ErrorOf("a,b,c\n1,2,3,4\n"),
            "t.csv: line 2: expected 3 fields (as in the header), found 4");
}

TEST(CsvReaderTest, LineNumbersCountLineBreaksInsideQuotedFields) {
  EXPECT_EQ(ErrorOf("a,b\n\"x\ny\",1\n\n1\n"),
            "t.csv: line 5: expected 2 fields (as in the header), found 1");
}

TEST(CsvReaderTest, UnbalancedQuoteNamesLineAndColumn) {
  EXPECT_EQ(ErrorOf("a,name\n1,x\n2,\"oops\n3,y\n"),
            "t.csv: line 3: quoted field opened in column \"name\" is never closed");
  std::string header = ErrorOf("\"a,b\n1\n");
  EXPECT_NE(header.find("line 1: quoted field opened in column 1"), std::string::npos) << header;
}

TEST(CsvReaderTest, TextAfterAClosingQuoteIsAnError) {
  std::string msg = ErrorOf("a,b\n1,\"x\"y\n");
  EXPECT_EQ(msg.rfind("t.csv: line 2, column \"b\": unexpected text after a closing quote", 0), 0u)
      << msg;
}

TEST(CsvReaderTest, DuplicateColumnNameIsAnError) {
  EXPECT_EQ(ErrorOf("a,b,a\n1,2,3\n"),
            "t.csv: line 1: column name \"a\" appears twice in the header (columns 1 and 3)");
}

TEST(CsvReaderTest, EmptyColumnNameIsAnError) {
  std::string msg = ErrorOf("a,,c\n1,2,3\n");
  EXPECT_EQ(msg.rfind("t.csv: line 1: column 2 has an empty name", 0), 0u) << msg;
}

TEST(CsvReaderTest, InvalidUtf8NamesLineAndColumn) {
  std::string msg = ErrorOf("a,b\n1,ok\n2,x\xff\n");
  EXPECT_EQ(msg.rfind("t.csv: line 3, column \"b\": invalid UTF-8 (byte 0xff at byte 2", 0), 0u)
      << msg;
  // Overlong encodings and lone continuation bytes are invalid too.
  EXPECT_NE(ErrorOf("a\n\xc0\xaf\n").find("invalid UTF-8"), std::string::npos);
  EXPECT_NE(ErrorOf("a\n\x80\n").find("invalid UTF-8"), std::string::npos);
}

TEST(CsvReaderTest, ValidUtf8IsKept) {
  Table t = Parse("city\ncafé\n日本\n").value();
  EXPECT_EQ(Col(t, "city").levels, (std::vector<std::string>{"café", "日本"}));
}

TEST(CsvReaderTest, TenMegabyteSingleFieldIsRead) {
  const std::size_t kSize = 10 << 20;
  std::string big(kSize, 'x');
  for (std::size_t i = 1000; i < kSize; i += 1000)
    big[i] = ',';  // delimiters inside quotes
  std::string quoted = "a,b\n\"" + big + "\",1\n";
  auto start = std::chrono::steady_clock::now();
  Table t = Parse(quoted).value();
  EXPECT_EQ(Col(t, "a").levels.at(0).size(), kSize);
  std::string unquoted = "a,b\n" + std::string(kSize, 'y') + ",1\nz,2\n";
  Table u = Parse(unquoted).value();
  EXPECT_EQ(Col(u, "a").levels.at(0).size(), kSize);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 20.0);  // linear: well under a second normally
}

TEST(CsvReaderTest, SchemaForcesTypeAndRejectsValuesThatDoNotFit) {
  ReadOptions o;
  o.schema = {{"age", ColumnType::kInteger}};
  EXPECT_EQ(ErrorOf("age,b\n1,x\n2,y\n3,z\nabc,w\n", o),
            "t.csv: line 5, column \"age\": \"abc\" is not a number (the model was trained with "
            "\"age\" as integer)");
  EXPECT_EQ(ErrorOf("age\n1.5\n", o),
            "t.csv: line 2, column \"age\": \"1.5\" is not an integer (the model was trained with "
            "\"age\" as integer)");
  Table t = Parse("age\n1\n2.0\n\n", o).value();
  EXPECT_EQ(Col(t, "age").values, (std::vector<double>{1, 2}));
  o.schema = {{"age", ColumnType::kCategorical}};
  Table c = Parse("age\n1\n2\n1\n", o).value();
  EXPECT_EQ(Col(c, "age").type, ColumnType::kCategorical);
  EXPECT_EQ(Col(c, "age").levels, (std::vector<std::string>{"1", "2"}));
  o.schema = {{"flag", ColumnType::kBoolean}};
  EXPECT_NE(ErrorOf("flag\nyes\n1\n", o).find("line 3, column \"flag\": \"1\" is not a boolean"),
            std::string::npos);
}

TEST(CsvReaderTest, FirstErrorInFileOrderIsReported) {
  ReadOptions o;
  o.schema = {{"b", ColumnType::kNumeric}};
  // A schema error on line 3 comes before the ragged row on line 4.
  EXPECT_NE(ErrorOf("a,b\n1,2\n1,x\n1\n", o).find("line 3, column \"b\""), std::string::npos);
}

TEST(CsvReaderTest, DictionaryColumnsKeepExactSpelling) {
  ReadOptions o;
  o.dictionary_columns = {"label", "num"};
  Table t = Parse("label,num,cls\nTrue,1,>50K\nFalse,0,<=50K\nTrue,1,>50K\n", o).value();
  const Column& label = Col(t, "label");
  EXPECT_EQ(label.type, ColumnType::kBoolean);
  EXPECT_EQ(label.values, (std::vector<double>{1, 0, 1}));
  EXPECT_EQ(label.levels, (std::vector<std::string>{"True", "False"}));
  EXPECT_EQ(label.codes, (std::vector<std::int32_t>{0, 1, 0}));
  EXPECT_EQ(Col(t, "num").type, ColumnType::kInteger);
  EXPECT_EQ(Col(t, "num").levels, (std::vector<std::string>{"1", "0"}));
  EXPECT_EQ(Col(t, "cls").levels, (std::vector<std::string>{">50K", "<=50K"}));
}

TEST(CsvReaderTest, InvalidOptionsAreRejected) {
  ReadOptions o;
  o.delimiter = '"';
  EXPECT_FALSE(o.Validate().ok());
  EXPECT_FALSE(Parse("a\n1\n", o).ok());
  o = {};
  o.num_threads = -1;
  EXPECT_FALSE(o.Validate().ok());
  o = {};
  o.schema = {{"a", ColumnType::kNumeric}, {"a", ColumnType::kInteger}};
  EXPECT_FALSE(o.Validate().ok());
  EXPECT_TRUE(ReadOptions{}.Validate().ok());
}

// A 50k-row file with quoted fields (delimiters, quotes, newlines), missing values, a late
// non-numeric value and many levels.
std::string GeneratedCsv(bool stray_quotes) {
  std::string csv = "id,x,label,note,late\n";
  for (int i = 0; i < 50000; ++i) {
    csv += std::to_string(i * 7 + 3) + ",";
    if (i % 13 != 0)
      csv += std::to_string(i * 0.25 - 100);
    csv += ",L" + std::to_string((i * 31) % 977) + ",";
    if (i % 5 == 0) {
      csv += "\"multi\nline, \"\"quoted\"\" " + std::to_string(i % 50) + "\"";
    } else if (stray_quotes && i % 7 == 0) {
      csv += "5\" screen";
    } else {
      csv += "plain" + std::to_string(i % 17);
    }
    csv += ",";
    csv += i == 41234 ? "oops" : std::to_string(i % 100);
    csv += i % 2 ? "\r\n" : "\n";
  }
  return csv;
}

TEST(CsvReaderTest, ThreadCountDoesNotChangeTheTable) {
  std::string csv = GeneratedCsv(false);
  ReadOptions one;
  one.num_threads = 1;
  ReadOptions four;
  four.num_threads = 4;
  Table a = Parse(csv, one).value();
  Table b = Parse(csv, four).value();
  EXPECT_EQ(a.num_rows, 50000u);
  ExpectSameTable(a, b);
  EXPECT_EQ(Col(a, "late").type, ColumnType::kCategorical);
  // Rows 0, 5, 10, ... before it each add a line break inside a quoted note.
  EXPECT_EQ(Col(a, "late").type_reason,
            "line " + std::to_string(2 + 41234 + (41234 + 4) / 5) + ": \"oops\" is not a number");
  EXPECT_EQ(Col(a, "x").missing, 50000u / 13 + 1);
  EXPECT_EQ(Col(a, "label").levels.at(1), "L31");
}

TEST(CsvReaderTest, ErrorLineIsTheSameForAnyThreadCount) {
  std::string csv = GeneratedCsv(false);
  std::size_t at = csv.size() * 3 / 4;
  at = csv.find('\n', at) + 1;
  csv.insert(at, "1,2\n");
  ReadOptions one;
  one.num_threads = 1;
  ReadOptions four;
  four.num_threads = 4;
  std::string e1 = Parse(csv, one).error().message();
  EXPECT_EQ(e1, Parse(csv, four).error().message());
  EXPECT_NE(e1.find("expected 5 fields (as in the header), found 2"), std::string::npos) << e1;
}

TEST(CsvReaderTest, QuotesInsideUnquotedFieldsStillParseTheSameWithThreads) {
  std::string csv = GeneratedCsv(true);
  ReadOptions one;
  one.num_threads = 1;
  ReadOptions four;
  four.num_threads = 4;
  Table a = Parse(csv, one).value();
  Table b = Parse(csv, four).value();
  ExpectSameTable(a, b);
  const auto& levels = Col(a, "note").levels;
  EXPECT_NE(std::find(levels.begin(), levels.end(), "5\" screen"), levels.end());
}

// Columns whose type is only settled late, in some chunks but not others: the reader stores each
// chunk as its own rows suggest and re-reads what the file-wide type contradicts.
TEST(CsvReaderTest, LateTypeChangesGiveTheSameTableForAnyThreadCount) {
  std::string csv = "n,flag,when,code_id,sparse\n";
  for (int i = 0; i < 60000; ++i) {
    csv += i % 5 == 0 ? "-0" : std::to_string(i % 9 - 4);
    csv += i == 55000 ? ",maybe" : (i % 3 ? ",No" : ",yes");
    csv += i == 45000 ? ",soon" : ",2021-03-0" + std::to_string(i % 9 + 1);
    csv += "," + std::to_string(i < 30000 ? i % 7 : i % 150);
    csv += i < 40000 ? ",\n" : (i % 2 ? ",A\n" : ",\n");
  }
  ReadOptions one;
  one.num_threads = 1;
  ReadOptions four;
  four.num_threads = 4;
  Table a = Parse(csv, one).value();
  Table b = Parse(csv, four).value();
  ExpectSameTable(a, b);
  EXPECT_EQ(Col(a, "n").type, ColumnType::kInteger);
  EXPECT_FALSE(std::signbit(Col(a, "n").values.at(0)));  // "-0" is the integer 0
  EXPECT_EQ(Col(a, "flag").type, ColumnType::kCategorical);
  EXPECT_EQ(Col(a, "flag").levels, (std::vector<std::string>{"yes", "No", "maybe"}));
  EXPECT_EQ(Col(a, "when").type, ColumnType::kCategorical);
  EXPECT_EQ(Col(a, "code_id").type, ColumnType::kInteger);
  EXPECT_EQ(Col(a, "sparse").type, ColumnType::kCategorical);
  EXPECT_EQ(Col(a, "sparse").codes.at(40001), 0);
  EXPECT_EQ(Col(a, "sparse").missing, 50000u);
}

TEST(CsvReaderTest, JsonLinesExtensionSelectsJsonLines) {
  Table t = ParseTable("{\"a\": 1}\n", "x.jsonl", {}).value();
  EXPECT_EQ(t.columns.at(0).name, "a");
}

}  // namespace
}  // namespace kiln
