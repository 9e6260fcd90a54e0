#include "learn/xgboost/xgboost_learner.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "learn/xgboost/xgboost_handles.h"
#include "learn/xgboost/xgboost_model.h"
#include "learn/xgboost/xgboost_params.h"

namespace kiln {
namespace {

std::string RowPrefix(const char* which, std::size_t row) {
  return std::string("xgboost: ") + which + " row " + std::to_string(row) + ": ";
}

// Shapes, labels, weights and categorical codes; libxgboost's own messages are less specific.
Status CheckTrainSet(const TrainSet& set, const char* which, Task task, int num_classes,
                     std::size_t cols) {
  const std::string name = std::string("xgboost: ") + which + " set: ";
  if (set.x == nullptr || set.x->rows == 0)
    return Status::InvalidArgument(name + "no rows");
  const Matrix& x = *set.x;
  if (x.cols == 0)
    return Status::InvalidArgument(name + "no columns");
  if (cols != 0 && x.cols != cols) {
    return Status::InvalidArgument(name + std::to_string(x.cols) +
                                   " columns, the training set has " + std::to_string(cols));
  }
  if (set.y.size() != x.rows) {
    return Status::InvalidArgument(name + std::to_string(set.y.size()) + " labels for " +
                                   std::to_string(x.rows) + " rows");
  }
  if (!set.weights.empty() && set.weights.size() != x.rows) {
    return Status::InvalidArgument(name + std::to_string(set.weights.size()) + " weights for " +
                                   std::to_string(x.rows) + " rows");
  }
  if (!set.categorical.empty() && set.categorical.size() != x.cols) {
    return Status::InvalidArgument(name + "categorical flags for " +
                                   std::to_string(set.categorical.size()) +
                                   " columns, the data has " + std::to_string(x.cols));
  }
  const int classes = task == Task::kBinary ? 2 : num_classes;
  for (std::size_t r = 0; r < x.rows; ++r) {
    const float y = set.y[r];
    if (!std::isfinite(y))
      return Status::InvalidArgument(RowPrefix(which, r) + "label is not finite");
    if (task != Task::kRegression && (y < 0 || y >= classes || y != std::floor(y))) {
      return Status::InvalidArgument(RowPrefix(which, r) + "label " + std::to_string(y) +
                                     " is not a class index in 0.." + std::to_string(classes - 1));
    }
    if (!set.weights.empty() && !(set.weights[r] >= 0 && std::isfinite(set.weights[r]))) {
      return Status::InvalidArgument(RowPrefix(which, r) + "weight must be finite and ≥ 0");
    }
  }
  for (std::size_t c = 0; c < set.categorical.size(); ++c) {
    if (!set.categorical[c])
      continue;
    for (std::size_t r = 0; r < x.rows; ++r) {
      const float v = x.at(r, c);
      if (!std::isnan(v) && (v < 0 || v != std::floor(v) || v > (1 << 24))) {
        return Status::InvalidArgument(RowPrefix(which, r) + "column " + std::to_string(c) +
                                       " is categorical, but " + std::to_string(v) +
                                       " is not a category code (an integer ≥ 0, or NaN)");
      }
    }
  }
  return Status::Ok();
}

Result<XgbDMatrix> MakeTrainMatrix(const TrainSet& set, int num_threads) {
  ASSIGN_OR_RETURN(XgbDMatrix dmat, MakeXgbDMatrix(*set.x, num_threads));
  const StatusCode bad = StatusCode::kInvalidArgument;
  RETURN_IF_ERROR(XgbCheck(XGDMatrixSetFloatInfo(dmat.get(), "label", set.y.data(), set.y.size()),
                           bad, "xgboost: setting labels"));
  if (!set.weights.empty()) {
    RETURN_IF_ERROR(XgbCheck(
        XGDMatrixSetFloatInfo(dmat.get(), "weight", set.weights.data(), set.weights.size()), bad,
        "xgboost: setting weights"));
  }
  bool any_categorical = false;
  std::vector<const char*> types(set.x->cols, "q");
  for (std::size_t c = 0; c < set.categorical.size(); ++c) {
    if (set.categorical[c])
      types[c] = "c", any_categorical = true;
  }
  if (any_categorical) {
    RETURN_IF_ERROR(
        XgbCheck(XGDMatrixSetStrFeatureInfo(dmat.get(), "feature_type", types.data(), types.size()),
                 bad, "xgboost: marking categorical columns"));
  }
  return dmat;
}

// The value of the last metric in XGBoosterEvalOneIter's "[3]\tvalid-rmse:0.25\tvalid-mae:0.2".
Result<double> LastMetricValue(const char* eval) {
  const std::string text = eval != nullptr ? eval : "";
  const std::size_t colon = text.rfind(':');
  double v = 0;
  if (colon != std::string::npos) {
    const char* begin = text.c_str() + colon + 1;
    auto [end, ec] = std::from_chars(begin, text.c_str() + text.size(), v);
    if (ec == std::errc() && end != begin)
      return v;
  }
  return Status::Internal("xgboost: cannot read the evaluation result \"" + text + "\"");
}

class XgboostLearner final : public Learner {
 public:
  XgboostLearner(XgboostParams params, Task task, int num_classes)
      : params_(std::move(params)), task_(task), num_classes_(num_classes) {}

