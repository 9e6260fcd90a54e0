#include "learn/linear/owlqn.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace kiln {
namespace {

// f(x) = sum_j c_j / 2 (x_j - t_j)^2, a separable quadratic with known L1 solutions.
double Quadratic(std::span<const double> x, std::span<double> g) {
  static const double c[] = {1, 10, 100};
  static const double t[] = {3, -0.05, 2};
  double f = 0;
  for (std::size_t j = 0; j < 3; ++j) {
    f += 0.5 * c[j] * (x[j] - t[j]) * (x[j] - t[j]);
    g[j] = c[j] * (x[j] - t[j]);
  }
  return f;
}

TEST(OwlqnTest, SmoothCaseFindsTheMinimum) {
  std::vector<double> x(3, 0.0), l1(3, 0.0);
  OwlqnResult r = MinimizeOwlqn(Quadratic, l1, x, {.max_iter = 100, .tol = 1e-12});
  EXPECT_EQ(r.stop, SolverStop::kConverged);
  EXPECT_NEAR(x[0], 3, 1e-10);
  EXPECT_NEAR(x[1], -0.05, 1e-10);
  EXPECT_NEAR(x[2], 2, 1e-10);
}

TEST(OwlqnTest, L1SoftThresholdsEachCoordinate) {
  // Minimizer: x_j = sign(t_j) max(|t_j| - l1 / c_j, 0) = {2, 0 (|-0.05| < 1/10), 1.99}.
  std::vector<double> x(3, 0.0), l1(3, 1.0);
  OwlqnResult r = MinimizeOwlqn(Quadratic, l1, x, {.max_iter = 200, .tol = 1e-12});
  EXPECT_EQ(r.stop, SolverStop::kConverged);
  EXPECT_NEAR(x[0], 2, 1e-9);
  EXPECT_EQ(x[1], 0.0);
  EXPECT_NEAR(x[2], 1.99, 1e-9);
  EXPECT_NEAR(r.objective, 0.5 * 1 + 0.5 * 10 * 0.0025 + 0.5 * 100 * 1e-4 + 2 + 1.99, 1e-9);
}

TEST(OwlqnTest, ShouldStopEndsBeforeTheFirstStep) {
  std::vector<double> x(3, 0.0), l1(3, 0.0);
  OwlqnOptions o;
  o.should_stop = [] { return true; };
  OwlqnResult r = MinimizeOwlqn(Quadratic, l1, x, o);
  EXPECT_EQ(r.stop, SolverStop::kDeadline);
  EXPECT_EQ(r.iterations, 0);
  EXPECT_EQ(x, std::vector<double>(3, 0.0));
}

}  // namespace
}  // namespace kiln
