// Linear and logistic regression with L1 / L2 / elastic-net penalties (binary and multinomial).
#pragma once

#include <memory>
#include <string_view>

#include "common/status.h"
#include "learn/learner.h"

namespace kiln {

// Validates hyperparameters (see docs) and returns the learner; InvalidArgument names a bad one.
Result<std::unique_ptr<Learner>> MakeLinearLearner(const HyperParams& params, Task task,
                                                   int num_classes);
Result<std::unique_ptr<Model>> LoadLinearModel(std::string_view bytes, Task task, int num_classes);

}  // namespace kiln
