#include "automl/candidate_ranking.h"

#include <algorithm>
#include <cmath>

namespace kiln {

std::vector<std::size_t> RankCandidates(const std::vector<CandidateSummary>& candidates,
                                        Metric metric) {
  std::vector<std::size_t> order(candidates.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  const bool higher = HigherIsBetter(metric);
  // A score for sorting: failed and NaN scores sort last.
  auto key = [&](const CandidateSummary& c) -> double {
    if (!c.error.empty() || std::isnan(c.cv_mean))
      return INFINITY;
    return higher ? -c.cv_mean : c.cv_mean;
  };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const CandidateSummary& x = candidates[a];
    const CandidateSummary& z = candidates[b];
    const bool xf = !x.error.empty(), zf = !z.error.empty();
    if (xf != zf)
      return zf;
    if (xf)
      return false;
    const bool xr = x.cv_repeats > 1, zr = z.cv_repeats > 1;
    if (xr != zr)
      return xr;
    return key(x) < key(z);
  });
  return order;
}

}  // namespace kiln
