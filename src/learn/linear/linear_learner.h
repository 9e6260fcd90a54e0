// Linear and logistic regression with L1 / L2 / elastic-net penalties (binary and multinomial).
//
// Hyperparameters (objective and scikit-learn equivalences in linear_params.h): alpha (>= 0,
// default 1e-4), l1_ratio ([0, 1], 0), max_iter (>= 1, 500), tol (> 0, 1e-6), fit_intercept
// (true/false, true), class_weight ("none"/"balanced", none). Features must be finite (imputed).
// Regression solves on the Gram matrix (Cholesky, or coordinate descent with L1); classification
// uses OWL-QN (L-BFGS when l1_ratio == 0) over the full softmax. Fit ignores `valid` (no early
// stopping), checks the deadline before starting (DeadlineExceeded) and once per solver iteration
// (returning the model so far, Info()["stop"] == "deadline"), and gives bit-identical models for
// any num_threads. Models are LinearModel (linear_model.h).
#pragma once

#include <memory>
#include <string_view>

#include "common/status.h"
#include "learn/learner.h"

namespace kiln {

// Validates hyperparameters (see docs) and returns the learner; InvalidArgument names a bad one.
Result<std::unique_ptr<Learner>> MakeLinearLearner(const HyperParams& params, Task task,
                                                   int num_classes);
Result<std::unique_ptr<Model>> LoadLinearModel(std::string_view bytes, Task task, int num_classes);

}  // namespace kiln
