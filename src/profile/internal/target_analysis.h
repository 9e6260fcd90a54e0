// Target analysis and target-leakage checks for the profiler. Thread-safe: pure functions.
#pragma once

#include <vector>

#include "profile/data_profile.h"
#include "table/table.h"

namespace kiln::profile_internal {

struct TargetAnalysis {
  TargetProfile profile;
  // Per row: the class index (into profile.classes) or the regression value; NaN when missing or
  // when the problem type could not be inferred.
  std::vector<double> y;
};

// Analyses table.columns[target_index] as the prediction target. A target column without dictionary
// codes (a Table read without dictionary_columns) gets them built here from its values.
TargetAnalysis AnalyzeTarget(const Table& table, int target_index, const ProfileOptions& options);

// A warning about one column, with the column's index for ordering (-1: dataset-wide).
struct IndexedWarning {
  int column_index = -1;
  ProfileWarning warning;
};

// Features that alone predict the target almost perfectly (kind "leakage", severity high):
//  - classification, categorical feature: levels with at least 5 rows cover 80% of the rows, and
//    within them the most common class holds >= 99% of rows (and the error is under a tenth of the
//    majority-class baseline's);
//  - classification, number feature: sorted by the feature (ties in a fixed pseudo-random order),
//    neighbouring rows share the class >= 99% of the time (against sum p_k^2 by chance), or, for a
//    binary target, |Pearson r| >= 0.98;
//  - regression: |Pearson r| >= 0.98 for number features, correlation ratio eta^2 >= 0.98 for
//    categorical ones (same coverage rule).
// ID columns (is_id) are skipped. Needs at least 20 rows with both values present.
std::vector<IndexedWarning> FindLeakage(const Table& table, int target_index,
                                        const TargetAnalysis& target);

}  // namespace kiln::profile_internal
