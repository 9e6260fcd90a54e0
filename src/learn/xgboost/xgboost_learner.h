// Gradient-boosted trees through libxgboost's C API.
#pragma once

#include <memory>
#include <string_view>

#include "common/status.h"
#include "learn/learner.h"

namespace kiln {

// Validates hyperparameters (XGBoost's names plus SageMaker's aliases such as num_round and eta)
// and returns the learner; InvalidArgument names a bad one.
Result<std::unique_ptr<Learner>> MakeXgboostLearner(const HyperParams& params, Task task,
                                                    int num_classes);
Result<std::unique_ptr<Model>> LoadXgboostModel(std::string_view bytes, Task task, int num_classes);

}  // namespace kiln
