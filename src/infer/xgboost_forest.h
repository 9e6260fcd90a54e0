// CompileXgboostModel: an XGBoost model document (JSON as XGBoosterSaveModelToBuffer writes with
// {"format":"json"}, or UBJSON with {"format":"ubj"}; libxgboost 1.7's schema) compiled into a
// CompiledForest that predicts what XGBoosterPredictFromDense predicts (all trees, NaN missing).
//
// Compiled: gbtree and dart boosters (dart's weight_drop folded into the leaves), any
// num_parallel_tree, multiclass tree groups (tree_info), numerical splits with
// default directions, and the objectives of xgboost_objective.h. Anything else (categorical splits,
// gblinear, vector leaves, multi-target models, an unknown objective) is a FailedPrecondition
// saying why, so the caller keeps libxgboost for that model. A corrupt document is a
// FailedPrecondition too, never a crash.
//
// Thread-safety: a pure function.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "infer/compiled_forest.h"

namespace kiln {

struct CompiledXgboostModel {
  CompiledForest forest;
  std::string booster;    // "gbtree" or "dart"
  std::string objective;  // e.g. "binary:logistic"
};

Result<CompiledXgboostModel> CompileXgboostModel(std::string_view document);

}  // namespace kiln
