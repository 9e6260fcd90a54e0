// Explanation: per input column SHAP values of a whole KilnModel (every ensemble member, every bag
// model), in margin space — the space where the ensemble averages (see Model::PredictMargin):
// log-odds of class 1 (binary), one unnormalized score per class (multiclass), the value
// (regression).
//
// Each member's models explain the member's feature matrix (Model::Contributions); a pipeline
// output column's contribution goes to the input column it derives from
// (FeaturePipeline::output_source()), so one-hot levels, missing indicators, datetime parts and
// text dimensions add up to their source column. Members combine exactly as in KilnModel::Predict:
// bag models averaged, members weighted. For every row and output the values, bias included, sum
// to KilnModel::Predict's margin (up to float rounding; XGBoost works in float32).
//
// Thread-safety: ExplainModel shares no state; it may run concurrently on one (immutable) model.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/status.h"
#include "model/kiln_model.h"
#include "table/table.h"

namespace kiln {

// Per input column SHAP values for a KilnModel, margin space.
struct Explanation {
  std::size_t rows = 0;
  int outputs = 1;                   // NumOutputs(task, num_classes)
  std::vector<std::string> columns;  // KilnModel::InputSchema() names, then "bias"
  // rows * outputs * columns.size(), row-major: for output o of row r, one value per column with
  // the bias last.
  std::vector<double> values;

  double at(std::size_t row, int output, std::size_t column) const {
    return values[(row * static_cast<std::size_t>(outputs) + static_cast<std::size_t>(output)) *
                      columns.size() +
                  column];
  }
};

// Explains every row of `table` (read with model.InputSchema() forced). InvalidArgument names a
// missing feature column, and an unsupervised model (k-means, PCA) is InvalidArgument; when a
// member's model cannot explain itself, that error (usually Unimplemented) names the member.
// Members of weight 0 are skipped.
Result<Explanation> ExplainModel(const KilnModel& model, const Table& table);

}  // namespace kiln
