// The profiler's data-quality warnings. Thread-safe: a pure function.
#pragma once

#include <vector>

#include "profile/data_profile.h"
#include "profile/internal/target_analysis.h"

namespace kiln::profile_internal {

// Thresholds (fractions are of the rows, or of the non-missing values where stated).
inline constexpr double kManyMissingHigh = 0.5;       // missing > 50%: high
inline constexpr double kManyMissingLow = 0.05;       // missing > 5%: low
inline constexpr double kHighCardinalityShare = 0.5;  // categorical distinct > 50% of values
inline constexpr std::size_t kHighCardinalityLevels = 1000;
inline constexpr std::size_t kMinRowsForShares =
    20;                                           // fewer values: no share-based cardinality rule
inline constexpr double kImbalanceMedium = 0.10;  // minority class < 10% of labelled rows
inline constexpr double kImbalanceHigh = 0.02;    // < 2%
inline constexpr double kSkewLimit = 3.0;         // |skew| > 3: low
inline constexpr double kQuasiConstantShare = 0.99;  // one value >= 99% of non-missing: low
inline constexpr double kManyDuplicates = 0.05;      // duplicate rows > 5%: medium, else low

// All warnings for `profile` (its columns, duplicates and target must be filled), plus `leakage`
// (from FindLeakage), ordered high, medium, low and by column within a severity (dataset-wide
// first). `target_index` is the target's column index, or -1.
std::vector<ProfileWarning> CollectWarnings(const DataProfile& profile, int target_index,
                                            std::vector<IndexedWarning> leakage);

}  // namespace kiln::profile_internal
