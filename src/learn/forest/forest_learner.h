// Random forests and extra-trees (extremely randomized trees), for classification and regression.
#pragma once

#include <memory>
#include <string_view>

#include "common/status.h"
#include "learn/learner.h"

namespace kiln {

// `algorithm` is "random_forest" or "extra_trees". Validates hyperparameters (scikit-learn's names);
// InvalidArgument names a bad one.
Result<std::unique_ptr<Learner>> MakeForestLearner(std::string_view algorithm,
                                                   const HyperParams& params, Task task,
                                                   int num_classes);
Result<std::unique_ptr<Model>> LoadForestModel(std::string_view algorithm, std::string_view bytes,
                                               Task task, int num_classes);

}  // namespace kiln
