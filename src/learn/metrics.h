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
  kAuc, kLogLoss, kAccuracy, kBalancedAccuracy, kF1, kF1Macro, kPrecision, kRecall,
  kRmse, kMae, kR2, kMape,
};

// "auc", "logloss", "accuracy", "balanced_accuracy", "f1", "f1_macro", "precision", "recall",
// "rmse", "mae", "r2", "mape".
const char* MetricName(Metric m);
// Accepts the names above (case-insensitive, also "log_loss"); InvalidArgument lists valid names.
Result<Metric> ParseMetric(std::string_view name);
bool HigherIsBetter(Metric m);
// Whether the metric applies to the task (e.g. AUC and F1 binary only... F1 macro multi too).
bool MetricSupportsTask(Metric m, Task task);
// The default per task, as in the AutoML benchmark: AUC, log loss, RMSE.
Metric DefaultMetric(Task task);
// Metrics reported for a task in leaderboards and reports, default first.
std::vector<Metric> ReportedMetrics(Task task);

// Computes `m`. REQUIRES sizes consistent with task/num_classes. Log loss clips probabilities to
// [1e-15, 1 - 1e-15]. AUC with a single class present returns NaN.
double ComputeMetric(Metric m, Task task, int num_classes, std::span<const float> y,
                     std::span<const double> pred, std::span<const float> weights = {});

}  // namespace kiln
