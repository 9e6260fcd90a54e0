// Unit tests of the CSV reader's fast paths: word-at-a-time integers, the label table, distinct
// counts from value stats, the file buffer and the worker pool. Each fast path is checked against
// the slow, obvious computation it replaces.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "table/internal/column_finisher.h"
#include "table/internal/file_bytes.h"
#include "table/internal/label_table.h"
#include "table/internal/number_parser.h"
#include "table/internal/value_stats.h"
#include "table/internal/worker_pool.h"

namespace kiln::table_internal {
namespace {

// Parses `text` placed at the very end of a buffer (no byte after it), and in the middle of one.
bool ParseBothWays(const std::string& text, std::uint64_t* out) {
  std::string end_buffer = "xxxxxxxxxxxxxxxx" + text;
  const char* p = end_buffer.data() + 16;
  std::uint64_t at_end = 0;
  bool ok_end = ParsePlainDigits(p, text.size(), end_buffer.data() + end_buffer.size(), &at_end);
  std::string mid_buffer = text + ",9999999999999999";
  std::uint64_t in_middle = 0;
  bool ok_mid = ParsePlainDigits(mid_buffer.data(), text.size(),
                                 mid_buffer.data() + mid_buffer.size(), &in_middle);
  EXPECT_EQ(ok_end, ok_mid) << text;
  if (ok_end) {
    EXPECT_EQ(at_end, in_middle) << text;
  }
  *out = at_end;
  return ok_end;
}

TEST(PlainDigitsTest, ReadsOneToFifteenDigitsAndNothingElse) {
  std::uint64_t v = 0;
  std::string digits;
  std::uint64_t expected = 0;
  for (int n = 1; n <= 15; ++n) {
    digits += static_cast<char>('0' + n % 10);
    expected = expected * 10 + static_cast<std::uint64_t>(n % 10);
    ASSERT_TRUE(ParseBothWays(digits, &v)) << digits;
    EXPECT_EQ(v, expected) << digits;
  }
  EXPECT_FALSE(ParseBothWays(digits + "1", &v));  // 16 digits: the general path
  EXPECT_TRUE(ParseBothWays("007", &v));
  EXPECT_EQ(v, 7u);
  EXPECT_TRUE(ParseBothWays("0", &v));
  EXPECT_EQ(v, 0u);
  for (const char* bad : {"", "1.5", "-1", "+1", "1e5", "12a", "a12", " 1", "1 ", "123456789x"})
    EXPECT_FALSE(ParseBothWays(bad, &v)) << bad;
  // Every byte that is not a digit, in every position of every length.
  for (std::size_t n = 1; n <= 15; ++n) {
    for (int c = 0; c < 256; ++c) {
      if (c >= '0' && c <= '9')
        continue;
      for (std::size_t pos = 0; pos < n; ++pos) {
        std::string s(n, '9');
        s[pos] = static_cast<char>(c);
        ASSERT_FALSE(ParseBothWays(s, &v)) << c << " at " << pos << " of " << n;
      }
    }
  }
  // Every value of up to 4 digits (the word-of-4 path), with and without leading zeros.
  for (int i = 0; i < 10000; ++i) {
    ASSERT_TRUE(ParseBothWays(std::to_string(i), &v));
    ASSERT_EQ(v, static_cast<std::uint64_t>(i));
    char padded[8];
    std::snprintf(padded, sizeof(padded), "%04d", i);
    ASSERT_TRUE(ParseBothWays(padded, &v));
    ASSERT_EQ(v, static_cast<std::uint64_t>(i));
  }
}

TEST(LabelTableTest, CodesFollowFirstAppearanceAndTheEmptyCellIsMissing) {
  std::vector<std::string> texts = {"No",
                                    "Steady",
                                    "",
                                    "Up",
                                    "No",
                                    "Caucasian",
                                    "?",
                                    "AfricanAmerican",
                                    "Pediatrics-Endocrinology",
                                    "Steady",
                                    "Pediatrics-Endocrinologx"};
  // Cells are views into one buffer, the last at its very end.
  std::string buffer;
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  for (const std::string& t : texts) {
    spans.emplace_back(buffer.size(), t.size());
    buffer += t;
  }
  LabelTable table(buffer);
  std::vector<std::int32_t> codes;
  for (auto [pos, size] : spans)
    codes.push_back(table.FindOrAdd(RawCell(std::string_view(buffer).substr(pos, size))));
  EXPECT_EQ(codes, (std::vector<std::int32_t>{0, 1, -1, 2, 0, 3, 4, 5, 6, 1, 7}));
  ASSERT_EQ(table.size(), 8u);
  EXPECT_EQ(table.key(6), "Pediatrics-Endocrinology");
  EXPECT_EQ(table.Find(RawCell(std::string_view(buffer).substr(spans[3].first, 2))), 2);
  EXPECT_EQ(table.FindText("Caucasian"), 3);
  EXPECT_EQ(table.FindText("Down"), -2);
  // An escaped cell is never a plain label, even with the same bytes.
  EXPECT_EQ(table.Find(RawCell(std::string_view(buffer).substr(0, 2), true)), -2);
  const std::string unescaped = "say \"hi\"";
  EXPECT_EQ(table.AddText(unescaped), 8);
  EXPECT_EQ(table.FindText("say \"hi\""), 8);
}

TEST(LabelTableTest, ManyLabelsOfEveryLengthKeepTheirCodes) {
  std::mt19937 rng(7);
  std::vector<std::string> labels;
  for (int i = 0; i < 3000; ++i) {
    std::string s = std::to_string(rng() % 100000);
    s.resize(static_cast<std::size_t>(1 + i % 40), static_cast<char>('a' + i % 26));
    labels.push_back(s);
  }
  std::string buffer;
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  std::vector<std::int32_t> expected;
  std::vector<std::string> seen;
  for (int round = 0; round < 2; ++round) {
    for (const std::string& s : labels) {
      spans.emplace_back(buffer.size(), s.size());
      buffer += s;
      auto it = std::find(seen.begin(), seen.end(), s);
      if (it == seen.end()) {
        expected.push_back(static_cast<std::int32_t>(seen.size()));
        seen.push_back(s);
      } else {
        expected.push_back(static_cast<std::int32_t>(it - seen.begin()));
      }
    }
  }
  LabelTable table(buffer);
  for (std::size_t i = 0; i < spans.size(); ++i) {
    RawCell cell(std::string_view(buffer).substr(spans[i].first, spans[i].second));
    ASSERT_EQ(table.FindOrAdd(cell), expected[i]) << i;
  }
  EXPECT_EQ(table.size(), seen.size());
}

TEST(ValueStatsTest, DistinctCountsFromStatsMatchTheFullCount) {
  std::mt19937 rng(3);
  auto check = [](const std::vector<double>& values, const ValueStats& stats) {
    EXPECT_EQ(CountDistinctValues(values, &stats), CountDistinctValues(values));
  };
  for (int trial = 0; trial < 40; ++trial) {
    std::vector<double> values;
    ValueStats stats;
    ValueStats::IntegerBatch batch(&stats);
    const std::uint64_t range = trial % 4 == 0 ? 1000 : (trial % 4 == 1 ? 5000 : 3000000000ULL);
    for (int i = 0; i < 2000; ++i) {
      std::uint64_t m = rng() % range;
      bool negative = trial % 5 == 0 && rng() % 3 == 0;
      values.push_back(negative ? -static_cast<double>(m) : static_cast<double>(m));
      batch.Add(m, negative);
      if (trial % 7 == 0 && i % 100 == 0) {
        values.push_back(std::numeric_limits<double>::quiet_NaN());
        stats.Add(values.back());
      }
      if (trial % 6 == 0 && i % 50 == 0) {
        values.push_back(0.5 * static_cast<double>(m));
        stats.Add(values.back());
      }
    }
    batch.Finish();
    check(values, stats);
  }
  ValueStats none;
  EXPECT_EQ(CountDistinctValues({NAN, NAN}, &none), 0u);
  ValueStats small;
  for (double d : {3.0, 3.0, -0.0, 0.0, 1023.0})
    small.Add(d);
  EXPECT_TRUE(small.small());
  EXPECT_EQ(CountDistinctValues({3.0, 3.0, -0.0, 0.0, 1023.0}, &small), 3u);
  small.Add(1024.0);
  EXPECT_FALSE(small.small());
}

TEST(FileBytesTest, ReadsRegularFilesAndReportsErrorsLikeReadFile) {
  const std::string dir = ::testing::TempDir();
  const std::string path = dir + "/file_bytes_test.csv";
  WorkerPool pool(2);
  std::string big(9 << 20, 'x');  // large enough for the huge-page buffer, read in two pieces
  for (std::size_t i = 0; i < big.size(); i += 4099)
    big[i] = static_cast<char>('a' + i % 26);
  for (const std::string& contents : {std::string("a,b\n1,2\n"), big}) {
    std::ofstream(path, std::ios::binary) << contents;
    Result<FileBytes> bytes = FileBytes::Read(path, pool);
    ASSERT_TRUE(bytes.ok()) << bytes.error().ToString();
    EXPECT_EQ(bytes.value().view(), contents);
    FileBytes moved = std::move(bytes).value();
    EXPECT_EQ(moved.view().size(), contents.size());
  }
  std::ofstream(path, std::ios::binary) << "";
  Result<FileBytes> empty = FileBytes::Read(path, pool);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty.value().view().empty());
  std::remove(path.c_str());

