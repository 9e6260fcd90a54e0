// XgboostParams: the validated hyperparameters of the XGBoost learner (its configuration, kept
// apart from the learned state in XgboostModel).
//
// Names are XGBoost's own (as SageMaker's XGBoost container also uses them), plus aliases that map
// 1:1 onto a canonical name: learning_rate -> eta, min_split_loss -> gamma, reg_lambda -> lambda,
// reg_alpha -> alpha, n_estimators / num_boost_round -> num_round. `verbosity` is accepted (0..3)
// for SageMaker compatibility and ignored: libxgboost runs silent inside Kiln.
//
// Thread-safety: an immutable value once parsed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "learn/learner.h"
#include "learn/task.h"

namespace kiln {

struct XgboostParams {
  // Every effective hyperparameter under its canonical name, defaults included (Learner::params()).
  // Feeding it back to ParseXgboostParams yields equal params. `seed` appears only when given.
  HyperParams canonical;

  int num_round = 100;
  int early_stopping_rounds = 0;  // 0 = no early stopping
  std::optional<std::int64_t> seed;
  std::string objective;  // as passed to libxgboost (multi:softmax -> multi:softprob)
  std::vector<std::string> eval_metrics;  // early stopping watches the last one
  std::string tree_method;

  // The parameters to hand to XGBoosterSetParam, in a fixed order (excludes num_round,
  // early_stopping_rounds and seed, which the training loop owns).
  std::vector<std::pair<std::string, std::string>> booster_args;
};

// Validates `params` for `task`. Unknown name -> InvalidArgument listing the accepted names; bad
// value
// -> InvalidArgument such as `hyperparameter "max_depth": "-1" must be an integer ≥ 0`.
Result<XgboostParams> ParseXgboostParams(const HyperParams& params, Task task, int num_classes);

// The objectives the installed libxgboost (1.7) offers for `task` whose predictions are
// probabilities (classification) or values (regression); the first is the default.
const std::vector<std::string>& XgboostObjectivesFor(Task task);

// True when `metric` is better when larger (auc, aucpr).
bool XgboostMetricMaximizes(const std::string& metric);

}  // namespace kiln
