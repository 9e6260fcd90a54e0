#include "automl/ensemble_selection.h"

#include <cmath>

#include "automl/cv_evaluator.h"

namespace kiln {

EnsembleSelection SelectEnsemble(const std::vector<const std::vector<double>*>& margins,
                                 std::span<const float> y, Task task, int num_classes,
                                 Metric metric, int rounds) {
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
  }
  for (std::size_t i = 0; i < n; ++i)
    out.weights[i] = static_cast<double>(counts[i]) / total;
  out.score = best_score;
  return out;
}

}  // namespace kiln