  Result<FileBytes> missing = FileBytes::Read(path, pool);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.error().message().rfind("cannot open \"" + path + "\"", 0), 0u);
  Result<FileBytes> directory = FileBytes::Read(dir, pool);
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.error().code(), StatusCode::kIoError);
  EXPECT_NE(directory.error().message().find("Is a directory"), std::string::npos);
}

TEST(WorkerPoolTest, AThrowingTaskEndsNothingEarlyAndIsRethrown) {
  WorkerPool pool(2);
  std::vector<std::atomic<int>> runs(50);
  EXPECT_THROW(pool.Run(runs.size(),
                        [&](std::size_t i) {
                          runs[i].fetch_add(1);
                          if (i % 7 == 3)
                            throw std::runtime_error("task failed");
                        }),
               std::runtime_error);
  for (const std::atomic<int>& r : runs)
    EXPECT_EQ(r.load(), 1);
  std::atomic<int> after{0};
  pool.Run(10, [&](std::size_t) { after.fetch_add(1); });  // the pool still works
  EXPECT_EQ(after.load(), 10);
}

TEST(WorkerPoolTest, RunsEveryTaskOnceInEveryBatch) {
  for (int threads : {1, 2, 3}) {
    WorkerPool pool(threads);
    EXPECT_EQ(pool.threads(), threads);
    for (int batch = 0; batch < 300; ++batch) {
      std::vector<std::atomic<int>> runs(static_cast<std::size_t>(batch % 17));
      pool.Run(runs.size(), [&](std::size_t i) { runs[i].fetch_add(1); });
      for (const std::atomic<int>& r : runs)
        ASSERT_EQ(r.load(), 1);
    }
  }
}

}  // namespace
}  // namespace kiln::table_internal
