// Per-column statistics for the profiler: number summaries with exact quantiles and a histogram,
// value counts for dictionary columns, text lengths and ISO-8601 dates. Thread-safe: pure
// functions.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "profile/data_profile.h"
#include "table/table.h"

namespace kiln::profile_internal {

// Summarizes the non-NaN entries of `values`; `integer` enables one-bin-per-integer histograms.
// The summary of no values has count 0 and NaN statistics.
NumericSummary SummarizeNumbers(const std::vector<double>& values, bool integer, int bins);

// Profiles one column (everything except what needs other columns).
ColumnProfile ProfileColumn(const Column& column, const ProfileOptions& options);

// Rows per dictionary code (codes < 0, i.e. missing, are skipped); size = levels.size().
std::vector<std::size_t> CountCodes(const Column& column);

// Seconds since the Unix epoch (UTC) as "YYYY-MM-DD" when at midnight, else "YYYY-MM-DDTHH:MM:SSZ".
std::string FormatIsoDatetime(double seconds);

// Bytes the column's storage takes in memory (vectors' contents and level strings).
std::size_t ColumnMemoryBytes(const Column& column);

}  // namespace kiln::profile_internal
