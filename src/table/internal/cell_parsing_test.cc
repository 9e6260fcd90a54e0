// Unit tests of the table module's internal building blocks: number, date and boolean parsing,
// UTF-8 validation, the string dictionary, CSV layout helpers and name tokens.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "table/internal/cell_classifier.h"
#include "table/internal/column_finisher.h"
#include "table/internal/column_setup.h"
#include "table/internal/csv_layout.h"
#include "table/internal/datetime_parser.h"
#include "table/internal/gzip.h"
#include "table/internal/message_util.h"
#include "table/internal/number_parser.h"
#include "table/internal/separator_scanner.h"
#include "table/internal/string_dictionary.h"
#include "table/internal/utf8.h"
#include "table/internal/worker_pool.h"

namespace kiln::table_internal {
namespace {

TEST(NumberParserTest, IntegersUpToTwoToTheFiftyThirdAreExact) {
  std::int64_t v = 0;
  EXPECT_TRUE(ParseInteger("9007199254740992", &v));
  EXPECT_EQ(v, 9007199254740992LL);
  EXPECT_FALSE(ParseInteger("9007199254740993", &v));
  EXPECT_TRUE(ParseInteger("-0000000000000000000012", &v));
  EXPECT_EQ(v, -12);
  for (const char* bad : {"", "+", "-", "1.0", "1e3", " 1", "1 ", "12345678901234567890"}) {
    EXPECT_FALSE(ParseInteger(bad, &v)) << bad;
  }
}

TEST(NumberParserTest, RealsFollowStrictDecimalSyntax) {
  double d = 0;
  EXPECT_TRUE(ParseNumber("12345678901234567890", &d));
  EXPECT_EQ(d, 12345678901234567890.0);
  EXPECT_TRUE(ParseNumber("-.5e-3", &d));
  EXPECT_EQ(d, -0.0005);
  EXPECT_TRUE(ParseNumber("+1E5", &d));
  EXPECT_EQ(d, 1e5);
  for (const char* bad :
       {".", "-.", "e5", "1e", "1e+", "nan", "inf", "+-1", "1..2", "1e400", "١"}) {
    EXPECT_FALSE(ParseNumber(bad, &d)) << bad;
  }
  EXPECT_FALSE(ParseNumber(std::string(2000, '1'), &d));
}

TEST(DatetimeParserTest, ValidatesCalendarAndTime) {
  double s = 0;
  EXPECT_TRUE(ParseDatetime("1969-12-31T23:59:59Z", &s));
  EXPECT_EQ(s, -1);
  EXPECT_TRUE(ParseDatetime("2024-02-29 12:00:00.250-0230", &s));
  EXPECT_EQ(s, DaysFromCivil(2024, 2, 29) * 86400.0 + 12 * 3600 + 0.25 + 2 * 3600 + 30 * 60);
  for (const char* bad : {"2023-02-29", "2023-13-01", "2023-00-10", "2023-1-01", "2023-01-01T",
                          "2023-01-01 10", "2023-01-01 10:60", "2023-01-01Z", "2023-01/01",
                          "2023-01-01 10:00:00.", "2023-01-01 10:00 +25:00"}) {
    EXPECT_FALSE(ParseDatetime(bad, &s)) << bad;
  }
}

TEST(CellClassifierTest, ReportsEveryKindACellFits) {
  std::int64_t i = 0;
  EXPECT_EQ(ClassifyCell("12", kAllKinds, &i), kCanInteger | kCanNumber);
  EXPECT_EQ(i, 12);
  EXPECT_EQ(ClassifyCell("1.5", kAllKinds, &i), kCanNumber);
  EXPECT_EQ(ClassifyCell("No", kAllKinds, &i), kCanBoolean);
  EXPECT_EQ(ClassifyCell("2020-01-01", kAllKinds, &i), kCanDatetime);
  EXPECT_EQ(ClassifyCell("Steady", kAllKinds, &i), 0);
  EXPECT_EQ(UnescapeCell(RawCell("say \"\"hi\"\"", true)), "say \"hi\"");
}

TEST(Utf8Test, FindsTheFirstInvalidByte) {
  EXPECT_EQ(FindInvalidUtf8("caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80"), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("ab\xc3"), 2u);            // truncated
  EXPECT_EQ(FindInvalidUtf8("\xed\xa0\x80"), 0u);      // surrogate
  EXPECT_EQ(FindInvalidUtf8("\xf4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("a\xe0\x80\xaf"), 1u);     // overlong
}

TEST(StringDictionaryTest, CodesFollowFirstInsertionAndSurviveGrowth) {
  StringDictionary d;
  std::vector<std::string> keys;
  for (int i = 0; i < 1000; ++i)
    keys.push_back("key" + std::to_string(i) + std::string(i % 20, 'x'));
  for (int round = 0; round < 2; ++round) {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      EXPECT_EQ(d.FindOrAdd(keys[i]), static_cast<std::int32_t>(i));
    }
  }
  EXPECT_EQ(d.size(), 1000u);
  EXPECT_EQ(d.Find("missing"), -1);
  EXPECT_EQ(d.key(7), keys[7]);
  EXPECT_TRUE(BytesEqual("abcdefghij", "abcdefghij"));
  EXPECT_FALSE(BytesEqual("abc", "abd"));
  EXPECT_FALSE(BytesEqual("abcdefghij", "abcdefghik"));
}

TEST(SeparatorScannerTest, FindsEverySeparatorAcrossBlocks) {
  std::string s;
  for (int i = 0; i < 300; ++i)
    s += (i % 7 == 0) ? ',' : (i % 31 == 0 ? '\n' : (i % 53 == 0 ? '"' : 'a'));
  SeparatorScanner scanner(s.data(), s.data() + s.size(), ',');
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == ',' || s[i] == '\n' || s[i] == '"') {
      EXPECT_EQ(scanner.Next() - s.data(), static_cast<std::ptrdiff_t>(i));
    }
  }
  EXPECT_EQ(scanner.Next(), s.data() + s.size());
  scanner.Seek(s.data() + 100);
  EXPECT_EQ(scanner.Next() - s.data(), 105);
}

TEST(CsvLayoutTest, ChunksStartAfterLineBreaksOutsideQuotes) {
  std::string data = "h\n";
  for (int i = 0; i < 1000; ++i)
    data += i % 3 ? "\"a\nb\"\n" : "plain\n";
  WorkerPool pool(2);
  std::vector<ChunkSpan> chunks = SplitIntoChunks(data, 2, 8, pool);
  EXPECT_GT(chunks.size(), 4u);
  EXPECT_EQ(chunks.front().begin, 2u);
  EXPECT_EQ(chunks.back().end, data.size());
  for (std::size_t k = 0; k < chunks.size(); ++k) {
    std::size_t s = chunks[k].begin, e = chunks[k].end;
    if (k > 0) {
      EXPECT_EQ(s, chunks[k - 1].end);
      EXPECT_EQ(data[s - 1], '\n');
      // Quote parity before a start is even.
      EXPECT_EQ(std::count(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(s), '"') % 2,
                0);
    }
    EXPECT_EQ(chunks[k].newlines, static_cast<std::size_t>(std::count(
                                      data.begin() + static_cast<std::ptrdiff_t>(s),
                                      data.begin() + static_cast<std::ptrdiff_t>(e), '\n')));
    EXPECT_TRUE(chunks[k].ascii);
  }
}

TEST(CsvLayoutTest, CountsLineBreaksQuotesAndNonAsciiBytes) {
  std::string data;
  for (int i = 0; i < 5000; ++i)
    data += i % 7 ? "ab,\"c\"\n" : "x\n";
  ByteCounts c = CountBytes(data.data(), data.data() + data.size());
  EXPECT_EQ(c.newlines, 5000u);
  EXPECT_EQ(c.quotes, 2u * (5000 - 715));
  EXPECT_TRUE(c.ascii);
  data[4321] = '\xc3';
  EXPECT_FALSE(CountBytes(data.data(), data.data() + data.size()).ascii);
  EXPECT_FALSE(CountBytes(data.data() + 4321, data.data() + 4322).ascii);
}

TEST(CsvLayoutTest, ReadsOneRecordWithQuotes) {
  std::vector<std::string> fields;
  CsvRecord r = ReadCsvRecord("\"a\"\"b\",\"c\nd\",e\r\nnext", 0, ',', &fields);
  EXPECT_EQ(fields, (std::vector<std::string>{"a\"b", "c\nd", "e"}));
  EXPECT_EQ(r.newlines, 2u);
  EXPECT_EQ(r.problem, CsvRecord::Problem::kNone);
  EXPECT_EQ(ReadCsvRecord("a,\"b", 0, ',', nullptr).problem, CsvRecord::Problem::kUnclosedQuote);
  EXPECT_EQ(DetectDelimiter("a\n1\n"), ',');
  EXPECT_EQ(DetectDelimiter("a;b,c\n1;2\n"), ';');
}

TEST(ColumnSetupTest, NameTokensSplitOnPunctuationAndCase) {
  EXPECT_EQ(NameTokens("patient_nbr"), (std::vector<std::string>{"patient", "nbr"}));
  EXPECT_EQ(NameTokens("admissionTypeID"), (std::vector<std::string>{"admission", "type", "id"}));
  EXPECT_EQ(NameTokens("IDNumber"), (std::vector<std::string>{"id", "number"}));
  EXPECT_EQ(NameTokens("fnlwgt"), (std::vector<std::string>{"fnlwgt"}));
  EXPECT_EQ(NameTokens("education-num"), (std::vector<std::string>{"education", "num"}));
}

TEST(ColumnFinisherTest, CountsWordsAndDistinctValues) {
  EXPECT_EQ(CountWords("  two  words "), 2u);
  EXPECT_EQ(CountWords(""), 0u);
  EXPECT_EQ(CountDistinctValues({1, 2, 2, NAN, 1e12, -0.0, 0.0}), 4u);
  EXPECT_EQ(CountDistinctValues({0.5, 0.5, NAN}), 1u);
  EXPECT_EQ(CountDistinctValues({NAN}), 0u);
}

TEST(MessageUtilTest, LongValuesAreCutAndControlsEscaped) {
  EXPECT_EQ(QuoteValue("a\nb\"c"), "\"a\\nb\\\"c\"");
  std::string q = QuoteValue(std::string(1000, 'x'));
  EXPECT_LT(q.size(), 80u);
  EXPECT_NE(q.find("..."), std::string::npos);
}

TEST(GzipTest, GarbageAfterMagicBytesIsCorrupt) {
  Result<std::string> r = Gunzip(std::string("\x1f\x8b\x08\x00garbage-garbage", 20), "f.gz");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message().rfind("f.gz: gzip data is", 0), 0u) << r.error().message();
}

}  // namespace
}  // namespace kiln::table_internal
