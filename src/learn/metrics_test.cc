#include "learn/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace kiln {
namespace {

// Reference values come from scikit-learn 1.2.1 (roc_auc_score, log_loss(eps=1e-15),
// accuracy_score, balanced_accuracy_score, f1_score, precision_score, recall_score,
// mean_squared_error, mean_absolute_error, r2_score, mean_absolute_percentage_error) on these
// arrays.
const std::vector<float> kBinaryY = {0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 1};
const std::vector<double> kBinaryP = {0.1, 0.8, 0.35, 0.35, 0.9, 0.2,
                                      0.6, 0.6, 0.5,  0.05, 0.7, 0.35};
const std::vector<float> kBinaryW = {1, 2, 0.5, 1, 1, 3, 1, 1, 2, 1, 0.5, 1};

const std::vector<float> kMultiY = {0, 2, 1, 1, 0, 2, 2, 1, 0, 1};
const std::vector<double> kMultiP = {0.7, 0.2,  0.1, 0.1,  0.3, 0.6,  0.2,  0.5, 0.3, 0.6,
                                     0.3, 0.1,  0.3, 0.3,  0.4, 0.2,  0.2,  0.6, 0.1, 0.8,
                                     0.1, 0.25, 0.5, 0.25, 0.5, 0.25, 0.25, 0.3, 0.4, 0.3};
const std::vector<float> kMultiW = {1, 2, 1, 0.5, 1, 1, 3, 1, 2, 1};

const std::vector<float> kRegY = {3.0, -0.5, 2.0, 7.0, 4.25, 1.5};
const std::vector<double> kRegP = {2.5, 0.0, 2.1, 7.8, 3.9, 1.0};
const std::vector<float> kRegW = {1, 2, 1, 0.5, 1, 3};

constexpr double kTol = 1e-12;

double Binary(Metric m, bool weighted) {
  return ComputeMetric(m, Task::kBinary, 2, kBinaryY, kBinaryP,
                       weighted ? std::span<const float>(kBinaryW) : std::span<const float>());
}
double Multi(Metric m, bool weighted) {
  return ComputeMetric(m, Task::kMulticlass, 3, kMultiY, kMultiP,
                       weighted ? std::span<const float>(kMultiW) : std::span<const float>());
}
double Reg(Metric m, bool weighted) {
  return ComputeMetric(m, Task::kRegression, 0, kRegY, kRegP,
                       weighted ? std::span<const float>(kRegW) : std::span<const float>());
}

TEST(MetricsTest, BinaryMetricsMatchScikitLearn) {
  EXPECT_NEAR(Binary(Metric::kAuc, false), 0.87142857142857144, kTol);
  EXPECT_NEAR(Binary(Metric::kLogLoss, false), 0.47630558946335461, kTol);
  EXPECT_NEAR(Binary(Metric::kAccuracy, false), 0.66666666666666663, kTol);
  EXPECT_NEAR(Binary(Metric::kBalancedAccuracy, false), 0.68571428571428572, kTol);
  EXPECT_NEAR(Binary(Metric::kF1, false), 0.66666666666666663, kTol);
  EXPECT_NEAR(Binary(Metric::kF1Macro, false), 0.66666666666666663, kTol);
  EXPECT_NEAR(Binary(Metric::kPrecision, false), 0.80000000000000004, kTol);
  EXPECT_NEAR(Binary(Metric::kRecall, false), 0.5714285714285714, kTol);
}

TEST(MetricsTest, WeightedBinaryMetricsMatchScikitLearn) {
  EXPECT_NEAR(Binary(Metric::kAuc, true), 0.9151785714285714, kTol);
  EXPECT_NEAR(Binary(Metric::kLogLoss, true), 0.42499975825627495, kTol);
  EXPECT_NEAR(Binary(Metric::kAccuracy, true), 0.69999999999999996, kTol);
  EXPECT_NEAR(Binary(Metric::kBalancedAccuracy, true), 0.7098214285714286, kTol);
  EXPECT_NEAR(Binary(Metric::kF1, true), 0.66666666666666663, kTol);
  EXPECT_NEAR(Binary(Metric::kF1Macro, true), 0.69696969696969702, kTol);
  EXPECT_NEAR(Binary(Metric::kPrecision, true), 0.81818181818181823, kTol);
  EXPECT_NEAR(Binary(Metric::kRecall, true), 0.5625, kTol);
}

TEST(MetricsTest, MulticlassMetricsMatchScikitLearn) {
  EXPECT_NEAR(Multi(Metric::kLogLoss, false), 0.90845891666706213, kTol);
  EXPECT_NEAR(Multi(Metric::kAccuracy, false), 0.69999999999999996, kTol);
  EXPECT_NEAR(Multi(Metric::kBalancedAccuracy, false), 0.69444444444444431, kTol);
  EXPECT_NEAR(Multi(Metric::kF1Macro, false), 0.69444444444444431, kTol);
  EXPECT_NEAR(Multi(Metric::kPrecision, false), 0.69444444444444431, kTol);
  EXPECT_NEAR(Multi(Metric::kRecall, false), 0.69444444444444431, kTol);
}

TEST(MetricsTest, WeightedMulticlassMetricsMatchScikitLearn) {
  EXPECT_NEAR(Multi(Metric::kLogLoss, true), 1.058647833690495, kTol);
  EXPECT_NEAR(Multi(Metric::kAccuracy, true), 0.66666666666666663, kTol);
  EXPECT_NEAR(Multi(Metric::kBalancedAccuracy, true), 0.70238095238095244, kTol);
  EXPECT_NEAR(Multi(Metric::kF1Macro, true), 0.67719298245614035, kTol);
  EXPECT_NEAR(Multi(Metric::kPrecision, true), 0.70238095238095244, kTol);
  EXPECT_NEAR(Multi(Metric::kRecall, true), 0.70238095238095244, kTol);
}

TEST(MetricsTest, RegressionMetricsMatchScikitLearn) {
  EXPECT_NEAR(Reg(Metric::kRmse, false), 0.50373604199024713, kTol);
  EXPECT_NEAR(Reg(Metric::kMae, false), 0.45833333333333331, kTol);
  EXPECT_NEAR(Reg(Metric::kR2, false), 0.95381990521327009, kTol);
  EXPECT_NEAR(Reg(Metric::kMape, false), 0.29110644257703083, kTol);
  EXPECT_NEAR(Reg(Metric::kRmse, true), 0.47927641539401994, kTol);
  EXPECT_NEAR(Reg(Metric::kMae, true), 0.45294117647058824, kTol);
  EXPECT_NEAR(Reg(Metric::kR2, true), 0.93849681528662421, kTol);
  EXPECT_NEAR(Reg(Metric::kMape, true), 0.39484264293952875, kTol);
}

TEST(MetricsTest, AucCountsTiedScoresAsHalf) {
  const std::vector<float> y = {0, 1, 0, 1};
  const std::vector<double> p = {0.5, 0.5, 0.5, 0.5};
  EXPECT_DOUBLE_EQ(ComputeMetric(Metric::kAuc, Task::kBinary, 2, y, p), 0.5);
  const std::vector<double> perfect = {0.1, 0.9, 0.2, 0.8};
  EXPECT_DOUBLE_EQ(ComputeMetric(Metric::kAuc, Task::kBinary, 2, y, perfect), 1.0);
}

TEST(MetricsTest, AucWithOneClassIsNaN) {
  const std::vector<float> y = {1, 1, 1};
  const std::vector<double> p = {0.2, 0.5, 0.9};
  EXPECT_TRUE(std::isnan(ComputeMetric(Metric::kAuc, Task::kBinary, 2, y, p)));
}

TEST(MetricsTest, LogLossClipsCertainMistakes) {
  const std::vector<float> y = {1, 0};
  const std::vector<double> p = {0.0, 1.0};
  EXPECT_NEAR(ComputeMetric(Metric::kLogLoss, Task::kBinary, 2, y, p), -std::log(1e-15), 1e-9);
}

TEST(MetricsTest, MapeSkipsZeroTargets) {
  const std::vector<float> y = {0, 2, 4};
  const std::vector<double> p = {5, 1, 5};
  EXPECT_DOUBLE_EQ(ComputeMetric(Metric::kMape, Task::kRegression, 0, y, p), (0.5 + 0.25) / 2);
  const std::vector<float> zeros = {0, 0};
  const std::vector<double> p2 = {1, 2};
  EXPECT_TRUE(std::isnan(ComputeMetric(Metric::kMape, Task::kRegression, 0, zeros, p2)));
}

TEST(MetricsTest, R2OfConstantTargetFollowsScikitLearn) {
  const std::vector<float> y = {2, 2};
  const std::vector<double> exact = {2, 2};
  const std::vector<double> off = {1, 3};
  EXPECT_EQ(ComputeMetric(Metric::kR2, Task::kRegression, 0, y, exact), 1.0);
  EXPECT_EQ(ComputeMetric(Metric::kR2, Task::kRegression, 0, y, off), 0.0);
}

TEST(MetricsTest, PrecisionWithoutPositivePredictionsIsZero) {
  const std::vector<float> y = {0, 1};
  const std::vector<double> p = {0.1, 0.2};
  EXPECT_EQ(ComputeMetric(Metric::kPrecision, Task::kBinary, 2, y, p), 0.0);
  EXPECT_EQ(ComputeMetric(Metric::kF1, Task::kBinary, 2, y, p), 0.0);
}

TEST(MetricsTest, UnsupportedTaskOrEmptyInputIsNaN) {
  EXPECT_TRUE(std::isnan(Multi(Metric::kAuc, false)));
  EXPECT_TRUE(std::isnan(Reg(Metric::kAccuracy, false)));
  EXPECT_TRUE(std::isnan(ComputeMetric(Metric::kRmse, Task::kRegression, 0, {}, {})));
}

TEST(MetricsTest, ParseMetricAcceptsNamesAliasesAndAnyCase) {
  for (Metric m : {Metric::kAuc, Metric::kLogLoss, Metric::kAccuracy, Metric::kBalancedAccuracy,
                   Metric::kF1, Metric::kF1Macro, Metric::kPrecision, Metric::kRecall,
                   Metric::kRmse, Metric::kMae, Metric::kR2, Metric::kMape}) {
    Result<Metric> parsed = ParseMetric(MetricName(m));
    ASSERT_TRUE(parsed.ok()) << MetricName(m);
    EXPECT_EQ(*parsed, m);
  }
  EXPECT_EQ(*ParseMetric("LOG_LOSS"), Metric::kLogLoss);
  EXPECT_EQ(*ParseMetric("AUC"), Metric::kAuc);
  Result<Metric> bad = ParseMetric("auroc");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.error().message().find("\"auroc\""), std::string::npos);
  EXPECT_NE(bad.error().message().find("balanced_accuracy"), std::string::npos);
}

