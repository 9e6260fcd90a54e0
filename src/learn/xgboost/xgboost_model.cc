#include "learn/xgboost/xgboost_model.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>

#include "learn/xgboost/xgboost_params.h"

namespace kiln {

Result<std::unique_ptr<XgboostModel>> XgboostModel::Create(XgbBooster booster, Task task,
                                                           int num_classes) {
  BoosterHandle h = booster.get();
  bst_ulong num_features = 0;
  RETURN_IF_ERROR(XgbCheck(XGBoosterGetNumFeature(h, &num_features), StatusCode::kInvalidArgument,
                           "xgboost model"));
  bst_ulong len = 0;
  const char* raw = nullptr;
  RETURN_IF_ERROR(XgbCheck(XGBoosterSaveJsonConfig(h, &len, &raw), StatusCode::kInvalidArgument,
                           "xgboost model: reading its configuration"));
  const std::string config(raw, len);
  const std::string booster_name = XgbConfigString(config, "booster");
  if (booster_name != "gbtree") {
    return Status::InvalidArgument("xgboost model: booster \"" + booster_name +
                                   "\" is not supported; Kiln serves gbtree models");
  }
  std::string objective = XgbConfigString(config, "objective");
  if (task == Task::kMulticlass && objective == "multi:softmax") {
    // Same trees; only the output transform differs. Kiln predicts probabilities.
    RETURN_IF_ERROR(XgbCheck(XGBoosterSetParam(h, "objective", "multi:softprob"),
                             StatusCode::kInvalidArgument, "xgboost model"));
    objective = "multi:softprob";
  }
  const auto& accepted = XgboostObjectivesFor(task);
  if (std::find(accepted.begin(), accepted.end(), objective) == accepted.end()) {
    return Status::InvalidArgument("xgboost model: objective \"" + objective +
                                   "\" does not fit a " + TaskName(task) + " task");
  }
  const std::string model_classes = XgbConfigString(config, "num_class");
  const std::string want_classes = task == Task::kMulticlass ? std::to_string(num_classes) : "0";
  if (model_classes != want_classes) {
    return Status::InvalidArgument("xgboost model: it has num_class " + model_classes + ", a " +
                                   TaskName(task) + " task with " + std::to_string(num_classes) +
                                   " classes needs " + want_classes);
  }
  if (num_features == 0) {
    return Status::InvalidArgument("xgboost model: it was trained on no features");
  }

  auto model = std::make_unique<XgboostModel>(Key(), std::move(booster), task, num_classes);
  model->num_features_ = num_features;

  // One prediction now: it runs libxgboost's lazy configuration before the model is shared, and
  // checks the number of outputs against the task.
  Matrix probe(1, num_features);
  std::fill(probe.values.begin(), probe.values.end(), std::numeric_limits<float>::quiet_NaN());
  std::vector<double> out;
  RETURN_IF_ERROR(model->PredictDense(probe, 0, &out));
  if (out.size() != static_cast<std::size_t>(model->num_outputs())) {
    return Status::InvalidArgument("xgboost model: it predicts " + std::to_string(out.size()) +
                                   " outputs per row, a " + TaskName(task) + " task with " +
                                   std::to_string(num_classes) + " classes needs " +
                                   std::to_string(model->num_outputs()));
  }

  int rounds = 0;
  RETURN_IF_ERROR(
      XgbCheck(XGBoosterBoostedRounds(h, &rounds), StatusCode::kInvalidArgument, "xgboost model"));
  auto& info = model->info_;
  info["objective"] = objective;
  info["num_boosted_rounds"] = std::to_string(rounds);
  info["num_trees"] = XgbConfigString(config, "num_trees");
  info["num_features"] = std::to_string(num_features);
  info["best_iteration"] = std::to_string(rounds - 1);
  for (const char* attr : {"best_iteration", "best_score", "kiln_stop_reason"}) {
    const char* value = nullptr;
    int found = 0;
    RETURN_IF_ERROR(XgbCheck(XGBoosterGetAttr(h, attr, &value, &found),
                             StatusCode::kInvalidArgument, "xgboost model"));
    std::string key = attr;
    if (key.starts_with("kiln_"))
      key.erase(0, 5);
    if (found != 0 && value != nullptr)
      info[key] = value;
  }
  return model;
}

Status XgboostModel::PredictDense(const Matrix& x, int type, std::vector<double>* out) const {
  out->clear();
  if (x.rows == 0)
    return Status::Ok();
  if (x.cols != num_features_) {
    return Status::InvalidArgument("xgboost: the data has " + std::to_string(x.cols) +
                                   " columns, the model was trained on " +
                                   std::to_string(num_features_));
  }
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  RETURN_IF_ERROR(XgbCheck(XGBoosterPredictFromDense(booster_.get(), XgbArrayInterface(x).c_str(),
                                                     XgbPredictConfig(type, true).c_str(), nullptr,
                                                     &shape, &dim, &result),
                           StatusCode::kInternal, "xgboost: predicting"));
  const std::size_t n = XgbShapeSize(shape, dim);
  if (n != x.rows * static_cast<std::size_t>(num_outputs())) {
    return Status::Internal("xgboost: predicting returned " + std::to_string(n) + " values for " +
                            std::to_string(x.rows) + " rows");
  }
  out->assign(result, result + n);
  return Status::Ok();
}

void XgboostModel::Predict(const Matrix& x, std::vector<double>* out) const {
  if (!PredictDense(x, 0, out).ok()) {
    out->assign(x.rows * num_outputs(), std::numeric_limits<double>::quiet_NaN());
  }
}

void XgboostModel::PredictMargin(const Matrix& x, std::vector<double>* out) const {
  if (!PredictDense(x, 1, out).ok()) {
    out->assign(x.rows * num_outputs(), std::numeric_limits<double>::quiet_NaN());
  }
}

Result<std::vector<double>> XgboostModel::Contributions(const Matrix& x) const {
  if (x.cols != num_features_) {
    return Status::InvalidArgument("xgboost contributions: the data has " + std::to_string(x.cols) +
                                   " columns, the model was trained on " +
                                   std::to_string(num_features_));
  }
  if (x.rows == 0)
    return std::vector<double>{};
  ASSIGN_OR_RETURN(XgbDMatrix dmat, MakeXgbDMatrix(x, 1));
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  RETURN_IF_ERROR(XgbCheck(
      XGBoosterPredictFromDMatrix(booster_.get(), dmat.get(), XgbPredictConfig(2, false).c_str(),
                                  &shape, &dim, &result),
      StatusCode::kInternal, "xgboost: computing contributions"));
  const std::size_t n = XgbShapeSize(shape, dim);
  const std::size_t expected = x.rows * num_outputs() * (x.cols + 1);
  if (n != expected) {
    return Status::Internal("xgboost contributions: got " + std::to_string(n) +
                            " values, expected " + std::to_string(expected));
  }
  return std::vector<double>(result, result + n);
}

Result<std::string> XgboostModel::Serialize() const {
  bst_ulong len = 0;
  const char* raw = nullptr;
  RETURN_IF_ERROR(
      XgbCheck(XGBoosterSaveModelToBuffer(booster_.get(), "{\"format\":\"ubj\"}", &len, &raw),
               StatusCode::kInternal, "xgboost: serializing the model"));
  return std::string(raw, len);
}

}  // namespace kiln
