// k-nearest neighbours for classification and regression.
#pragma once

#include <memory>
#include <string_view>

#include "common/status.h"
#include "learn/learner.h"

namespace kiln {

// Validates hyperparameters (scikit-learn's names); InvalidArgument names a bad one.
Result<std::unique_ptr<Learner>> MakeKnnLearner(const HyperParams& params, Task task,
                                                int num_classes);
Result<std::unique_ptr<Model>> LoadKnnModel(std::string_view bytes, Task task, int num_classes);

}  // namespace kiln