TEST(MetricsTest, DirectionsDefaultsAndReportsAreConsistent) {
  EXPECT_TRUE(HigherIsBetter(Metric::kAuc));
  EXPECT_TRUE(HigherIsBetter(Metric::kR2));
  EXPECT_FALSE(HigherIsBetter(Metric::kLogLoss));
  EXPECT_FALSE(HigherIsBetter(Metric::kMape));
  EXPECT_EQ(DefaultMetric(Task::kBinary), Metric::kAuc);
  EXPECT_EQ(DefaultMetric(Task::kMulticlass), Metric::kLogLoss);
  EXPECT_EQ(DefaultMetric(Task::kRegression), Metric::kRmse);
  for (Task t : {Task::kBinary, Task::kMulticlass, Task::kRegression}) {
    const std::vector<Metric> reported = ReportedMetrics(t);
    ASSERT_FALSE(reported.empty());
    EXPECT_EQ(reported.front(), DefaultMetric(t));
    for (Metric m : reported)
      EXPECT_TRUE(MetricSupportsTask(m, t)) << MetricName(m);
  }
  EXPECT_FALSE(MetricSupportsTask(Metric::kAuc, Task::kMulticlass));
  EXPECT_FALSE(MetricSupportsTask(Metric::kF1, Task::kMulticlass));
  EXPECT_TRUE(MetricSupportsTask(Metric::kF1Macro, Task::kMulticlass));
  EXPECT_FALSE(MetricSupportsTask(Metric::kRmse, Task::kBinary));
}

}  // namespace
}  // namespace kiln