  std::string algorithm() const override { return "xgboost"; }
  HyperParams params() const override { return params_.canonical; }

  Result<std::unique_ptr<Model>> Fit(const TrainSet& train, const TrainSet* valid,
                                     const FitContext& ctx) const override;

 private:
  XgboostParams params_;
  Task task_;
  int num_classes_;
};

Result<std::unique_ptr<Model>> XgboostLearner::Fit(const TrainSet& train, const TrainSet* valid,
                                                   const FitContext& ctx) const {
  using Clock = std::chrono::steady_clock;
  if (Clock::now() >= ctx.deadline) {
    return Status::DeadlineExceeded("xgboost: the deadline passed before the first boosting round");
  }
  RETURN_IF_ERROR(CheckTrainSet(train, "training", task_, num_classes_, 0));
  const bool early_stopping = params_.early_stopping_rounds > 0;
  if (early_stopping && valid == nullptr) {
    return Status::InvalidArgument(
        "xgboost: early_stopping_rounds needs a validation set; provide one or drop the "
        "hyperparameter");
  }
  if (valid != nullptr) {
    RETURN_IF_ERROR(CheckTrainSet(*valid, "validation", task_, num_classes_, train.x->cols));
  }
  bool any_categorical = false;
  for (bool c : train.categorical)
    any_categorical = any_categorical || c;
  if (any_categorical && params_.tree_method != "hist" && params_.tree_method != "approx") {
    return Status::InvalidArgument("xgboost: tree_method \"" + params_.tree_method +
                                   "\" ignores categorical columns in libxgboost 1.7; use hist or "
                                   "approx");
  }

  const int threads = ctx.num_threads < 1 ? 1 : ctx.num_threads;
  ASSIGN_OR_RETURN(XgbDMatrix dtrain, MakeTrainMatrix(train, threads));
  XgbDMatrix dvalid;
  if (early_stopping) {
    TrainSet v = *valid;
    v.categorical = train.categorical;
    ASSIGN_OR_RETURN(dvalid, MakeTrainMatrix(v, threads));
  }
  const DMatrixHandle cache[] = {dtrain.get(), dvalid.get()};
  ASSIGN_OR_RETURN(XgbBooster booster, MakeXgbBooster(cache, early_stopping ? 2 : 1));
  BoosterHandle h = booster.get();

  const std::uint64_t seed =
      params_.seed.has_value() ? static_cast<std::uint64_t>(*params_.seed) : ctx.seed;
  std::vector<std::pair<std::string, std::string>> args = params_.booster_args;
  args.emplace_back("nthread", std::to_string(threads));
  args.emplace_back("seed", std::to_string(seed & 0x7fffffffffffffffULL));
  args.emplace_back("verbosity", "0");
  for (const auto& [name, value] : args) {
    RETURN_IF_ERROR(XgbCheck(XGBoosterSetParam(h, name.c_str(), value.c_str()),
                             StatusCode::kInvalidArgument,
                             "xgboost: hyperparameter \"" + name + "\""));
  }

  const bool maximize = XgboostMetricMaximizes(params_.eval_metrics.back());
  int rounds = 0;
  int best_iteration = -1;
  double best_score = 0;
  std::string stop_reason = "num_round";
  for (int iter = 0; iter < params_.num_round; ++iter) {
    if (Clock::now() >= ctx.deadline) {
      stop_reason = "deadline";
      break;
    }
    RETURN_IF_ERROR(XgbCheck(XGBoosterUpdateOneIter(h, iter, dtrain.get()),
                             StatusCode::kInvalidArgument,
                             "xgboost: boosting round " + std::to_string(iter)));
    rounds = iter + 1;
    if (!early_stopping)
      continue;
    DMatrixHandle eval_sets[] = {dvalid.get()};
    const char* eval_names[] = {"valid"};
    const char* eval = nullptr;
    RETURN_IF_ERROR(XgbCheck(XGBoosterEvalOneIter(h, iter, eval_sets, eval_names, 1, &eval),
                             StatusCode::kInvalidArgument,
                             "xgboost: evaluating the validation set"));
    ASSIGN_OR_RETURN(double score, LastMetricValue(eval));
    if (best_iteration < 0 || (maximize ? score > best_score : score < best_score)) {
      best_iteration = iter;
      best_score = score;
    } else if (iter - best_iteration >= params_.early_stopping_rounds) {
      stop_reason = "early_stopping";
      break;
    }
  }
  if (rounds == 0) {
    return Status::DeadlineExceeded("xgboost: the deadline passed before the first boosting round");
  }

  if (early_stopping && best_iteration + 1 < rounds) {
    RETURN_IF_ERROR(XgbKeepFirstRounds(&booster, best_iteration + 1));
    h = booster.get();
  }
  if (early_stopping) {
    char score_text[64];
    auto [end, ec] = std::to_chars(score_text, score_text + sizeof score_text, best_score);
    *end = '\0';
    RETURN_IF_ERROR(
        XgbCheck(XGBoosterSetAttr(h, "best_score", score_text), StatusCode::kInternal, "xgboost"));
  }
  const int best = early_stopping ? best_iteration : rounds - 1;
  RETURN_IF_ERROR(XgbCheck(XGBoosterSetAttr(h, "best_iteration", std::to_string(best).c_str()),
                           StatusCode::kInternal, "xgboost"));
  RETURN_IF_ERROR(XgbCheck(XGBoosterSetAttr(h, "kiln_stop_reason", stop_reason.c_str()),
                           StatusCode::kInternal, "xgboost"));
  ASSIGN_OR_RETURN(std::unique_ptr<XgboostModel> model,
                   XgboostModel::Create(std::move(booster), task_, num_classes_));
  return std::unique_ptr<Model>(std::move(model));
}

}  // namespace

Result<std::unique_ptr<Learner>> MakeXgboostLearner(const HyperParams& params, Task task,
                                                    int num_classes) {
  ASSIGN_OR_RETURN(XgboostParams parsed, ParseXgboostParams(params, task, num_classes));
  return std::unique_ptr<Learner>(
      std::make_unique<XgboostLearner>(std::move(parsed), task, num_classes));
}

Result<std::unique_ptr<Model>> LoadXgboostModel(std::string_view bytes, Task task,
                                                int num_classes) {
  // Kiln writes UBJSON; Python writes JSON or UBJSON. Both begin with '{'. Anything else would
  // reach libxgboost's legacy binary reader, which trusts its input.
  if (bytes.empty() || bytes.front() != '{') {
    return Status::Corruption("xgboost model: the bytes are not an XGBoost JSON or UBJSON model");
  }
  ASSIGN_OR_RETURN(XgbBooster booster, MakeXgbBooster(nullptr, 0));
  RETURN_IF_ERROR(XgbCheck(XGBoosterLoadModelFromBuffer(booster.get(), bytes.data(), bytes.size()),
                           StatusCode::kCorruption, "xgboost model: the bytes do not decode"));
  ASSIGN_OR_RETURN(std::unique_ptr<XgboostModel> model,
                   XgboostModel::Create(std::move(booster), task, num_classes));
  return std::unique_ptr<Model>(std::move(model));
}

}  // namespace kiln
