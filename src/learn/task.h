// Task: the kind of supervised problem a model solves.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace kiln {

enum class Task : std::uint8_t { kBinary, kMulticlass, kRegression };

// "binary", "multiclass", "regression".
const char* TaskName(Task task);
Result<Task> ParseTask(std::string_view name);

// Number of prediction outputs per row: 1 for regression and binary (probability of class 1), K for
// multiclass (one probability per class).
inline int NumOutputs(Task task, int num_classes) {
  return task == Task::kMulticlass ? num_classes : 1;
}

}  // namespace kiln
