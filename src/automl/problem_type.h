// Problem-type inference and label encoding for a target column.
//
// Rules (AutoML-benchmark conventions): two distinct values -> binary; non-numeric targets, and
// integer targets with at most 20 distinct values -> multiclass; other numeric -> regression
// (abalone, integer with 28 values, is regression). Thread-safe: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "learn/task.h"
#include "table/table.h"

namespace kiln {

struct ProblemType {
  Task task = Task::kRegression;
  std::string reason;  // e.g. "integer target with 28 distinct values (more than 20): regression"
};

// Infers the task from the target column (which must carry dictionary codes, see
// ReadOptions::dictionary_columns). `forced` overrides inference but is still checked (a regression
// target must be numeric; a classification target needs at least two classes).
Result<ProblemType> InferProblemType(const Column& target, std::optional<Task> forced);

// The training labels: class names (sorted numerically when all are numbers, else by bytes) and one
// y per row: class index, or the value for regression. Rows whose target is missing get NaN.
struct EncodedTarget {
  std::vector<std::string> class_labels;  // empty for regression
  std::vector<float> y;
};
EncodedTarget EncodeTarget(const Column& target, Task task);

}  // namespace kiln
