// KilnModelPredictor: a `model.kiln` (Kiln's model format, src/model/kiln_model.h) served as a
// Predictor, for every built-in algorithm.
//
// Inputs map by position: column i of a request row is the i-th name in the model's info
// "features" list (what Kiln's training jobs record: the training CSV's feature columns in order,
// f0, f1, ... without a header), or the i-th column of KilnModel::InputSchema() when the list is
// absent. Only number-like input columns are served (a model that reads categorical or text
// columns, e.g. one from `kiln automl`, is refused at load). Outputs: classifiers give the class
// probabilities (binary: of class 1) and the predicted label, regressors the value, k-means its
// closest_cluster and distance_to_cluster, PCA its projection.
//
// An ensemble of XGBoost learners behind number-passing tree pipelines is compiled at load
// (infer/compiled_kiln_model.h): Predict and PredictRows then run compiled trees with no Table, no
// libxgboost call and (PredictRows) no allocation. Other models predict through KilnModel::Predict;
// Describe() says which and why.
//
// Thread-safety: immutable after Load; Predict is safe from many threads (KilnModel::Predict is).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "infer/compiled_kiln_model.h"
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
  std::string Describe() const override;

 private:
  // "" when `compiled` predicts what KilnModel::Predict does on its probe rows, else why not.
  // Runs before compiled_ is set, so Predict takes the KilnModel path.
  std::string CheckCompiled(const CompiledKilnModel& compiled) const;

  struct Input {
    ColumnSchema schema;
    std::size_t position = 0;  // index of the request column feeding it
  };

  KilnModel model_;
  std::vector<std::string> features_;  // request columns, in order
  std::vector<Input> inputs_;          // the model's input columns
  OutputSchema output_;
  std::optional<CompiledKilnModel> compiled_;
  std::string compile_note_;  // why it is not compiled
};

}  // namespace kiln
