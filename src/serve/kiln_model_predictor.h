// KilnModelPredictor: a `model.kiln` (Kiln's model format, src/model/kiln_model.h) served as a
// Predictor, for every built-in algorithm and every column type.
//
// Inputs map by position: column i of a request row is the i-th name in the model's info
// "features" list (what Kiln's training jobs and `kiln automl` record: the training CSV's feature
// columns in order, f0, f1, ... without a header), or the i-th column of KilnModel::InputSchema()
// when the list is absent; listed columns the model does not use are ignored. A model whose
// inputs are all numeric, integer or boolean reads rows of floats (PredictRows); one that reads
// categorical, datetime or text columns (e.g. from `kiln automl`) reads text fields
// (reads_fields(): DecodeFields, then PredictInputs), decoded as `kiln predict` reads a file with
// the model's schema. Outputs: classifiers give the class probabilities (binary: of class 1) and
// the predicted label, regressors the value, k-means its closest_cluster and distance_to_cluster,
// PCA its projection.
//
// Every built-in model is compiled at load (infer/compiled_kiln_model.h): ensembles of XGBoost
// (numerical and categorical splits), linear/logistic, random_forest, extra_trees and knn members
// behind any pipeline CompiledPipeline compiles, and k-means and PCA models; the compiled model
// is checked against KilnModel::Predict on probe rows. Predictions then run with no Table, no
// library call and (PredictRows, PredictInputs) no allocation. What cannot be compiled (knn with
// more than 1024 neighbours, a check that differs) predicts through KilnModel::Predict, fed a
// Table built from the floats or decoded fields; Describe() says which path and why.
//
// Thread-safety: immutable after Load; Predict is safe from many threads (KilnModel::Predict is).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "infer/compiled_kiln_model.h"
#include "infer/input_rows.h"
#include "model/kiln_model.h"
#include "serve/predictor.h"

namespace kiln {

class KilnModelPredictor final : public Predictor {
 public:
  // Loads model.kiln `bytes` through a temporary file in `scratch_dir`. FailedPrecondition saying
  // what is wrong when it cannot be served.
  static Result<std::unique_ptr<KilnModelPredictor>> Load(std::string_view bytes,
                                                          const std::string& scratch_dir);

  // Only Load constructs (through a Key).
  class Key {
    friend class KilnModelPredictor;
    Key() = default;
  };
  KilnModelPredictor(Key, KilnModel model) : model_(std::move(model)) {}

  std::size_t num_features() const override { return features_.size(); }
  const OutputSchema& output() const override { return output_; }
  Status Predict(const Matrix& x, std::vector<double>* out) const override;
  Status PredictRows(std::span<const float> rows, std::size_t num_rows,
                     std::span<double> out) const override;
  bool compiled() const override { return compiled_.has_value(); }
  bool reads_fields() const override { return reads_fields_; }
  Status DecodeFields(const FieldRows& fields, InputRows* rows) const override;
  Status PredictInputs(const InputRows& rows, std::span<double> out) const override;
  std::string Describe() const override;
  // The model's input columns in request rows (what DecodeFields decodes into).
  const InputLayout& layout() const { return layout_; }

 private:
  // "" when `compiled` predicts what KilnModel::Predict does on its probe rows, else why not.
  // Runs before compiled_ is set, so the predictions it compares with take the KilnModel path.
  std::string CheckCompiled(const CompiledKilnModel& compiled) const;
  // KilnModel::Predict on `table`, checked to give rows * outputs values.
  Status PredictTable(const Table& table, std::vector<double>* out) const;
  Status RefuseFloats() const;

  KilnModel model_;
  std::vector<std::string> features_;  // request columns, in order
  InputLayout layout_;                 // the model's input columns in request rows
  bool reads_fields_ = false;
  OutputSchema output_;
  std::optional<CompiledKilnModel> compiled_;
  std::string compile_note_;  // why it is not compiled
};

}  // namespace kiln
