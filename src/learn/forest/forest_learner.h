// Random forests and extra-trees (extremely randomized trees), for classification and regression.
//
// scikit-learn's algorithms and hyperparameter names (forest_params.h), with these differences:
//  - Features are quantized to at most 255 quantile bins per column before training
//    (feature_bins.h); columns with at most 255 distinct values split exactly as scikit-learn.
//    Extra-trees draw each threshold uniformly between the node's smallest and largest value and
//    round it to a bin edge.
//  - Missing values (NaN) are allowed: each split learns a default direction for them
//    (tree_builder.h) that prediction follows.
//  - TrainSet::categorical is ignored: category codes 0..n-1 are split as ordinal numbers, which
//    forests handle well enough (a category set is reached through several splits).
//  - Trees store margins (smoothed log-probabilities, forest_model.h) and the forest averages them,
//    so predictions, margins and TreeSHAP contributions are consistent and additive.
//  - Training honours FitContext: trees are grown in parallel on num_threads threads, each from a
//    seed derived from (ctx.seed, tree index), so the model is the same for any thread count; past
//    the deadline no new tree starts and the trees complete so far are kept (Info "stop" is
//    "deadline"); DeadlineExceeded only when none is.
#pragma once

#include <memory>
#include <string_view>

#include "common/status.h"
#include "learn/learner.h"

namespace kiln {

// `algorithm` is "random_forest" or "extra_trees". Validates hyperparameters (scikit-learn's
// names); InvalidArgument names a bad one.
Result<std::unique_ptr<Learner>> MakeForestLearner(std::string_view algorithm,
                                                   const HyperParams& params, Task task,
                                                   int num_classes);
Result<std::unique_ptr<Model>> LoadForestModel(std::string_view algorithm, std::string_view bytes,
                                               Task task, int num_classes);

}  // namespace kiln
