#include "learn/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <string>

#include "learn/hyperparam_text.h"

namespace kiln {
namespace {

constexpr Metric kAllMetrics[] = {
    Metric::kAuc,  Metric::kLogLoss, Metric::kAccuracy,  Metric::kBalancedAccuracy,
    Metric::kF1,   Metric::kF1Macro, Metric::kPrecision, Metric::kRecall,
    Metric::kRmse, Metric::kMae,     Metric::kR2,        Metric::kMape,
};

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kLogLossClip = 1e-15;

// Reads weights lazily: an empty span means every weight is 1.
class Weights {
 public:
  explicit Weights(std::span<const float> w) : w_(w) {}
  double operator[](std::size_t i) const { return w_.empty() ? 1.0 : static_cast<double>(w_[i]); }

 private:
  std::span<const float> w_;
};

int Label(float y) { return static_cast<int>(std::lround(y)); }

// The predicted class: P(class 1) > 0.5 for binary, the first argmax for multiclass.
int PredictedClass(Task task, int k, std::span<const double> pred, std::size_t row) {
  if (task == Task::kBinary)
    return pred[row] > 0.5 ? 1 : 0;
  const double* p = pred.data() + row * static_cast<std::size_t>(k);
  return static_cast<int>(std::max_element(p, p + k) - p);
}

// Weighted confusion matrix, at(true, predicted), and which classes occur in y or the predictions.
struct Confusion {
  int k = 0;
  std::vector<double> counts;
  std::vector<bool> present;
  double at(int t, int p) const { return counts[static_cast<std::size_t>(t) * k + p]; }
};

Confusion MakeConfusion(Task task, int k, std::span<const float> y, std::span<const double> pred,
                        const Weights& w) {
  Confusion c{k, std::vector<double>(static_cast<std::size_t>(k) * k, 0.0),
              std::vector<bool>(k, false)};
  for (std::size_t i = 0; i < y.size(); ++i) {
    const int t = Label(y[i]);
    if (t < 0 || t >= k)
      continue;
    const int p = PredictedClass(task, k, pred, i);
    c.counts[static_cast<std::size_t>(t) * k + p] += w[i];
    c.present[t] = c.present[p] = true;
  }
  return c;
}

double Ratio(double num, double den) { return den > 0 ? num / den : 0.0; }

struct ClassCounts {
  double tp = 0, fp = 0, fn = 0;
  bool present = false;  // the class occurs in y or in the predictions
};

std::vector<ClassCounts> PerClass(const Confusion& confusion) {
  const int k = confusion.k;
  std::vector<ClassCounts> out(k);
  for (int t = 0; t < k; ++t) {
    out[t].present = confusion.present[t];
    for (int p = 0; p < k; ++p) {
      const double c = confusion.at(t, p);
      if (t == p) {
        out[t].tp += c;
      } else {
        out[t].fn += c;
        out[p].fp += c;
      }
    }
  }
  return out;
}

double Precision(const ClassCounts& c) { return Ratio(c.tp, c.tp + c.fp); }
double Recall(const ClassCounts& c) { return Ratio(c.tp, c.tp + c.fn); }
double F1(const ClassCounts& c) { return Ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn); }

// Mean of `f` over the classes present in y or the predictions (scikit-learn's macro average).
template <typename F>
double MacroAverage(const std::vector<ClassCounts>& counts, F f) {
  double sum = 0;
  int n = 0;
  for (const ClassCounts& c : counts) {
    if (!c.present)
      continue;
    sum += f(c);
    ++n;
  }
  return n > 0 ? sum / n : kNaN;
}

double Auc(std::span<const float> y, std::span<const double> pred, const Weights& w) {
  std::vector<std::size_t> order(y.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return pred[a] < pred[b]; });
  // Sum over positives of the negative weight ranked below them, ties counting half.
  double neg_below = 0, total_pos = 0, area = 0;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    double pos = 0, neg = 0;
    for (; j < order.size() && pred[order[j]] == pred[order[i]]; ++j) {
      (Label(y[order[j]]) == 1 ? pos : neg) += w[order[j]];
    }
    area += pos * (neg_below + 0.5 * neg);
    neg_below += neg;
    total_pos += pos;
    i = j;
  }
  if (total_pos <= 0 || neg_below <= 0)
    return kNaN;
  return area / (total_pos * neg_below);
}

double LogLoss(Task task, int k, std::span<const float> y, std::span<const double> pred,
               const Weights& w) {
  double sum = 0, total = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const int t = Label(y[i]);
    double p = 0;  // a label outside 0..k-1 scores as a confident miss
    if (task == Task::kBinary) {
      p = t == 1 ? pred[i] : 1.0 - pred[i];
    } else if (t >= 0 && t < k) {
      p = pred[i * static_cast<std::size_t>(k) + t];
    }
    p = std::clamp(p, kLogLossClip, 1.0 - kLogLossClip);
    sum -= w[i] * std::log(p);
    total += w[i];
  }
  return total > 0 ? sum / total : kNaN;
}

