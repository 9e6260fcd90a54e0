// XgboostModel: a trained libxgboost tree booster (learned state only) behind the Model interface.
//
// Serialize() writes libxgboost's standard UBJSON model format (XGBoosterSaveModelToBuffer, "ubj"),
// which the Python `xgboost.Booster` (≥ 1.6) loads as is; the attributes best_iteration and
// best_score follow XGBoost's own convention. An early-stopped model is already sliced to its best
// iteration, so every tree it holds is used.
//
// Thread-safety: immutable after Create. Predict, PredictMargin, Contributions and Serialize may
// run concurrently: libxgboost ≥ 1.4 documents prediction on gbtree models as thread-safe (results
// live in per-thread buffers), and Create runs one prediction first so the booster's lazy
// configuration never happens on a shared model. The booster must not be retrained or reconfigured
// after Create.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "learn/learner.h"
#include "learn/xgboost/xgboost_handles.h"

namespace kiln {

class XgboostModel final : public Model {
 public:
  // Takes a trained or loaded booster. InvalidArgument when its objective or class count does not
  // fit `task` / `num_classes`.
  static Result<std::unique_ptr<XgboostModel>> Create(XgbBooster booster, Task task,
                                                      int num_classes);

  // Only Create can make a Key, so only Create constructs.
  class Key {
    friend class XgboostModel;
    Key() = default;
  };
  XgboostModel(Key, XgbBooster booster, Task task, int num_classes)
      : booster_(std::move(booster)), task_(task), num_classes_(num_classes) {}

  std::string algorithm() const override { return "xgboost"; }
  Task task() const override { return task_; }
  int num_classes() const override { return num_classes_; }
  // On a libxgboost failure (only if the REQUIRES of Model::Predict is broken) `out` holds NaNs.
  void Predict(const Matrix& x, std::vector<double>* out) const override;
  std::map<std::string, std::string> Info() const override { return info_; }
  Result<std::string> Serialize() const override;

  std::size_t num_features() const { return num_features_; }

  // libxgboost's raw scores (output_margin); NaNs on failure, as Predict.
  void PredictMargin(const Matrix& x, std::vector<double>* out) const override;
  // Exact TreeSHAP (libxgboost's pred_contribs) in margin space, laid out as Model::Contributions
  // says: rows × (cols + 1) (bias last), or rows × K × (cols + 1) for multiclass. The bias is the
  // base score plus each tree's cover-weighted mean leaf value. InvalidArgument when x.cols differs
  // from the columns trained on.
  Result<std::vector<double>> Contributions(const Matrix& x) const override;

 private:
  // Inplace prediction of `type` (0 value, 1 margin) into `out`.
  Status PredictDense(const Matrix& x, int type, std::vector<double>* out) const;

  XgbBooster booster_;
  Task task_;
  int num_classes_;
  std::size_t num_features_ = 0;
  std::map<std::string, std::string> info_;
};

}  // namespace kiln
