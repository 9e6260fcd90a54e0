#include "automl/ensemble_selection.h"

#include <cmath>
#include <random>

#include "automl/cv_evaluator.h"

namespace kiln {

EnsembleSelection SelectEnsemble(const std::vector<const std::vector<double>*>& margins,
                                 std::span<const float> y, Task task, int num_classes,
                                 Metric metric, int rounds, int se_bootstraps) {
  const std::size_t n = margins.size();
  EnsembleSelection out;
  out.weights.assign(n, 0.0);
  if (n == 0)
    return out;
  const bool higher = HigherIsBetter(metric);
  auto better = [&](double a, double b) {
    if (std::isnan(b))
      return !std::isnan(a);
    return higher ? a > b : a < b;
  };
  const std::size_t len = margins[0]->size();
  std::vector<double> sum(len, 0.0), trial(len);
  std::vector<int> counts(n, 0);
  int total = 0;
  int first = -1;
  double best_score = std::nan("");
  for (int round = 0; round < rounds; ++round) {
    int pick = -1;
    double pick_score = std::nan("");
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < len; ++j)
        trial[j] = (sum[j] + (*margins[i])[j]) / (total + 1);
      double s = ScoreMargins(metric, task, num_classes, y, trial);
      if (pick < 0 || better(s, pick_score)) {
        pick = static_cast<int>(i);
        pick_score = s;
      }
    }
    // Stop once adding anything makes the ensemble worse (after the first pick).
    if (total > 0 && !better(pick_score, best_score) && pick_score != best_score)
      break;
    for (std::size_t j = 0; j < len; ++j)
      sum[j] += (*margins[pick])[j];
    ++counts[pick];
    ++total;
    best_score = pick_score;
    if (first < 0)
      first = pick;
  }
  out.score = best_score;
  out.single_score = ScoreMargins(metric, task, num_classes, y, *margins[first]);
  const bool several = counts[first] < total;
  if (several && se_bootstraps > 1) {
    // Paired bootstrap over rows of (ensemble - single), both in the metric's direction.
    const std::size_t rows = y.size();
    const std::size_t outputs = len / rows;
    std::vector<double> ens(len);
    for (std::size_t j = 0; j < len; ++j)
      ens[j] = sum[j] / total;
    std::mt19937_64 rng(0x5eed);
    std::uniform_int_distribution<std::size_t> pick_row(0, rows - 1);
    std::vector<float> yb(rows);
    std::vector<double> eb(len), sb(len);
    double s1 = 0, s2 = 0;
    int used = 0;
    for (int b = 0; b < se_bootstraps; ++b) {
      for (std::size_t r = 0; r < rows; ++r) {
        std::size_t src = pick_row(rng);
        yb[r] = y[src];
        for (std::size_t o = 0; o < outputs; ++o) {
          eb[r * outputs + o] = ens[src * outputs + o];
          sb[r * outputs + o] = (*margins[first])[src * outputs + o];
        }
      }
      double d = ScoreMargins(metric, task, num_classes, yb, eb) -
                 ScoreMargins(metric, task, num_classes, yb, sb);
      if (std::isnan(d))
        continue;  // e.g. AUC on a resample with one class
      s1 += d;
      s2 += d * d;
      ++used;
    }
    if (used > 1) {
      const double mean = s1 / used;
      out.gain_se = std::sqrt(std::max(0.0, (s2 - used * mean * mean) / (used - 1)));
    }
    const double gain = higher ? best_score - out.single_score : out.single_score - best_score;
    if (out.gain_se > 0 && gain < out.gain_se) {
      std::fill(counts.begin(), counts.end(), 0);
      counts[first] = total = 1;
      out.score = out.single_score;
      out.kept_single = true;
    }
  }
  for (std::size_t i = 0; i < n; ++i)
    out.weights[i] = static_cast<double>(counts[i]) / total;
  return out;
}

}  // namespace kiln
