// FeaturePipeline: turns a Table's raw columns into the numeric Matrix a learner consumes.
//
// Fitted on training data only and stored inside the model, so prediction applies exactly the
// transformations learned at training time. Steps, per input column type:
//   numeric/integer/boolean : median imputation + a missing indicator when training had missing values;
//                             standard or robust scaling for linear models
//   categorical             : trees -> ordinal codes (native categorical splits) for up to
//                             `max_native_levels` levels, target encoding above; linear -> one-hot with
//                             levels rarer than `min_level_count` merged into one "rare" level, target/WOE
//                             encoding above `max_onehot_levels`
//   datetime                : year, month, day, day of week, hour (when present), epoch days
//   text                    : hashed TF-IDF over word tokens (`text_hash_dims` dimensions)
//   ID columns (Column::is_id) and constant columns are dropped.
// Unseen categories and missing values at predict time are handled (never an error).
//
// Thread-safety: immutable after Fit/Load; Transform is safe from many threads.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

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
  double target_smoothing = 10.0;        // target encoding: prior weight, in rows
  int target_encoding_folds = 5;         // out-of-fold target encoding for training rows

  Status Validate() const;
};

class FeaturePipeline {
 public:
  // Fits on `table` (training rows) using the columns named in `features`. `y` is the target (class
  // index 0..K-1 or value) used by supervised encoders. InvalidArgument when a named column is absent.
  // When `train_out` is given it receives the training matrix: like Transform(table), except that
  // target-encoded columns use out-of-fold encodings so a learner never sees its own row's target.
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

  // Serializes the fitted state; Load(Save()) transforms identically.
  void Save(nlohmann::json* out) const;
  static Result<FeaturePipeline> Load(const nlohmann::json& in);

 private:
  struct Step;  // defined in feature_pipeline.cc
  PipelineSpec spec_;
  std::vector<ColumnSchema> input_schema_;
  std::vector<std::string> output_names_;
  std::vector<int> output_source_;
  std::vector<bool> output_categorical_;
  std::vector<std::string> state_;  // fitted step state; layout private to the implementation
};

}  // namespace kiln
