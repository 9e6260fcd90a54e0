// ForestParams: the validated hyperparameters of the random forest and extra-trees learners.
//
// Names and meanings are scikit-learn's (RandomForest* / ExtraTrees*, version >= 1.1):
//   n_estimators       number of trees, default 100
//   criterion          "gini" (default) or "entropy" ("log_loss" is an alias) for classification;
//                      "squared_error" (the only one) for regression
//   max_depth          0 or "none" = unlimited (default; trees stop at depth 500 regardless)
//   min_samples_split  int >= 2, or a fraction in (0, 1] of the rows (ceil(f * n)); default 2
//   min_samples_leaf   int >= 1, or a fraction in (0, 1) of the rows (ceil(f * n)); default 1
//   min_impurity_decrease  >= 0, default 0; a node splits only when
//                      N_t / N * (impurity - N_l / N_t * left - N_r / N_t * right) >= the value
//                      (weighted counts, as scikit-learn)
//   max_features       "sqrt" (default for classification), "log2", an int (that many columns), a
//                      fraction in (0, 1] (default 1.0 for regression), "none" (= all columns)
//   bootstrap          true for random_forest, false for extra_trees
//   max_samples        with bootstrap: "none" (= n, default), an int count, or a fraction in (0, 1]
//   class_weight       "none" (default), "balanced", "balanced_subsample" (classification only)
// As in scikit-learn, a number written without '.' or exponent is an int ("1" is one column or one
// row), otherwise a fraction ("1.0" is all of them).
//
// A plain value type: copy freely; thread-safe as any const object.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/status.h"
#include "learn/learner.h"
#include "learn/task.h"

namespace kiln {

enum class ForestKind : std::uint8_t { kRandomForest, kExtraTrees };
enum class SplitCriterion : std::uint8_t { kGini, kEntropy, kSquaredError };
enum class ClassWeight : std::uint8_t { kNone, kBalanced, kBalancedSubsample };

// An int count or a fraction of a total, as scikit-learn's int/float hyperparameters.
struct CountOrFraction {
  bool is_fraction = false;
  double value = 0;  // the count, or the fraction

  // The count for `total` items: the int, or ceil(fraction * total); at least `min`.
  std::size_t Resolve(std::size_t total, std::size_t min) const;
  std::string ToString() const;
};

struct ForestParams {
  ForestKind kind = ForestKind::kRandomForest;
  int n_estimators = 100;
  SplitCriterion criterion = SplitCriterion::kGini;
  int max_depth = 0;  // 0 = unlimited
  CountOrFraction min_samples_split{false, 2};
  CountOrFraction min_samples_leaf{false, 1};
  double min_impurity_decrease = 0;
  // "sqrt", "log2", "all" or "" (= use max_features_value).
  std::string max_features_rule = "sqrt";
  CountOrFraction max_features_value{true, 1.0};
  bool bootstrap = true;
  CountOrFraction max_samples{true, 1.0};  // used only with bootstrap
  ClassWeight class_weight = ClassWeight::kNone;

  // Names accepted by Parse, sorted.
  static const char* const kNames[10];

  // Defaults for `kind` and `task`, overridden by `params`. Unknown name -> InvalidArgument listing
  // valid names; a bad value -> InvalidArgument naming the hyperparameter, the value and the
  // accepted range.
  static Result<ForestParams> Parse(ForestKind kind, const HyperParams& params, Task task);

  // Every hyperparameter spelled canonically ("max_depth" -> "none", "bootstrap" -> "true").
  HyperParams ToHyperParams() const;

  // Columns examined per split for data with `cols` columns (>= 1).
  std::size_t MaxFeatures(std::size_t cols) const;
};

// "random_forest" or "extra_trees".
const char* ForestKindName(ForestKind kind);

}  // namespace kiln
