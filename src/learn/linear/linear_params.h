// LinearParams: the validated hyperparameters of the linear learner.
//
// The learner minimizes
//   sum_i w_i loss_i / sum_i w_i + alpha * (l1_ratio * ||W||_1 + (1 - l1_ratio) / 2 * ||W||_2^2)
// with the intercepts unpenalized (scikit-learn's ElasticNet / SGD convention). loss is half the
// squared error for regression, log loss for classification (binary sigmoid or K-class softmax).
// Equivalences with scikit-learn on n rows: Ridge(alpha = alpha * n);
// ElasticNet(alpha = alpha, l1_ratio = l1_ratio); LogisticRegression(C = 1 / (alpha * n)) with the
// same l1_ratio (penalty "l2", "l1" or "elasticnet") and sample weights rescaled to sum to n.
//
// A plain value type: copy freely; thread-safe as any const object.
#pragma once

#include "common/status.h"
#include "learn/learner.h"
#include "learn/task.h"

namespace kiln {

struct LinearParams {
  double alpha = 1e-4;        // penalty strength, >= 0
  double l1_ratio = 0;        // share of L1 in the penalty, [0, 1]
  int max_iter = 500;         // solver iterations (quasi-Newton steps or coordinate sweeps), >= 1
  double tol = 1e-6;          // stop when the largest (sub)gradient component of the objective is
                              // <= tol * max(1, its value at the start), > 0
  bool fit_intercept = true;  // learn unpenalized intercepts
  bool balanced_class_weight = false;  // class_weight "balanced": row weight n / (K * n_class)

  // Names accepted by ParseLinearParams, sorted.
  static const char* const kNames[6];

  // Validates user hyperparameters. Unknown name -> InvalidArgument listing valid names; a bad
  // value -> InvalidArgument naming the hyperparameter, the value and the accepted range.
  static Result<LinearParams> Parse(const HyperParams& params, Task task);

  // Every hyperparameter spelled canonically ("alpha" -> "0.0001", "fit_intercept" -> "true").
  HyperParams ToHyperParams() const;
};

}  // namespace kiln
