// Evaluation metrics over predictions in output space (see learner.h).
//
// Classification labels are class indices 0..K-1; `pred` is rows * NumOutputs(task, K), row-major
// (binary: P(class 1)). Regression `pred` is one value per row.
// All functions are pure and thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "learn/task.h"

namespace kiln {

enum class Metric {
  kAuc,
  kLogLoss,
  kAccuracy,
  kBalancedAccuracy,
  kF1,
  kF1Macro,
  kPrecision,
  kRecall,
  kRmse,
  kMae,
  kR2,
  kMape,
};

// "auc", "logloss", "accuracy", "balanced_accuracy", "f1", "f1_macro", "precision", "recall",
// "rmse", "mae", "r2", "mape".
const char* MetricName(Metric m);
// Accepts the names above (case-insensitive, also "log_loss"); InvalidArgument lists valid names.
Result<Metric> ParseMetric(std::string_view name);
bool HigherIsBetter(Metric m);
// Whether the metric applies to the task: AUC and F1 binary only; log loss, accuracy, balanced
// accuracy, F1 macro, precision and recall binary and multiclass; RMSE, MAE, R2, MAPE regression.
bool MetricSupportsTask(Metric m, Task task);
// The default per task, as in the AutoML benchmark: AUC, log loss, RMSE.
Metric DefaultMetric(Task task);
// Metrics reported for a task in leaderboards and reports, default first.
std::vector<Metric> ReportedMetrics(Task task);

// Computes `m`. REQUIRES sizes consistent with task/num_classes. Log loss clips probabilities to
// [1e-15, 1 - 1e-15]. AUC with a single class present returns NaN.
// Definitions match scikit-learn (sample weights optional):
//  - Label metrics predict class 1 when P(class 1) > 0.5 (binary), else the first argmax.
//  - AUC is the weighted probability that a positive outranks a negative, ties counting one half.
//  - F1, precision and recall take class 1 as positive for binary; for multiclass, precision and
//    recall are macro averages, like F1 macro, over the classes present in y or the predictions.
//    An undefined ratio (0/0) counts as 0. Balanced accuracy averages recall over classes in y.
//  - MAPE is a fraction (0.1 = 10%) and skips rows where y == 0; NaN when every y is 0.
//  - R2 is 1 when y is constant and predicted exactly, 0 when y is constant otherwise.
// Returns NaN for empty input or a metric the task does not support.
double ComputeMetric(Metric m, Task task, int num_classes, std::span<const float> y,
                     std::span<const double> pred, std::span<const float> weights = {});

}  // namespace kiln
