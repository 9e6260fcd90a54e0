// Tests of the metrics primitives: LatencyHistogram, RateWindow, InstanceHistory.
#include <gtest/gtest.h>

#include "serve/instance_history.h"
#include "serve/latency_histogram.h"
#include "serve/rate_window.h"

namespace kiln {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const std::chrono::system_clock::time_point kT0(seconds(1'800'000'000));

TEST(LatencyHistogram, CountsEachObservationInItsBucket) {
  LatencyHistogram h;
  h.Record(std::chrono::microseconds(30));   // <= 50 us
  h.Record(std::chrono::microseconds(50));   // <= 50 us (bounds are inclusive)
  h.Record(std::chrono::microseconds(700));  // <= 1 ms
  h.Record(seconds(20));                     // +Inf
  const HistogramSnapshot s = h.Read();
  EXPECT_EQ(s.counts[0], 2u);
  EXPECT_EQ(s.counts[4], 1u);
  EXPECT_EQ(s.counts.back(), 1u);
  EXPECT_EQ(s.Count(), 4u);
  EXPECT_EQ(s.sum_ns, 30'000u + 50'000u + 700'000u + 20'000'000'000u);
  HistogramSnapshot twice = s;
  twice.Add(s);
  EXPECT_EQ(twice.Count(), 8u);
}

TEST(RateWindow, AStepInLoadShowsWithinSeconds) {
  RateWindow w(seconds(10));
  auto now = kT0;
  // Idle, then 100 requests a second for 3 s, each 20 ms in flight.
  EXPECT_EQ(w.Read(now).per_second, 0);
  for (int s = 0; s < 3; ++s) {
    for (int i = 0; i < 100; ++i)
      w.Record(now + milliseconds(i * 10), milliseconds(20));
    now += seconds(1);
  }
  const RateWindow::Rates r = w.Read(now);
  // 300 requests over the 9 s + 0 s window span.
  EXPECT_NEAR(r.per_second, 300.0 / 9, 1e-9);
  EXPECT_NEAR(r.mean_concurrency, 300 * 0.020 / 9, 1e-9);
  // The recent figure: the last full second (100 requests) over 1 s + 0 s: the step's own rate.
  EXPECT_NEAR(r.recent_per_second, 100.0, 1e-9);
  EXPECT_NEAR(r.recent_mean_concurrency, 100 * 0.020, 1e-9);
}

TEST(RateWindow, TheRecentRateSeesAStepInOneSecondAndForgetsItInTwo) {
  RateWindow w(seconds(10));
  auto now = kT0;
  for (int i = 0; i < 1000; ++i)  // 1000 requests in the first second after idle
    w.Record(now + milliseconds(i), milliseconds(1));
  const RateWindow::Rates step = w.Read(now + milliseconds(1500));
  EXPECT_NEAR(step.recent_per_second, 1000 / 1.5, 1e-9);  // the second and half of the next
  EXPECT_NEAR(step.per_second, 1000 / 9.5, 1e-9);         // the window: a tenth of it
  const RateWindow::Rates later = w.Read(now + seconds(2) + milliseconds(100));
  EXPECT_EQ(later.recent_per_second, 0);  // out of the last two seconds
  EXPECT_GT(later.per_second, 0);         // still in the window
  RateWindow one(seconds(1));             // a one-second window: both figures are the same
  one.Record(now, milliseconds(1));
  const RateWindow::Rates r = one.Read(now + milliseconds(500));
  EXPECT_EQ(r.per_second, r.recent_per_second);
}

TEST(RateWindow, OldRequestsLeaveTheWindow) {
  RateWindow w(seconds(10));
  for (int i = 0; i < 50; ++i)
    w.Record(kT0, milliseconds(1));
  EXPECT_GT(w.Read(kT0 + seconds(9)).per_second, 0);
  EXPECT_EQ(w.Read(kT0 + seconds(10)).per_second, 0);
  // A bucket reused for a later second starts from zero.
  w.Record(kT0 + seconds(11), milliseconds(1));
  EXPECT_NEAR(w.Read(kT0 + seconds(11) + milliseconds(500)).per_second, 1 / 9.5, 1e-9);
}

TEST(InstanceHistory, SamplesOnePointPerStepWithTheCountInForce) {
  InstanceHistory h(seconds(60));
  h.Record(kT0, 1);
  h.Record(kT0 + seconds(25), 3);
  h.Record(kT0 + seconds(26), 3);  // no change
  auto points = h.Sample(kT0 + seconds(40), seconds(10));
  ASSERT_EQ(points.size(), 5u);  // the last aligned point is now itself
  EXPECT_EQ(points[0].count, 1);
  EXPECT_EQ(points[2].count, 1);  // t0 + 20 s
  EXPECT_EQ(points[3].count, 3);  // t0 + 30 s
  EXPECT_EQ(points[4].time_ms - points[0].time_ms, 40'000);
  points = h.Sample(kT0 + seconds(45), seconds(10));
  ASSERT_EQ(points.size(), 6u);
  EXPECT_EQ(points.back().time_ms - points[4].time_ms, 5'000);  // now, between steps
  EXPECT_EQ(points.back().count, 3);
}

TEST(InstanceHistory, KeepsOnlyTheSpan) {
  InstanceHistory h(seconds(60));
  h.Record(kT0, 1);
  h.Record(kT0 + seconds(100), 2);
  h.Record(kT0 + seconds(200), 4);
  const auto points = h.Sample(kT0 + seconds(200), seconds(10));
  ASSERT_EQ(points.size(), 7u);  // t0+140 s .. t0+200 s
  EXPECT_EQ(points.front().count, 2);
  EXPECT_EQ(points.back().count, 4);
}

}  // namespace
}  // namespace kiln
