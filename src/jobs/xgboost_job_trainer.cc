// TrainXgboostJob (see job_trainer.h): SageMaker's XGBoost training loop over libxgboost's C API.
#include <charconv>
#include <cmath>

#include "jobs/job_trainer.h"
#include "learn/xgboost/xgboost_handles.h"
#include "learn/xgboost/xgboost_params.h"

namespace kiln {
namespace {

using RoundMetrics = std::vector<std::pair<std::string, double>>;

Result<XgbDMatrix> LabelledMatrix(const Dataset& d, int threads) {
  ASSIGN_OR_RETURN(XgbDMatrix m, MakeXgbDMatrix(d.x, threads));
  RETURN_IF_ERROR(XgbCheck(XGDMatrixSetFloatInfo(m.get(), "label", d.y.data(), d.y.size()),
                           StatusCode::kInvalidArgument, "xgboost: setting labels"));
  return m;
}

// "[3]\ttrain-rmse:0.25\tvalidation-rmse:0.3" -> {{"train:rmse", 0.25}, {"validation:rmse", 0.3}}.
RoundMetrics ParseEvalLine(std::string_view line) {
  RoundMetrics out;
  std::size_t pos = line.find('\t');
  while (pos != std::string_view::npos) {
    const std::size_t next = line.find('\t', pos + 1);
    const std::string_view item = line.substr(pos + 1, next - pos - 1);
    pos = next;
    const std::size_t dash = item.find('-');
    const std::size_t colon = item.rfind(':');
    if (dash == std::string_view::npos || colon == std::string_view::npos || colon < dash)
      continue;
    double v = 0;
    auto [end, ec] = std::from_chars(item.data() + colon + 1, item.data() + item.size(), v);
    if (ec != std::errc())
      continue;
    out.emplace_back(std::string(item.substr(0, dash)) + ":" +
                         std::string(item.substr(dash + 1, colon - dash - 1)),
                     v);
  }
  return out;
}

Status SetAttr(BoosterHandle h, const char* key, const std::string& value) {
  return XgbCheck(XGBoosterSetAttr(h, key, value.c_str()), StatusCode::kInternal,
                  std::string("xgboost: setting attribute ") + key);
}

}  // namespace

Result<TrainedArtifact> TrainXgboostJob(const TrainerInput& in) {
  const TrainingPlan& plan = *in.plan;
  ASSIGN_OR_RETURN(XgboostParams params,
                   ParseXgboostParams(plan.learner_params, plan.task, plan.num_classes));
  const int threads = std::max(1, in.threads);
  ASSIGN_OR_RETURN(XgbDMatrix dtrain, LabelledMatrix(*in.train, threads));
  XgbDMatrix dvalid;
  if (in.validation != nullptr) {
    ASSIGN_OR_RETURN(dvalid, LabelledMatrix(*in.validation, threads));
  }
  const bool has_valid = in.validation != nullptr;
  const DMatrixHandle cache[] = {dtrain.get(), dvalid.get()};
  ASSIGN_OR_RETURN(XgbBooster booster, MakeXgbBooster(cache, has_valid ? 2 : 1));
  BoosterHandle h = booster.get();

  std::vector<std::pair<std::string, std::string>> args = params.booster_args;
  for (auto& [name, value] : args) {
    if (name == "objective")
      value = plan.xgboost_objective;
  }
  args.emplace_back("nthread", std::to_string(threads));
  args.emplace_back("seed", std::to_string(plan.seed & 0x7fffffffffffffffULL));
  args.emplace_back("verbosity", "0");
  for (const auto& [name, value] : args) {
    RETURN_IF_ERROR(XgbCheck(XGBoosterSetParam(h, name.c_str(), value.c_str()),
                             StatusCode::kInvalidArgument,
                             "xgboost: hyperparameter \"" + name + "\""));
  }

  const bool early_stopping = params.early_stopping_rounds > 0 && has_valid;
  const std::string watched = "validation:" + params.eval_metrics.back();
  const bool maximize = XgboostMetricMaximizes(params.eval_metrics.back());
  DMatrixHandle eval_sets[] = {dtrain.get(), dvalid.get()};
  const char* eval_names[] = {"train", "validation"};
  int rounds = 0;
  int best_iteration = -1;
  double best_score = 0;
  std::string best_line;
  RoundMetrics best_metrics;
  RoundMetrics last_metrics;
  for (int iter = 0; iter < params.num_round; ++iter) {
    if (in.control->Check() != StopCause::kNone)
      return Status::Cancelled("xgboost: stopped after " + std::to_string(rounds) + " rounds");
    RETURN_IF_ERROR(XgbCheck(XGBoosterUpdateOneIter(h, iter, dtrain.get()),
                             StatusCode::kInvalidArgument,
                             "xgboost: boosting round " + std::to_string(iter)));
    rounds = iter + 1;
    const char* eval = nullptr;
    RETURN_IF_ERROR(
        XgbCheck(XGBoosterEvalOneIter(h, iter, eval_sets, eval_names, has_valid ? 2 : 1, &eval),
                 StatusCode::kInvalidArgument, "xgboost: evaluating round metrics"));
    const std::string line = eval != nullptr ? eval : "";
    in.log->Line(line);
    last_metrics = ParseEvalLine(line);
    if (!early_stopping)
      continue;
    double score = NAN;
    for (const auto& [name, value] : last_metrics) {
      if (name == watched)
        score = value;
    }
    if (best_iteration < 0 || (maximize ? score > best_score : score < best_score)) {
      best_iteration = iter;
      best_score = score;
      best_line = line;
      best_metrics = last_metrics;
    } else if (iter - best_iteration >= params.early_stopping_rounds) {
      in.log->Line("Stopping. Best iteration:");
      in.log->Line(best_line);
      break;
    }
  }
  if (in.control->Check() != StopCause::kNone)
    return Status::Cancelled("xgboost: stopped after " + std::to_string(rounds) + " rounds");

  if (early_stopping && best_iteration + 1 < rounds) {
    RETURN_IF_ERROR(XgbKeepFirstRounds(&booster, best_iteration + 1));
    h = booster.get();
  }
  if (early_stopping) {
    char text[64];
    auto [end, ec] = std::to_chars(text, text + sizeof text, best_score);
    RETURN_IF_ERROR(SetAttr(h, "best_score", std::string(text, end)));
  }
  const int best = early_stopping ? best_iteration : rounds - 1;
  RETURN_IF_ERROR(SetAttr(h, "best_iteration", std::to_string(best)));
  RETURN_IF_ERROR(SetAttr(h, "best_ntree_limit", std::to_string(best + 1)));

  bst_ulong len = 0;
  const char* bytes = nullptr;
  RETURN_IF_ERROR(XgbCheck(XGBoosterSaveModelToBuffer(h, R"({"format": "json"})", &len, &bytes),
                           StatusCode::kInternal, "xgboost: saving the model"));
  TrainedArtifact out;
  out.files.push_back({"xgboost-model", std::string(bytes, len)});
  out.metrics = early_stopping ? best_metrics : last_metrics;
  in.log->Line("trained " + std::to_string(best + 1) + " boosting rounds (objective " +
               plan.xgboost_objective + ")");
  return out;
}

}  // namespace kiln
