#include "automl/ensemble_selection.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "automl/cv_evaluator.h"

namespace kiln {
namespace {

// Two regression "models" with independent noise: their mean beats either one.
TEST(EnsembleSelectionTest, AveragingIndependentErrorsBeatsTheBestSingleModel) {
  std::mt19937_64 rng(1);
  std::normal_distribution<double> noise(0, 1);
  const int n = 2000;
  std::vector<float> y(n);
  std::vector<double> a(n), b(n), bad(n);
  for (int i = 0; i < n; ++i) {
    y[i] = static_cast<float>(i % 10);
    a[i] = y[i] + noise(rng);
    b[i] = y[i] + noise(rng);
    bad[i] = y[i] + 5 * noise(rng);
  }
  EnsembleSelection s = SelectEnsemble({&a, &b, &bad}, y, Task::kRegression, 0, Metric::kRmse, 20);
  double single = std::min(ScoreMargins(Metric::kRmse, Task::kRegression, 0, y, a),
                           ScoreMargins(Metric::kRmse, Task::kRegression, 0, y, b));
  EXPECT_LT(s.score, single * 0.8);
  EXPECT_GT(s.weights[0], 0.3);
  EXPECT_GT(s.weights[1], 0.3);
  EXPECT_LT(s.weights[2], 0.1);
  EXPECT_NEAR(s.weights[0] + s.weights[1] + s.weights[2], 1.0, 1e-12);
}

TEST(EnsembleSelectionTest, NeverWorseThanTheBestCandidate) {
  const int n = 500;
  std::vector<float> y(n);
  std::vector<double> good(n), worse(n);
  for (int i = 0; i < n; ++i) {
    y[i] = i % 2;
    good[i] = y[i] > 0 ? 2.0 : -2.0;               // separates perfectly
    worse[i] = (i % 3 == 0) ? -good[i] : good[i];  // a third flipped
  }
  EnsembleSelection s = SelectEnsemble({&worse, &good}, y, Task::kBinary, 2, Metric::kLogLoss, 10);
  EXPECT_LE(s.score, ScoreMargins(Metric::kLogLoss, Task::kBinary, 2, y, good) + 1e-12);
  EXPECT_EQ(s.weights[1], 1.0);
}

}  // namespace
}  // namespace kiln
