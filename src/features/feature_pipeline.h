// FeaturePipeline: turns a Table's raw columns into the numeric Matrix a learner consumes.
//
// Fitted on training data only and stored inside the model, so prediction applies exactly the
// transformations learned at training time. Per input column type (output names in quotes):
//
// - numeric/integer/boolean: trees get the value as is, NaN when missing ("age"). Linear: median
//   imputation, a missing indicator when training had missing values ("age_missing"), standard or
//   robust scaling, clipped to +-linear_clip.
// - categorical: trees get ordinal codes by training frequency (native categorical splits, see
//   output_categorical()) for up to `max_native_levels` levels; unseen and missing -> NaN.
//   Linear: one-hot ("workclass=Private"); levels rarer than `min_level_count` share
//   "workclass=__rare__", which unseen levels join; missing -> "workclass=__missing__".
//   Target encoding instead above `max_native_levels` levels (trees), or (linear) above
//   `max_onehot_levels` kept levels or when rare levels hold most rows.
// - target encoding: the smoothed per-level mean of the target ("diag_1~te"; multiclass: one column
//   per class, "diag_1~te:>30"). The training matrix from Fit uses out-of-fold encodings. Linear:
//   scaled.
// - datetime: year, month, day, day of week, hour (when present), epoch days ("date~year"); parts
//   constant in training are left out. Linear: imputed and scaled like numeric.
// - text: hashed TF-IDF over word tokens (`text_hash_dims` dimensions, "review~tfidf17") plus a
//   token count ("review~tokens").
// - ID columns (Column::is_id), constant and all-missing columns are dropped (dropped_features()).
//   Likely-ID columns (Column::likely_id) are never one-hot: trees take integer ones as numbers,
//   everything else is target-encoded.
// - key-like columns, trees only: likely-ID columns and categoricals target-encoded for having too
//   many levels also get their group size ("patient_nbr~count"): the number of training rows with
//   the row's value. A new row counts itself (training count + 1; 1 when unseen), so it means
//   what a training row's count means. Missing -> NaN. (diabetes130us: how many encounters a
//   patient has predicts readmission; log loss 0.854 -> 0.70 with scikit-learn's HGB.)
//
// Values that are not finite (+-inf) count as missing. Unseen categories and missing values at
// predict time are handled (never an error). The linear encoding never outputs NaN.
//
// Thread-safety: immutable after Fit/Load; Transform is safe from many threads. Copies share the
// fitted state.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "learn/matrix.h"
#include "learn/task.h"
#include "table/read_options.h"
#include "table/table.h"

namespace kiln {

enum class FeatureEncoding { kTree, kLinear };
enum class Scaling { kNone, kStandard, kRobust };

struct PipelineSpec {
  FeatureEncoding encoding = FeatureEncoding::kTree;
  Scaling scaling = Scaling::kStandard;  // used for kLinear; trees never scale
  int min_level_count = 5;               // one-hot: rarer levels are merged into "rare"
  int max_onehot_levels = 64;            // linear: more levels -> target encoding
  int max_native_levels = 256;           // trees: more levels -> target encoding
  bool missing_indicators = true;
  int text_hash_dims = 256;
  double target_smoothing = 10.0;  // target encoding: prior weight, in rows
  int target_encoding_folds = 5;   // out-of-fold target encoding for training rows
  double linear_clip = 10.0;       // linear: scaled values are clipped to +-this; 0 = never
  // Multiclass: the label of each class index, used in output names ("diag_1~te:>30"); empty ->
  // the class indices ("diag_1~te:2").
  std::vector<std::string> class_names;

  Status Validate() const;
};

namespace features_internal {
struct FittedColumns;  // the per-column encoders; private to src/features
}  // namespace features_internal
class CompiledPipeline;  // compiled_pipeline.h

// A requested feature column that Fit left out, and why (e.g. "ID column", "constant").
struct DroppedFeature {
  std::string name;
  std::string reason;
};

class FeaturePipeline {
 public:
  // Fits on `table` (training rows) using the columns named in `features`. `y` is the target (class
  // index 0..K-1 or value) used by supervised encoders; it may be empty when no column needs target
  // encoding. InvalidArgument when a named column is absent or listed twice, the spec or y is
  // invalid, or no column is usable (all dropped); the message names the column. When `train_out`
  // is given it receives the training matrix: like Transform(table), except that target-encoded
  // columns use out-of-fold encodings so a learner never sees its own row's target.
  static Result<FeaturePipeline> Fit(const Table& table, const std::vector<std::string>& features,
                                     const PipelineSpec& spec, Task task, int num_classes,
                                     std::span<const float> y, std::uint64_t seed,
                                     Matrix* train_out);

  // Transforms new data. The table's columns must carry the training types (read it with
  // input_schema()); extra columns are ignored. InvalidArgument names a missing feature column.
  Result<Matrix> Transform(const Table& table) const;

  // The input columns this pipeline reads, with their training types.
  const std::vector<ColumnSchema>& input_schema() const { return input_schema_; }
  // One name per output column, e.g. "age", "workclass=Private", "age_missing".
  const std::vector<std::string>& output_names() const { return output_names_; }
  // Per output column: the index in input_schema() it derives from (for per-column explanations).
  const std::vector<int>& output_source() const { return output_source_; }
  // Per output column: holds native category codes (see TrainSet::categorical).
  const std::vector<bool>& output_categorical() const { return output_categorical_; }
  const PipelineSpec& spec() const { return spec_; }
  // Requested feature columns that produce no output, with the reason.
  const std::vector<DroppedFeature>& dropped_features() const { return dropped_; }

  // Serializes the fitted state; Load(Save()) transforms identically.
  void Save(nlohmann::json* out) const;
  static Result<FeaturePipeline> Load(const nlohmann::json& in);

 private:
  friend class CompiledPipeline;  // compiles the fitted encoders

  // Adopts fitted encoders: numbers their outputs and fills output_names_, output_source_ and
  // output_categorical_.
  void Install(std::shared_ptr<features_internal::FittedColumns> fitted);

  PipelineSpec spec_;
  std::vector<ColumnSchema> input_schema_;
  std::vector<std::string> output_names_;
  std::vector<int> output_source_;
  std::vector<bool> output_categorical_;
  std::vector<DroppedFeature> dropped_;
  std::shared_ptr<const features_internal::FittedColumns> fitted_;  // null until Fit/Load
};

}  // namespace kiln
