// Greedy ensemble selection (Caruana et al., 2004) over out-of-fold margins.
//
// Starts from the best single candidate and repeatedly adds (with replacement) the candidate whose
// addition most improves the ensemble's out-of-fold metric; weights are the selection counts. Never
// worse than the best single candidate on the out-of-fold data. Deterministic: ties go to the lower
// index. Thread-safe: a pure function.
#pragma once

#include <span>
#include <vector>

#include "learn/metrics.h"
#include "learn/task.h"

namespace kiln {

struct EnsembleSelection {
  std::vector<double> weights;  // per candidate, sum 1
  double score = 0;             // out-of-fold metric of the weighted margin mean
};

// `margins[i]` is candidate i's out-of-fold margins (rows * outputs).
EnsembleSelection SelectEnsemble(const std::vector<const std::vector<double>*>& margins,
                                 std::span<const float> y, Task task, int num_classes,
                                 Metric metric, int rounds);

}  // namespace kiln
