// Tests for the transfer progress display, driven by a manual clock.
#include "s3client/transfer_progress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace kiln {
namespace {

std::string Captured(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof(buf), f))
    out.append(buf, n);
  return out;
}

TEST(TransferProgressTest, FormatsSizesAndDurations) {
  EXPECT_EQ(FormatMegabytes(12'345'678), "12.3 MB");
  EXPECT_EQ(FormatDuration(42), "42s");
  EXPECT_EQ(FormatDuration(187), "3m07s");
  EXPECT_EQ(FormatDuration(7500), "2h05m");
}

TEST(TransferProgressTest, LineShowsPercentRateAndEta) {
  ManualClock clock(std::chrono::system_clock::time_point(std::chrono::seconds(1000)));
  std::FILE* f = std::tmpfile();
  TransferProgress p(f, false, clock);
  p.SetTotal(100'000'000);
  clock.Advance(std::chrono::seconds(2));
  p.Add(20'000'000);
  EXPECT_EQ(p.Line(), "20% 20.0 MB / 100.0 MB, 10.0 MB/s, ETA 8s");
  std::fclose(f);
}

TEST(TransferProgressTest, SkippedBytesCountAsDoneButNotTowardTheRate) {
  ManualClock clock(std::chrono::system_clock::time_point(std::chrono::seconds(0)));
  std::FILE* f = std::tmpfile();
  TransferProgress p(f, false, clock);
  p.SetTotal(40'000'000);
  p.AddSkipped(20'000'000);
  clock.Advance(std::chrono::seconds(1));
  p.Add(10'000'000);
  EXPECT_EQ(p.done(), 30'000'000u);
  EXPECT_EQ(p.Line(), "75% 30.0 MB / 40.0 MB, 10.0 MB/s, ETA 1s");
  std::fclose(f);
}

TEST(TransferProgressTest, PlainOutputPrintsAtMostOneLinePerInterval) {
  ManualClock clock(std::chrono::system_clock::time_point(std::chrono::seconds(0)));
  std::FILE* f = std::tmpfile();
  TransferProgress p(f, false, clock, std::chrono::seconds(5));
  for (int i = 0; i < 10; ++i) {
    clock.Advance(std::chrono::seconds(1));
    p.Add(1'000'000);
  }
  p.Message("resuming");
  p.Finish();
  const std::string out = Captured(f);
  EXPECT_EQ(out, "progress 5.0 MB, 1.0 MB/s\nprogress 10.0 MB, 1.0 MB/s\nresuming\n");
  std::fclose(f);
}

TEST(TransferProgressTest, TerminalOutputRedrawsOneLineAndEndsIt) {
  ManualClock clock(std::chrono::system_clock::time_point(std::chrono::seconds(0)));
  std::FILE* f = std::tmpfile();
  TransferProgress p(f, true, clock);
  p.SetTotal(2'000'000);
  clock.Advance(std::chrono::seconds(1));
  p.Add(1'000'000);
  p.Finish();
  const std::string out = Captured(f);
  EXPECT_EQ(out.find("\r\033[K[##############..............] 50% 1.0 MB / 2.0 MB"), 0u) << out;
  EXPECT_EQ(out.back(), '\n');
  std::fclose(f);
}

}  // namespace
}  // namespace kiln
