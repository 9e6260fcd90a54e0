// LogisticObjective: the smooth part of the logistic-regression objective and its gradient,
//   sum_i w_i loss_i / sum_i w_i + l2 / 2 * ||W||^2,
// where loss_i is the log loss of a sigmoid (one output, labels 0/1) or a softmax over K outputs
// (labels 0..K-1). Parameters are laid out as W (outputs x cols, row-major) then, with an
// intercept, one unpenalized intercept per output. Private to the linear learner.
//
// Thread-safety: not thread-safe (keeps per-task scratch); owned by one Fit call, which it may
// parallelize internally over rows. Results do not depend on the thread count.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "learn/linear/row_tasks.h"
#include "learn/matrix.h"

namespace kiln {

class LogisticObjective {
 public:
  // REQUIRES y.size() == weights.size() == x.rows, labels in 0..max(outputs, 2)-1, weights >= 0
  // with a positive sum. `x`, `y` and `weights` must outlive the objective.
  LogisticObjective(const Matrix& x, std::span<const float> y, std::span<const double> weights,
                    int outputs, bool fit_intercept, double l2, int num_threads);

  std::size_t num_params() const { return num_params_; }

  // Returns the objective at `theta` and writes its gradient into `grad`.
  double operator()(std::span<const double> theta, std::span<double> grad);

 private:
  void RunTask(std::size_t task, std::span<const double> theta);

  const Matrix& x_;
  std::span<const float> y_;
  std::span<const double> weights_;
  int outputs_;
  bool fit_intercept_;
  double l2_;
  int num_threads_;
  double weight_sum_ = 0;
  std::size_t num_params_;
  RowTasks tasks_;
  std::vector<double> partial_loss_;  // per task
  std::vector<double> partial_grad_;  // per task, num_params_ each
};

}  // namespace kiln
