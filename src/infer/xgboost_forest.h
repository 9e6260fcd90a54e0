// CompileXgboostModel: an XGBoost model document (JSON as XGBoosterSaveModelToBuffer writes with
// {"format":"json"}, or UBJSON with {"format":"ubj"}; libxgboost 1.7's schema) compiled into a
// CompiledForest that predicts what XGBoosterPredictFromDense predicts (all trees or an iteration
// range, NaN missing).
//
// Compiled: gbtree and dart boosters (dart's weight_drop folded into the leaves), any
// num_parallel_tree, multiclass tree groups (tree_info), numerical splits with default
// directions, categorical splits (native categories, partition and one-hot: the listed categories
// go right, as XGBoost 1.7's Decision), and the objectives of xgboost_objective.h. Anything else
// (gblinear, vector leaves, multi-target models, an unknown objective) is a FailedPrecondition
// saying why, so the caller keeps libxgboost for that model. A corrupt document is a
// FailedPrecondition too, never a crash.
//
// Thread-safety: a pure function.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "infer/compiled_forest.h"

namespace kiln {

struct CompiledXgboostModel {
  CompiledForest forest;
  std::string booster;    // "gbtree" or "dart"
  std::string objective;  // e.g. "binary:logistic"
  // kProbeRows rows (num_features floats each) that exercise the model's splits (probe_rows.h),
  // for checking the compiled model against libxgboost.
  std::vector<float> probe_rows;
};

inline constexpr std::size_t kProbeRows = 64;

struct XgboostCompileOptions {
  // Boosting rounds [iteration_begin, iteration_end) only, as XGBoost's iteration_range (a round
  // is num_parallel_tree trees per class); 0, 0 = every tree, what serving uses.
  int iteration_begin = 0;
  int iteration_end = 0;
};

Result<CompiledXgboostModel> CompileXgboostModel(std::string_view document,
                                                 const XgboostCompileOptions& options = {});

}  // namespace kiln
