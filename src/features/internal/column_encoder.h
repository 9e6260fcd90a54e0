// Column encoders: the fitted state that turns one input column into one or more output columns of
// the feature Matrix, one struct per encoding, plus the functions that fit them on training rows.
//
// Every encoder has
//   AppendOutputs(column, out) : its output names (and native-category flags), in output order;
//   Apply(column, ctx, first)  : writes its outputs for every row of a new table into columns
//                                first.. of ctx.out. Never fails on values: missing, unseen levels
//                                and out-of-range codes are encoded, not rejected.
// Encoders are plain values, immutable after fitting (BuildIndex() completes a loaded one), so
// Apply is safe from many threads. Private to src/features.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "features/internal/feature_math.h"
#include "learn/matrix.h"
#include "learn/task.h"
#include "table/table.h"

namespace kiln {

struct PipelineSpec;

namespace features_internal {

using LevelIndex = std::unordered_map<std::string, int>;
LevelIndex BuildLevelIndex(const std::vector<std::string>& levels);
// Number-like key columns: key -> its index in `keys`.
using KeyIndex = std::unordered_map<double, int>;
KeyIndex BuildKeyIndex(const std::vector<double>& keys);
// Per entry of column.levels (a new table's own levels): the index of the same string in `index`,
// or -1 when unseen at training. Built once per Transform, so rows map by a vector lookup.
std::vector<int> MapCodes(const Column& column, const LevelIndex& index);

// Output names and native-category flags, appended by encoders in output order.
struct OutputList {
  std::vector<std::string> names;
  std::vector<bool> categorical;

  void Add(std::string name, bool is_categorical = false) {
    names.push_back(std::move(name));
    categorical.push_back(is_categorical);
  }
};

// Where Apply writes: the output matrix (rows = table rows, every value 0 on entry) and the clip
// bound for scaled values.
struct ApplyContext {
  Matrix* out = nullptr;
  double clip = 0.0;

  void Put(std::size_t row, std::size_t col, float v) const {
    out->values[row * out->cols + col] = v;
  }
};

// The training rows of a categorical column (or of a number-like key column) with each distinct
// level once, in order of first appearance; codes out of range count as missing.
struct CategoricalView {
  bool numeric_keys = false;
  std::vector<std::string> levels;  // when !numeric_keys
  std::vector<double> keys;         // when numeric_keys
  std::vector<std::size_t> counts;  // per level, all >= 1
  std::vector<std::int32_t> ids;    // per row: level index, -1 = missing
  std::size_t missing = 0;

  std::size_t size() const { return counts.size(); }
  // Level indices by decreasing count, ties by first appearance.
  std::vector<int> ByFrequency() const;
};
CategoricalView MakeCategoricalView(const Column& column, std::size_t num_rows);
CategoricalView MakeNumericKeyView(const Column& column, std::size_t num_rows);

// Numeric, integer or boolean. Trees: the value as is (NaN = missing). Linear: missing -> training
// median, then scaled and clipped, plus `<col>_missing` when training had missing values.
struct NumericEncoder {
  bool linear = false;
  bool emit_value = true;  // linear: false when the column's only information is its missingness
  bool indicator = false;  // linear: emits `<col>_missing`
  double fill = 0.0;       // linear: training median
  Affine affine;           // linear: scaling of the imputed value

  void AppendOutputs(const std::string& column, OutputList* out) const;
  void Apply(const Column& column, const ApplyContext& ctx, std::size_t first) const;
};
NumericEncoder FitNumeric(std::span<const double> values, bool linear, const PipelineSpec& spec);

// Trees, categorical: the training level's index (most frequent = 0) as a native category code;
// missing and unseen levels -> NaN.
struct OrdinalEncoder {
  std::vector<std::string> levels;
  LevelIndex index;  // built by BuildIndex()

  void BuildIndex() { index = BuildLevelIndex(levels); }
  void AppendOutputs(const std::string& column, OutputList* out) const;
  void Apply(const Column& column, const ApplyContext& ctx, std::size_t first) const;
};
OrdinalEncoder FitOrdinal(const CategoricalView& view);

// Linear, categorical: one 0/1 column per level seen in at least min_level_count training rows
// (`<col>=<level>`, most frequent first); rarer levels share `<col>=__rare__` (present only when
// training had rare levels), and so do unseen levels (all zeros when there is no rare column);
// missing -> `<col>=__missing__` when training had missing values and missing_indicators is on,
// else all zeros.
struct OneHotEncoder {
  std::vector<std::string> levels;  // kept levels, in output order
  bool rare = false;
  bool missing = false;
  LevelIndex index;  // built by BuildIndex()

  void BuildIndex() { index = BuildLevelIndex(levels); }
  void AppendOutputs(const std::string& column, OutputList* out) const;
  void Apply(const Column& column, const ApplyContext& ctx, std::size_t first) const;
};
// Levels with at least min_level_count rows, most frequent first.
std::vector<int> KeptLevels(const CategoricalView& view, int min_level_count);
OneHotEncoder FitOneHot(const CategoricalView& view, const PipelineSpec& spec);

// The target information a supervised encoder needs.
struct TargetContext {
  Task task = Task::kRegression;
  int num_outputs = 1;                      // 1, or K for multiclass
  std::span<const float> y;                 // class index or value per training row
  std::vector<std::string> output_labels;   // multiclass: one label per class, for output names
  const std::vector<int>* folds = nullptr;  // per training row, for out-of-fold encodings
  int num_folds = 0;

