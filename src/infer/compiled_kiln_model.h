// CompiledKilnModel: a model.kiln ensemble (src/model) whose learners are all XGBoost, compiled
// for serving: each bag model's trees become a CompiledForest and the feature pipeline becomes a
// gather of request columns, so a row is predicted without a Table, a Matrix, libxgboost or any
// allocation. Outputs equal KilnModel::Predict's (the same float margins, combined in double in
// the same order, then the same link: identity, sigmoid or softmax).
//
// Compiled when every pipeline a member reads is tree-encoded and passes numbers through (numeric,
// integer and boolean inputs; a value that is not finite is missing, as FeaturePipeline does) and
// every bag model compiles (xgboost_forest.h). Otherwise FailedPrecondition says why, and the
// caller keeps KilnModel::Predict (categorical, datetime, text or target-encoded inputs, linear
// pipelines, other learners).
//
// Thread-safety: immutable after Compile; Predict is safe from many threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "infer/compiled_forest.h"
#include "learn/task.h"

namespace kiln {

class KilnModel;

class CompiledKilnModel {
 public:
  // `request_columns` names the columns of a request row, in order.
  static Result<CompiledKilnModel> Compile(const KilnModel& model,
                                           const std::vector<std::string>& request_columns);

  // Values per row Predict writes (NumOutputs of the model's task).
  int num_outputs() const { return outputs_; }
  // `num_rows` rows of request_columns.size() floats each (NaN = missing), row-major ->
  // num_rows * num_outputs() values at `out`.
  void Predict(const float* rows, std::size_t num_rows, double* out) const;
  // "2 xgboost models, 340 trees".
  std::string Describe() const;
  // Request rows (request_columns.size() floats each, row-major) on the bag models' split
  // thresholds (probe_rows.h), for checking against KilnModel::Predict.
  const std::vector<float>& probe_rows() const { return probe_rows_; }

 private:
  // One bag model: its forest, the request column feeding each of its features, its weight.
  struct Part {
    CompiledForest forest;
    std::vector<std::uint32_t> gather;
    double weight = 0;
  };

  std::vector<Part> parts_;  // in KilnModel's order: members, then each member's bag
  Task task_ = Task::kRegression;
  int outputs_ = 1;
  std::size_t num_inputs_ = 0;
  std::size_t tile_rows_ = 1;  // rows per pass through the stack buffers
  std::vector<float> probe_rows_;
};

}  // namespace kiln
