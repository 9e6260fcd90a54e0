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
// Thread-safety: immutable after Load. Predict runs concurrently on gbtree models (libxgboost >=
// 1.4 predicts those thread-safely; Load runs one prediction first so its lazy configuration never
// happens on a shared booster); dart and gblinear models predict one at a time behind a mutex
// (dart's prediction is not documented as thread-safe; gblinear predicts through a DMatrix and the
// booster's shared prediction cache). Each call predicts on the caller's thread (nthread=1).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

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
  std::string Describe() const override;

 private:
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
};

}  // namespace kiln
