// Penalized least squares on the weighted Gram matrix: minimizes
//   sum_i w_i (y_i - b - x_i . beta)^2 / (2 sum_i w_i) + a1 ||beta||_1 + a2 / 2 ||beta||^2.
// One pass over the rows builds the (centered, when fitting an intercept) cols x cols Gram matrix;
// the rest works on it alone: a Cholesky solve when a1 == 0 (minimum-norm least squares when
// a2 == 0 too), else cyclic coordinate descent (glmnet's covariance method). Private to the
// linear learner.
//
// Thread-safety: a pure function; it may use up to num_threads threads and its result does not
// depend on their number.
#pragma once

#include <functional>
#include <span>
#include <vector>

#include "common/status.h"
#include "learn/linear/owlqn.h"
#include "learn/matrix.h"

namespace kiln {

struct LeastSquaresOptions {
  double a1 = 0;  // L1 strength
  double a2 = 0;  // L2 strength
  bool fit_intercept = true;
  int max_iter = 500;  // coordinate-descent sweeps
  double tol = 1e-6;   // as OwlqnOptions::tol, on the subgradient of the objective
  int num_threads = 1;
  std::function<bool()> should_stop;  // asked between row blocks and sweeps
};

struct LeastSquaresFit {
  std::vector<double> coefficients;  // x.cols
  double intercept = 0;
  double objective = 0;
  int iterations = 0;
  SolverStop stop = SolverStop::kClosedForm;
};

// REQUIRES sizes match x.rows, weights >= 0 with a positive sum, finite inputs.
// DeadlineExceeded when should_stop fires before the Gram matrix is complete.
Result<LeastSquaresFit> FitLeastSquares(const Matrix& x, std::span<const float> y,
                                        std::span<const double> weights,
                                        const LeastSquaresOptions& options);

}  // namespace kiln
