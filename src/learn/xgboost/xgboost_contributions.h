// Explanations for XGBoost models: TreeSHAP feature contributions and the raw margin they add up
// to. Both are in margin space (log-odds for binary, per-class scores before softmax for
// multiclass, the link-function input for regression), not in the probability/value space of
// Model::Predict.
//
// Thread-safety: safe to call concurrently on the same model.
#pragma once

#include <vector>

#include "common/status.h"
#include "learn/learner.h"
#include "learn/matrix.h"

namespace kiln {

// TreeSHAP contributions, row-major: rows × (cols + 1) for binary and regression, rows × K × (cols
// + 1) for multiclass; the last entry of each (cols + 1) block is the bias. Each block sums to the
// corresponding Model::PredictMargin value. InvalidArgument when `model` is not an xgboost model or
// x.cols differs from the columns it was trained on.
Result<std::vector<double>> XgboostContributions(const Model& model, const Matrix& x);

}  // namespace kiln