double Regression(Metric m, std::span<const float> y, std::span<const double> pred,
                  const Weights& w) {
  double total = 0, sq = 0, abs = 0, wy = 0, mape = 0, mape_total = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double e = static_cast<double>(y[i]) - pred[i];
    total += w[i];
    sq += w[i] * e * e;
    abs += w[i] * std::abs(e);
    wy += w[i] * y[i];
    if (y[i] != 0) {
      mape += w[i] * std::abs(e / y[i]);
      mape_total += w[i];
    }
  }
  if (total <= 0)
    return kNaN;
  switch (m) {
    case Metric::kRmse:
      return std::sqrt(sq / total);
    case Metric::kMae:
      return abs / total;
    case Metric::kMape:
      return mape_total > 0 ? mape / mape_total : kNaN;
    case Metric::kR2: {
      const double mean = wy / total;
      double ss_tot = 0;
      for (std::size_t i = 0; i < y.size(); ++i)
        ss_tot += w[i] * (y[i] - mean) * (y[i] - mean);
      if (ss_tot <= 0)
        return sq <= 0 ? 1.0 : 0.0;
      return 1.0 - sq / ss_tot;
    }
    default:
      return kNaN;
  }
}

}  // namespace

const char* MetricName(Metric m) {
  switch (m) {
    case Metric::kAuc:
      return "auc";
    case Metric::kLogLoss:
      return "logloss";
    case Metric::kAccuracy:
      return "accuracy";
    case Metric::kBalancedAccuracy:
      return "balanced_accuracy";
    case Metric::kF1:
      return "f1";
    case Metric::kF1Macro:
      return "f1_macro";
    case Metric::kPrecision:
      return "precision";
    case Metric::kRecall:
      return "recall";
    case Metric::kRmse:
      return "rmse";
    case Metric::kMae:
      return "mae";
    case Metric::kR2:
      return "r2";
    case Metric::kMape:
      return "mape";
  }
  return "unknown";
}

Result<Metric> ParseMetric(std::string_view name) {
  const std::string lower = hp::Lower(name);
  if (lower == "log_loss")
    return Metric::kLogLoss;
  std::string names;
  for (Metric m : kAllMetrics) {
    if (lower == MetricName(m))
      return m;
    names += (names.empty() ? "" : ", ") + std::string(MetricName(m));
  }
  return Status::InvalidArgument("unknown metric \"" + std::string(name) +
                                 "\"; expected one of: " + names);
}

bool HigherIsBetter(Metric m) {
  switch (m) {
    case Metric::kLogLoss:
    case Metric::kRmse:
    case Metric::kMae:
    case Metric::kMape:
      return false;
    default:
      return true;
  }
}

bool MetricSupportsTask(Metric m, Task task) {
  switch (m) {
    case Metric::kAuc:
    case Metric::kF1:
      return task == Task::kBinary;
    case Metric::kLogLoss:
    case Metric::kAccuracy:
    case Metric::kBalancedAccuracy:
    case Metric::kF1Macro:
    case Metric::kPrecision:
    case Metric::kRecall:
      return task != Task::kRegression;
    case Metric::kRmse:
    case Metric::kMae:
    case Metric::kR2:
    case Metric::kMape:
      return task == Task::kRegression;
  }
  return false;
}

Metric DefaultMetric(Task task) {
  switch (task) {
    case Task::kBinary:
      return Metric::kAuc;
    case Task::kMulticlass:
      return Metric::kLogLoss;
    case Task::kRegression:
      return Metric::kRmse;
  }
  return Metric::kRmse;
}

std::vector<Metric> ReportedMetrics(Task task) {
  switch (task) {
    case Task::kBinary:
      return {Metric::kAuc, Metric::kLogLoss,   Metric::kAccuracy, Metric::kBalancedAccuracy,
              Metric::kF1,  Metric::kPrecision, Metric::kRecall};
    case Task::kMulticlass:
      return {Metric::kLogLoss, Metric::kAccuracy, Metric::kBalancedAccuracy, Metric::kF1Macro};
    case Task::kRegression:
      return {Metric::kRmse, Metric::kMae, Metric::kR2, Metric::kMape};
  }
  return {};
}

double ComputeMetric(Metric m, Task task, int num_classes, std::span<const float> y,
                     std::span<const double> pred, std::span<const float> weights) {
  if (!MetricSupportsTask(m, task) || y.empty())
    return kNaN;
  const Weights w(weights);
  if (task == Task::kRegression)
    return Regression(m, y, pred, w);
  const int k = task == Task::kBinary ? 2 : num_classes;
  if (m == Metric::kAuc)
    return Auc(y, pred, w);
  if (m == Metric::kLogLoss)
    return LogLoss(task, k, y, pred, w);

  const Confusion confusion = MakeConfusion(task, k, y, pred, w);
  const std::vector<ClassCounts> counts = PerClass(confusion);
  switch (m) {
    case Metric::kAccuracy: {
      double correct = 0;
      for (int c = 0; c < k; ++c)
        correct += confusion.at(c, c);
      const double total = std::accumulate(confusion.counts.begin(), confusion.counts.end(), 0.0);
      return total > 0 ? correct / total : kNaN;
    }
    case Metric::kBalancedAccuracy: {
      // Mean recall over the classes that occur in y.
      double sum = 0;
      int n = 0;
      for (const ClassCounts& c : counts) {
        if (c.tp + c.fn <= 0)
          continue;
        sum += Recall(c);
        ++n;
      }
      return n > 0 ? sum / n : kNaN;
    }
    case Metric::kF1:
      return F1(counts[1]);
    case Metric::kF1Macro:
      return MacroAverage(counts, F1);
    case Metric::kPrecision:
      return task == Task::kBinary ? Precision(counts[1]) : MacroAverage(counts, Precision);
    case Metric::kRecall:
      return task == Task::kBinary ? Recall(counts[1]) : MacroAverage(counts, Recall);
    default:
      return kNaN;
  }
}

}  // namespace kiln
