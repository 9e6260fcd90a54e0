// XgboostPredictor: an `xgboost-model` file served through libxgboost's C API, predicting what the
// booster itself predicts (Booster.predict: probabilities for binary:logistic, class-probability
// vectors for multi:softprob, class indices for multi:softmax, values for regression), as
// SageMaker's XGBoost container does.
//
// Load detects the format: XGBoost's JSON or UBJSON model (save_model("x.json") / ".ubj", Kiln's
// training jobs) or its legacy binary format (save_model("xgboost-model") in XGBoost < 2.0, the
// SageMaker XGBoost container); a Python pickle (SageMaker XGBoost 0.90 and 1.0-1.2 pickled the
// Booster) cannot be read from C++ and is refused with how to re-save it. Missing values are NaN.
//
// Load checks the model's structure first (internal/xgboost_model_check.h): libxgboost trusts
// model files, and a corrupt one must fail the load, not crash a prediction or exhaust memory.
//
// Serving compiles the trees (src/infer: CompileXgboostModel on libxgboost's JSON dump of the
// loaded booster, so every file format compiles alike): Predict and PredictRows then run the
// CompiledForest, which predicts what libxgboost predicts, without allocating or locking. Models
// it cannot compile exactly (gblinear, vector leaves, an unknown objective) keep libxgboost,
// and Describe() says which and why.
//
// Thread-safety: immutable after Load. Compiled models (gbtree and dart) predict concurrently
// without a lock. Through libxgboost, Predict runs concurrently on gbtree models (libxgboost >= 1.4
// predicts those thread-safely; Load runs one prediction first so its lazy configuration never
// happens on a shared booster); dart and gblinear models predict one at a time behind a mutex
// (dart's prediction is not documented as thread-safe; gblinear predicts through a DMatrix and the
// booster's shared prediction cache). Each call predicts on the caller's thread (nthread=1).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "infer/compiled_forest.h"
#include "learn/xgboost/xgboost_handles.h"
#include "serve/predictor.h"

namespace kiln {

class XgboostPredictor final : public Predictor {
 public:
  // FailedPrecondition saying what is wrong when `bytes` is not a loadable XGBoost model.
  static Result<std::unique_ptr<XgboostPredictor>> Load(std::string_view bytes);

  // Only Load constructs (through a Key).
  class Key {
    friend class XgboostPredictor;
    Key() = default;
  };
  explicit XgboostPredictor(Key) {}

  std::size_t num_features() const override { return num_features_; }
  const OutputSchema& output() const override { return output_; }
  Status Predict(const Matrix& x, std::vector<double>* out) const override;
  Status PredictRows(std::span<const float> rows, std::size_t num_rows,
                     std::span<double> out) const override;
  bool compiled() const override { return compiled_.has_value(); }
  std::string Describe() const override;

 private:
  // Compiles the loaded booster; on failure keeps libxgboost and records why in compile_note_.
  void Compile();
  // Through the compiled forest; REQUIRES compiled_ and checked sizes.
  void PredictCompiled(const float* rows, std::size_t num_rows, double* out) const;

  // libxgboost's predictions of `x`, whatever their count; the caller holds mu_ if serialize_.
  Status PredictRaw(const Matrix& x, std::vector<double>* out) const;

  XgbBooster booster_;
  std::size_t num_features_ = 0;
  OutputSchema output_;
  std::string booster_type_;  // "gbtree", "gblinear" or "dart"
  std::string objective_;
  bool serialize_ = false;        // dart, gblinear: one prediction at a time
  bool through_dmatrix_ = false;  // gblinear: no in-place prediction in libxgboost 1.7
  mutable std::mutex mu_;         // held by Predict when serialize_
  std::optional<CompiledForest> compiled_;
  std::string compile_note_;  // why the model is not compiled
};

}  // namespace kiln
