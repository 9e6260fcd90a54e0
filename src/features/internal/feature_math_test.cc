#include "features/internal/feature_math.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "features/feature_pipeline.h"
#include "features/internal/column_encoder.h"

namespace kiln::features_internal {
namespace {

TEST(FeatureMathTest, Fnv1aMatchesPublishedTestVectors) {
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(Fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

TEST(FeatureMathTest, HashTokensLowercasesAndSplitsOnNonAlphanumerics) {
  std::vector<std::pair<int, int>> buckets;
  EXPECT_EQ(HashTokens("Hello, hello-WORLD!! 42", 1 << 20, &buckets), 4u);
  std::vector<std::pair<int, int>> expected = {{static_cast<int>(Fnv1a64("hello") % (1 << 20)), 2},
                                               {static_cast<int>(Fnv1a64("world") % (1 << 20)), 1},
                                               {static_cast<int>(Fnv1a64("42") % (1 << 20)), 1}};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(buckets, expected);
  EXPECT_EQ(HashTokens(" ,;! ", 8, &buckets), 0u);
  EXPECT_TRUE(buckets.empty());
  // Non-ASCII bytes stay inside a token ("café" is one word).
  EXPECT_EQ(HashTokens("caf\xc3\xa9 au lait", 8, &buckets), 3u);
}

TEST(FeatureMathTest, MedianOfEvenAndOddCounts) {
  EXPECT_EQ(Median({3, 1, 2}), 2.0);
  EXPECT_EQ(Median({4, 1, 3, 2}), 2.5);
  EXPECT_EQ(Median({7}), 7.0);
}

TEST(FeatureMathTest, ScalersAreConstantSafe) {
  std::vector<double> constant(5, 3.0);
  for (Scaling s : {Scaling::kStandard, Scaling::kRobust}) {
    Affine a = FitScaler(constant, s);
    EXPECT_EQ(a.scale, 1.0);
    EXPECT_EQ(a.Apply(3.0, 10), 0.0f);
  }
  // Robust falls back to the standard deviation when the IQR is 0.
  std::vector<double> mostly_zero = {0, 0, 0, 0, 0, 0, 0, 10};
  Affine r = FitScaler(mostly_zero, Scaling::kRobust);
  EXPECT_EQ(r.center, 0.0);
  EXPECT_GT(r.scale, 0.0);
  Affine none = FitScaler(mostly_zero, Scaling::kNone);
  EXPECT_EQ(none.Apply(10, 0), 10.0f);
}

TEST(FeatureMathTest, ToFloatClampsToTheFloatRange) {
  EXPECT_EQ(ToFloat(1e300), std::numeric_limits<float>::max());
  EXPECT_EQ(ToFloat(-1e300), -std::numeric_limits<float>::max());
  EXPECT_TRUE(std::isnan(ToFloat(std::nan(""))));
}

TEST(FeatureMathTest, FoldsAreBalancedAndDeterministic) {
  std::vector<int> a = AssignFolds(103, 5, 42);
  EXPECT_EQ(a, AssignFolds(103, 5, 42));
  EXPECT_NE(a, AssignFolds(103, 5, 43));
  for (int f = 0; f < 5; ++f) {
    auto n = std::count(a.begin(), a.end(), f);
    EXPECT_TRUE(n == 20 || n == 21) << n;
  }
  // Pinned: the assignment must not change across platforms or releases.
  EXPECT_EQ(AssignFolds(10, 3, 1), (std::vector<int>{0, 0, 1, 2, 0, 0, 1, 2, 2, 1}));
}

TEST(FeatureMathTest, DatePartsFollowTheProlepticGregorianCalendar) {
  // 2000-02-29 12:00:00 UTC, a Tuesday.
  double s = 951825600;
  EXPECT_EQ(DatePartValue(s, DatePart::kYear), 2000);
  EXPECT_EQ(DatePartValue(s, DatePart::kMonth), 2);
  EXPECT_EQ(DatePartValue(s, DatePart::kDay), 29);
  EXPECT_EQ(DatePartValue(s, DatePart::kDayOfWeek), 1);
  EXPECT_EQ(DatePartValue(s, DatePart::kHour), 12);
  // 1900-01-01 00:00:00 UTC, a Monday.
  EXPECT_EQ(DatePartValue(-2208988800.0, DatePart::kYear), 1900);
  EXPECT_EQ(DatePartValue(-2208988800.0, DatePart::kDayOfWeek), 0);
}

}  // namespace
}  // namespace kiln::features_internal
