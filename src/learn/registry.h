// The registry of built-in learners: the single place that maps algorithm names to implementations.
// Registration is explicit (no static initializers). Thread-safe: stateless functions.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "learn/learner.h"

namespace kiln {

// Names accepted by MakeLearner for supervised tasks, e.g. {"xgboost", "linear"}.
std::vector<std::string> SupervisedAlgorithms();

// Validates `params` for `algorithm` and returns a learner. Unknown algorithm, unknown
// hyperparameter name or bad value -> InvalidArgument naming it and the accepted names or range.
Result<std::unique_ptr<Learner>> MakeLearner(std::string_view algorithm, const HyperParams& params,
                                             Task task, int num_classes);

// Restores a model written by Model::Serialize. Corruption if the bytes do not decode.
Result<std::unique_ptr<Model>> LoadModel(std::string_view algorithm, std::string_view bytes,
                                         Task task, int num_classes);

}  // namespace kiln
