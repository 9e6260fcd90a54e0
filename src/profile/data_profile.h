// DataProfile: what `kiln profile` learned about a table, in the spirit of pandas-profiling/ydata
// and SageMaker Data Wrangler's Data Quality and Insights report: per-column statistics, dataset
// facts (rows, duplicates, memory), an optional target analysis, and a list of data-quality
// warnings.
//
// A DataProfile is a plain value built by ProfileTable (profile/profiler.h) and rendered by the
// functions in profile/profile_render.h. Not thread-safe to mutate, safe to read from many threads.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "learn/task.h"
#include "table/column_type.h"

namespace kiln {

struct ProfileOptions {
  std::string target;       // optional: column to analyse as the prediction target
  int top_values = 10;      // most frequent values listed per categorical/text/boolean column
  int histogram_bins = 20;  // equal-width bins per numeric/datetime histogram

  // InvalidArgument when a count is out of range (top_values 1..1000, histogram_bins 1..1000).
  Status Validate() const;
};

// Equal-width bins over [lo, hi]: bin i covers [lo + i*w, lo + (i+1)*w), the last one includes hi.
// Integer columns spanning fewer values than the bin count get one bin per integer
// (lo = min - 0.5, hi = max + 0.5).
struct Histogram {
  double lo = 0;
  double hi = 0;
  std::vector<std::size_t> counts;
};

// Statistics of the non-missing values of a number column (numeric, integer, boolean, datetime;
// datetime values are seconds since the Unix epoch). std is the sample standard deviation (n - 1);
// skew is the adjusted Fisher-Pearson coefficient (as pandas' skew()); quantiles interpolate
// linearly between order statistics (as numpy's default). NaN when undefined (e.g. std of one
// value).
struct NumericSummary {
  std::size_t count = 0;  // non-missing values
  double min = 0, max = 0, mean = 0, std = 0, skew = 0;
  double p5 = 0, p25 = 0, median = 0, p75 = 0, p95 = 0;
  std::size_t zeros = 0;
  std::size_t negatives = 0;
  Histogram histogram;
};

struct ValueCount {
  std::string value;
  std::size_t count = 0;
};

// Lengths, in Unicode code points, of the non-missing values of a text column.
struct TextLengths {
  std::size_t min = 0, max = 0;
  double mean = 0;
};

struct ColumnProfile {
  std::string name;
  ColumnType type = ColumnType::kNumeric;
  std::string type_reason;
  std::size_t missing = 0;
  std::size_t distinct = 0;  // distinct non-missing values
  bool is_id = false;
  bool likely_id = false;
  std::size_t memory_bytes = 0;  // values, codes and level strings as held in the Table

  // numeric, integer, boolean and datetime columns.
  std::optional<NumericSummary> numeric;
  // datetime columns: min and max as ISO-8601 UTC text ("2008-03-01" or "2008-03-01T10:15:00Z").
  std::string datetime_min, datetime_max;
  // categorical, text and boolean columns: the most frequent values, most frequent first (ties by
  // first appearance), and how many non-missing rows hold any other value.
  std::vector<ValueCount> top_values;
  std::size_t other_count = 0;
  // text columns.
  std::optional<TextLengths> text_lengths;
};

// The prediction target. `problem_type_error` is set (and `task` meaningless) when the column
// cannot be a target, e.g. it has a single value.
struct TargetProfile {
  std::string column;
  Task task = Task::kRegression;
  std::string reason;              // why this problem type (InferProblemType)
  std::string problem_type_error;  // non-empty when inference failed
  std::size_t missing = 0;         // rows without a target value
  // Classification: every class, in label order (numeric labels numerically, else by bytes).
  std::vector<ValueCount> classes;
  // Regression: the distribution of the target.
  std::optional<NumericSummary> distribution;
};

enum class Severity { kHigh, kMedium, kLow };
// "high", "medium", "low".
const char* SeverityName(Severity s);

// One data-quality finding. `kind` is a stable identifier for programs: constant, empty, id,
// likely_id, high_cardinality, quasi_constant, missing, duplicates, imbalance, leakage, skewed,
// target_missing, target_invalid. `column` is empty for dataset-wide findings.
struct ProfileWarning {
  Severity severity = Severity::kLow;
  std::string kind;
  std::string column;
  std::string message;
};

struct DataProfile {
  std::string source;  // the table's file name
  std::size_t rows = 0;
  std::size_t missing_cells = 0;
  std::size_t duplicate_rows = 0;  // rows equal (all typed values) to an earlier row
  std::size_t memory_bytes = 0;
  std::vector<ColumnProfile> columns;  // in table order
  std::optional<TargetProfile> target;
  std::vector<ProfileWarning> warnings;  // high first, then medium, then low; table order within
};

}  // namespace kiln