  double Target(std::size_t row, int output) const {
    if (task == Task::kMulticlass)
      return static_cast<int>(y[row]) == output ? 1.0 : 0.0;
    return y[row];
  }
};

// The levels a target or count encoder maps: a categorical column's level strings, or a
// number-like key column's values, with their lookup index.
struct KeyedLevels {
  bool numeric_keys = false;
  std::vector<std::string> levels;  // when !numeric_keys
  std::vector<double> keys;         // when numeric_keys

  LevelIndex level_index;  // built by BuildIndex()
  KeyIndex key_index;      // built by BuildIndex()

  std::size_t num_levels() const { return numeric_keys ? keys.size() : levels.size(); }
  // Takes the training view's levels (or keys) and builds the index.
  void Adopt(const CategoricalView& view);
  void BuildIndex();
};

// High-cardinality (or likely-ID) columns: the smoothed training mean of the target per level,
// (sum + m * prior) / (count + m) with m = target_smoothing; one column `<col>~te` (regression:
// mean value; binary: P(class 1)) or, for multiclass, one per class `<col>~te:<class>`. Missing is
// a level of its own; unseen levels get the prior. Linear: each output is scaled and clipped.
struct TargetEncoder : KeyedLevels {
  int num_outputs = 1;
  std::vector<std::string> output_labels;  // empty, or one per output (multiclass)
  std::vector<double> encoding;  // (levels + 1) x num_outputs, row-major; the last row is "missing"
  std::vector<double> prior;     // num_outputs: the encoding of unseen levels
  bool linear = false;
  std::vector<Affine> affine;  // linear: one per output

  void AppendOutputs(const std::string& column, OutputList* out) const;
  void Apply(const Column& column, const ApplyContext& ctx, std::size_t first) const;
  // Writes raw encodings (rows x num_outputs) into columns first.., scaling them when linear.
  void Write(std::span<const double> raw, const ApplyContext& ctx, std::size_t first) const;
};
// Fits on the training rows and stores in `*oof` their out-of-fold encodings (rows x num_outputs,
// unscaled): each row encoded with statistics (and prior) from the other folds only.
TargetEncoder FitTarget(const CategoricalView& view, const TargetContext& target, bool linear,
                        const PipelineSpec& spec, std::vector<double>* oof);

// Trees, key-like columns (likely IDs such as patient_nbr, and categoricals with too many levels to
// split on natively): how many training rows share the row's value (`<col>~count`), i.e. how big
// the row's group is. A new row counts itself: it gets its level's training count + 1 (1 when
// unseen), the size its group would have had it been in training, which is what each training
// row's own count (written by Fit, see FitCount) means. Missing -> NaN.
struct CountEncoder : KeyedLevels {
  std::vector<double> counts;  // per level, training rows

  void AppendOutputs(const std::string& column, OutputList* out) const;
  void Apply(const Column& column, const ApplyContext& ctx, std::size_t first) const;
};
// Fits on the training rows and stores in `*train` their own counts (NaN when missing).
CountEncoder FitCount(const CategoricalView& view, std::vector<double>* train);

// Datetime (seconds since the epoch): year, month, day, day of week (Monday = 0), hour (when any
// training value has a time of day) and fractional days since the epoch; parts constant in training
// are left out. Trees: NaN when missing. Linear: each part imputed with its training median, scaled
// and clipped, plus `<col>_missing` when training had missing values.
enum class DatePart { kYear, kMonth, kDay, kDayOfWeek, kHour, kEpochDays };
inline constexpr int kNumDateParts = 6;
const char* DatePartName(DatePart part);
struct DatetimeEncoder {
  std::vector<DatePart> parts;
  bool linear = false;
  bool indicator = false;
  std::vector<double> fill;    // linear: per part
  std::vector<Affine> affine;  // linear: per part

  void AppendOutputs(const std::string& column, OutputList* out) const;
  void Apply(const Column& column, const ApplyContext& ctx, std::size_t first) const;
};
// The date part of `seconds` (finite, within +-1e12 s of the epoch).
double DatePartValue(double seconds, DatePart part);
DatetimeEncoder FitDatetime(std::span<const double> seconds, bool linear, const PipelineSpec& spec);

// Text: lowercase word tokens (runs of ASCII letters/digits and non-ASCII bytes) hashed with FNV-1a
// into text_hash_dims buckets (`<col>~tfidf<b>`), weighted count * idf with the smoothed idf
// ln((1 + n) / (1 + df)) + 1 learned at fit, L2-normalized per row (missing text = all zeros); plus
// `<col>~tokens`, the token count (trees: NaN when missing; linear: missing = 0 tokens, scaled).
struct TextEncoder {
  int dims = 0;
  std::vector<double> idf;  // dims
  bool linear = false;
  Affine count_affine;  // linear

  void AppendOutputs(const std::string& column, OutputList* out) const;
  void Apply(const Column& column, const ApplyContext& ctx, std::size_t first) const;
};
// Sorted (bucket, count) pairs of `text`'s tokens; returns the number of tokens.
std::size_t HashTokens(std::string_view text, int dims, std::vector<std::pair<int, int>>* buckets);
TextEncoder FitText(const Column& column, std::size_t num_rows, bool linear,
                    const PipelineSpec& spec);

using Encoder = std::variant<NumericEncoder, OrdinalEncoder, OneHotEncoder, TargetEncoder,
                             DatetimeEncoder, TextEncoder, CountEncoder>;

// One fitted input column: which input_schema() entry it reads and where its outputs start.
struct ColumnEncoder {
  int input = 0;
  std::size_t first_output = 0;
  Encoder encoder;
};

struct FittedColumns {
  std::vector<ColumnEncoder> columns;
};

}  // namespace features_internal
}  // namespace kiln
