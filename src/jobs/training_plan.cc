#include "jobs/training_plan.h"

#include <charconv>
#include <set>

#include "learn/hyperparam_text.h"
#include "learn/registry.h"
#include "learn/unsupervised/kmeans.h"
#include "learn/unsupervised/pca.h"
#include "learn/xgboost/xgboost_params.h"

namespace kiln {
namespace {

Status HyperParamError(const Status& s) {
  return Status::InvalidArgument("HyperParameters: " + s.message());
}

Status Bad(const std::string& name, const std::string& value, const std::string& why) {
  return Status::InvalidArgument("HyperParameters: \"" + name + "\" = \"" + value + "\" " + why);
}

// Removes `name` from `hp` and returns its value, if present.
std::optional<std::string> Take(HyperParams* hp, const std::string& name) {
  auto it = hp->find(name);
  if (it == hp->end())
    return std::nullopt;
  std::string v = it->second;
  hp->erase(it);
  return v;
}

Result<bool> ParseBool(const std::string& name, const std::string& value) {
  const std::string v = hp::Lower(value);
  if (v == "true" || v == "1")
    return true;
  if (v == "false" || v == "0")
    return false;
  return Bad(name, value, "must be true or false");
}

Result<int> ParseIntAtLeast(const std::string& name, const std::string& value, int lo) {
  auto parsed = hp::ParseInt(name, value);
  if (!parsed.ok())
    return HyperParamError(parsed.error());
  if (*parsed < lo)
    return Bad(name, value, "must be an integer ≥ " + std::to_string(lo));
  return *parsed;
}

// "auto" -> 0, else an integer ≥ 1.
Result<int> ParseFeatureDim(const std::string& value) {
  if (hp::Lower(value) == "auto")
    return 0;
  return ParseIntAtLeast("feature_dim", value, 1);
}

// "auto" -> fallback, else a number ≥ 0.
Result<double> ParseNonNegativeOrAuto(const std::string& name, const std::string& value,
                                      double fallback) {
  if (hp::Lower(value) == "auto")
    return fallback;
  auto v = hp::ParseDouble(name, value);
  if (!v.ok())
    return HyperParamError(v.error());
  if (*v < 0)
    return Bad(name, value, "must be ≥ 0 or auto");
  return *v;
}

std::string Shortest(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(v);
}

Status RejectRest(const HyperParams& hp, const std::string& algorithm,
                  const std::string& honoured) {
  if (hp.empty())
    return Status::Ok();
  std::string names;
  for (const auto& [k, v] : hp)
    names += (names.empty() ? "\"" : ", \"") + k + "\"";
  return Status::InvalidArgument("HyperParameters: " + names + " not supported by Kiln's " +
                                 algorithm + "; supported: " + honoured);
}

// predictor_type for Kiln's own supervised images.
Status KilnPredictorType(HyperParams* hp, TrainingPlan* plan) {
  const std::optional<std::string> type = Take(hp, "predictor_type");
  const std::optional<std::string> classes = Take(hp, "num_classes");
  if (!type.has_value()) {
    return Status::InvalidArgument(
        "HyperParameters: \"predictor_type\" is required for " +
        std::string(AlgorithmImageName(plan->algorithm)) +
        ": binary_classifier, multiclass_classifier, regressor or classifier");
  }
  if (*type == "regressor") {
    plan->task = Task::kRegression, plan->label_rule = LabelRule::kValue;
  } else if (*type == "binary_classifier") {
    plan->task = Task::kBinary, plan->num_classes = 2, plan->label_rule = LabelRule::kClassIndex;
  } else if (*type == "multiclass_classifier") {
    if (!classes.has_value()) {
      return Status::InvalidArgument(
          "HyperParameters: \"num_classes\" is required with predictor_type "
          "multiclass_classifier (or use predictor_type classifier to count the labels)");
    }
    ASSIGN_OR_RETURN(plan->num_classes, ParseIntAtLeast("num_classes", *classes, 3));
    plan->task = Task::kMulticlass, plan->label_rule = LabelRule::kClassIndex;
  } else if (*type == "classifier") {
    plan->task = Task::kMulticlass, plan->label_rule = LabelRule::kAnyClass;
  } else {
    return Bad("predictor_type", *type,
               "must be binary_classifier, multiclass_classifier, regressor or classifier");
  }
  if (classes.has_value() && *type != "multiclass_classifier")
    return Bad("num_classes", *classes, "applies only to predictor_type multiclass_classifier");
  return Status::Ok();
}

// Validates the learner's own hyperparameters with a stand-in class count when it comes from the
// labels.
Status CheckSupervised(const TrainingPlan& plan) {
  const Task task = plan.label_rule == LabelRule::kAnyClass ? Task::kBinary : plan.task;
  const int classes = plan.label_rule == LabelRule::kAnyClass ? 2 : plan.num_classes;
  auto learner = MakeLearner(plan.learner, plan.learner_params, task, classes);
  return learner.ok() ? Status::Ok() : HyperParamError(learner.error());
}

Status PlanXgboost(const TrainingJobSpec& spec, HyperParams hp, TrainingPlan* plan) {
  if (plan->algorithm == Algorithm::kXgboost && hp.count("num_round") == 0 &&
      hp.count("n_estimators") == 0 && hp.count("num_boost_round") == 0) {
    return Status::InvalidArgument(
        "HyperParameters: \"num_round\" is required by SageMaker's XGBoost (the number of boosting "
        "rounds, e.g. \"100\")");
  }
  const std::string objective = hp.count("objective") ? hp.at("objective") : "reg:squarederror";
  if (objective.starts_with("binary:")) {
    plan->task = Task::kBinary, plan->num_classes = 2;
  } else if (objective.starts_with("multi:")) {
    plan->task = Task::kMulticlass;
    if (hp.count("num_class") == 0) {
      return Status::InvalidArgument("HyperParameters: \"num_class\" is required with objective " +
                                     objective);
    }
    ASSIGN_OR_RETURN(plan->num_classes, ParseIntAtLeast("num_class", hp.at("num_class"), 2));
  } else if (objective.starts_with("rank:") || objective.starts_with("survival:")) {
    return Bad("objective", objective, "is not supported by Kiln yet");
  } else {
    plan->task = Task::kRegression;
  }
  plan->label_rule = plan->task == Task::kRegression ? LabelRule::kValue : LabelRule::kClassIndex;
  if (std::optional<std::string> metric = Take(&hp, "_tuning_objective_metric")) {
    const std::size_t colon = metric->find(':');
    const std::string name = colon == std::string::npos ? *metric : metric->substr(colon + 1);
    std::string metrics = hp.count("eval_metric") ? hp.at("eval_metric") : "";
    if (!name.empty() && ("," + metrics + ",").find("," + name + ",") == std::string::npos) {
      if (metrics.empty()) {
        ASSIGN_OR_RETURN(XgboostParams defaults,
                         ParseXgboostParams(hp, plan->task, plan->num_classes));
        metrics = defaults.canonical.at("eval_metric");
      }
      hp["eval_metric"] = name + "," + metrics;
      plan->notes.push_back("added " + name + " to eval_metric for the tuning objective " +
                            *metric);
    }
  }
  auto parsed = ParseXgboostParams(hp, plan->task, plan->num_classes);
  if (!parsed.ok())
    return HyperParamError(parsed.error());
  if (parsed->early_stopping_rounds > 0 && spec.Channel("validation") == nullptr) {
    return Status::InvalidArgument(
        "HyperParameters: \"early_stopping_rounds\" needs a \"validation\" channel in "
        "InputDataConfig");
  }
  plan->xgboost_objective =
      objective == "multi:softmax" ? std::string("multi:softmax") : parsed->objective;
  if (parsed->seed.has_value())
    plan->seed = static_cast<std::uint64_t>(*parsed->seed);
  plan->learner_params = std::move(hp);
  return Status::Ok();
}

Status PlanLinearLearner(HyperParams hp, TrainingPlan* plan) {
  const std::optional<std::string> type = Take(&hp, "predictor_type");
  if (!type.has_value()) {
    return Status::InvalidArgument(
        "HyperParameters: \"predictor_type\" is required by linear-learner: binary_classifier, "
        "multiclass_classifier or regressor");
  }
  const std::optional<std::string> classes = Take(&hp, "num_classes");
  std::string expected_loss;
  if (*type == "binary_classifier") {
    plan->task = Task::kBinary, plan->num_classes = 2, expected_loss = "logistic";
  } else if (*type == "multiclass_classifier") {
    if (!classes.has_value()) {
      return Status::InvalidArgument(
          "HyperParameters: \"num_classes\" is required with predictor_type "
          "multiclass_classifier");
    }
    ASSIGN_OR_RETURN(plan->num_classes, ParseIntAtLeast("num_classes", *classes, 3));
    plan->task = Task::kMulticlass, expected_loss = "softmax_loss";
  } else if (*type == "regressor") {
    plan->task = Task::kRegression, expected_loss = "squared_loss";
  } else {
    return Bad("predictor_type", *type,
               "must be binary_classifier, multiclass_classifier or "
               "regressor");
  }
  if (classes.has_value() && plan->task != Task::kMulticlass && *classes != "2")
    return Bad("num_classes", *classes, "applies only to predictor_type multiclass_classifier");
  plan->label_rule = plan->task == Task::kRegression ? LabelRule::kValue : LabelRule::kClassIndex;
  if (std::optional<std::string> loss = Take(&hp, "loss")) {
    if (*loss != "auto" && *loss != expected_loss) {
      return Bad("loss", *loss,
                 "is not supported by Kiln's linear learner with predictor_type " + *type +
                     "; use auto or " + expected_loss);
    }
  }
  double l1 = 0, wd = 1e-4;
  if (std::optional<std::string> v = Take(&hp, "l1")) {
    ASSIGN_OR_RETURN(l1, ParseNonNegativeOrAuto("l1", *v, 0));
  }
  if (std::optional<std::string> v = Take(&hp, "wd")) {
    ASSIGN_OR_RETURN(wd, ParseNonNegativeOrAuto("wd", *v, 1e-4));
  }
  HyperParams kiln;
  kiln["alpha"] = Shortest(l1 + wd);
  kiln["l1_ratio"] = Shortest(l1 + wd > 0 ? l1 / (l1 + wd) : 0);
  if (std::optional<std::string> v = Take(&hp, "use_bias")) {
    ASSIGN_OR_RETURN(bool bias, ParseBool("use_bias", *v));
    kiln["fit_intercept"] = bias ? "true" : "false";
  }
  if (std::optional<std::string> v = Take(&hp, "balance_multiclass_weights")) {
    ASSIGN_OR_RETURN(bool balance, ParseBool("balance_multiclass_weights", *v));
    if (balance && plan->task == Task::kRegression)
      return Bad("balance_multiclass_weights", *v, "applies only to classifiers");
    if (balance)
      kiln["class_weight"] = "balanced";
  }
  if (std::optional<std::string> v = Take(&hp, "normalize_data")) {
    ASSIGN_OR_RETURN(plan->standardize, ParseBool("normalize_data", *v));
  }
  // SageMaker's optimizer settings do not change the optimum Kiln solves for exactly: accepted (so
  // copied notebooks run) and noted in the job's log.
  static constexpr const char* kOptimizerOnly[] = {"epochs",
                                                   "mini_batch_size",
                                                   "learning_rate",
                                                   "optimizer",
                                                   "beta_1",
                                                   "beta_2",
                                                   "momentum",
                                                   "bias_lr_mult",
                                                   "bias_wd_mult",
                                                   "lr_scheduler_factor",
                                                   "lr_scheduler_minimum_lr",
                                                   "lr_scheduler_step",
                                                   "num_models",
                                                   "num_calibration_samples",
                                                   "init_method",
                                                   "init_scale",
                                                   "init_sigma",
                                                   "init_bias",
                                                   "early_stopping_patience",
                                                   "early_stopping_tolerance",
                                                   "num_point_for_scaler",
                                                   "unbias_data",
                                                   "unbias_label"};
  std::string ignored;
  for (const char* name : kOptimizerOnly) {
    if (std::optional<std::string> v = Take(&hp, name))
      ignored += (ignored.empty() ? "" : ", ") + std::string(name) + "=" + *v;
  }
  if (!ignored.empty())
    plan->notes.push_back("ignored SGD settings (Kiln solves the objective exactly): " + ignored);
  RETURN_IF_ERROR(RejectRest(hp, "linear learner",
                             "predictor_type, num_classes, feature_dim, l1, wd, use_bias, "
                             "normalize_data, balance_multiclass_weights, loss, target, seed "
                             "(SGD settings such as epochs, mini_batch_size and learning_rate are "
                             "accepted and ignored: Kiln solves the objective exactly)"));
  plan->learner_params = std::move(kiln);
  return CheckSupervised(*plan);
}

Status PlanSageMakerKnn(HyperParams hp, TrainingPlan* plan) {
  const std::optional<std::string> type = Take(&hp, "predictor_type");
  if (!type.has_value() || (*type != "classifier" && *type != "regressor")) {
    return Status::InvalidArgument(
        "HyperParameters: \"predictor_type\" is required by knn: classifier or regressor" +
        (type.has_value() ? std::string(" (got \"") + *type + "\")" : std::string()));
  }
  if (*type == "regressor") {
    plan->task = Task::kRegression, plan->label_rule = LabelRule::kValue;
  } else {
    plan->task = Task::kMulticlass, plan->label_rule = LabelRule::kAnyClass;
  }
  const std::optional<std::string> k = Take(&hp, "k");
  if (!k.has_value())
    return Status::InvalidArgument("HyperParameters: \"k\" (the number of neighbours) is required");
  ASSIGN_OR_RETURN(int neighbours, ParseIntAtLeast("k", *k, 1));
  if (std::optional<std::string> v = Take(&hp, "sample_size")) {
    ASSIGN_OR_RETURN(int size, ParseIntAtLeast("sample_size", *v, 1));
    plan->sample_size = static_cast<std::size_t>(size);
  }
  if (std::optional<std::string> v = Take(&hp, "index_metric"); v && *v != "L2")
    return Bad("index_metric", *v, "is not supported by Kiln's k-NN; use L2");
  if (std::optional<std::string> v = Take(&hp, "index_type"); v && *v != "faiss.Flat")
    return Bad("index_type", *v, "is not supported by Kiln's k-NN (exact search); use faiss.Flat");
  RETURN_IF_ERROR(
      RejectRest(hp, "k-NN",
                 "k, predictor_type, sample_size, feature_dim, index_metric L2, index_type "
                 "faiss.Flat, target, seed"));
  plan->learner_params = {{"n_neighbors", std::to_string(neighbours)}};
  plan->standardize = false;  // SageMaker's k-NN measures distances on the raw features
  return CheckSupervised(*plan);
}

Status PlanUnsupervised(const TrainingJobSpec& spec, HyperParams hp, TrainingPlan* plan) {
  plan->label_rule = LabelRule::kNone;
  if (!plan->target.empty()) {
    return Status::InvalidArgument("HyperParameters: \"target\" does not apply to " +
                                   std::string(AlgorithmImageName(plan->algorithm)) +
                                   ", which trains without a label");
  }
  const ChannelSpec& train = *spec.Channel("train");
  plan->label_columns = train.label_size == 1 ? 1 : 0;
  if (plan->learner == "kmeans") {
    if (std::optional<std::string> v = Take(&hp, "max_iterations")) {
      if (hp.count("max_iter") != 0) {
        return Status::InvalidArgument(
            "HyperParameters: \"max_iterations\" and \"max_iter\" are the same setting; keep one");
      }
      hp["max_iter"] = *v;
    }
    auto parsed = KMeansParams::Parse(hp);
    if (!parsed.ok())
      return HyperParamError(parsed.error());
  } else {
    auto parsed = PcaParams::Parse(hp);
    if (!parsed.ok())
      return HyperParamError(parsed.error());
  }
  plan->standardize =
      plan->algorithm == Algorithm::kKilnKMeans || plan->algorithm == Algorithm::kKilnPca;
  plan->learner_params = std::move(hp);
  return Status::Ok();
}

}  // namespace

Result<TrainingPlan> PlanTraining(const TrainingJobSpec& spec) {
  TrainingPlan plan;
  plan.algorithm = spec.algorithm;
  plan.learner = AlgorithmLearnerName(spec.algorithm);
  HyperParams hp = spec.hyperparameters;

  for (const ChannelSpec& c : spec.channels) {
    if (c.name != "train" && c.name != "validation" && c.name != "test") {
      return Status::InvalidArgument("InputDataConfig channel \"" + c.name +
                                     "\": Kiln's built-in algorithms read the channels train, "
                                     "validation and test");
    }
    if (c.content_type.empty())
      plan.notes.push_back("channel " + c.name + ": ContentType is not set; reading text/csv");
    if (c.label_size == 0 && !IsUnsupervised(spec.algorithm)) {
      return Status::InvalidArgument("InputDataConfig channel \"" + c.name +
                                     "\" ContentType: label_size=0 gives no label, but " +
                                     AlgorithmImageName(spec.algorithm) + " needs one");
    }
  }
  if (std::optional<std::string> t = Take(&hp, "target")) {
    if (t->empty())
      return Status::InvalidArgument("HyperParameters: \"target\" is empty");
    plan.target = *t;
  }
  const bool xgboost = plan.learner == "xgboost";
  if (!xgboost) {
    if (std::optional<std::string> s = Take(&hp, "seed")) {
      std::uint64_t seed = 0;
      auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), seed);
      if (ec != std::errc() || end != s->data() + s->size())
        return Bad("seed", *s, "must be an integer ≥ 0");
      plan.seed = seed;
    }
    if (std::optional<std::string> d = Take(&hp, "feature_dim")) {
      ASSIGN_OR_RETURN(plan.feature_dim, ParseFeatureDim(*d));
    }
    Take(&hp, "_tuning_objective_metric");
  }

  switch (spec.algorithm) {
    case Algorithm::kXgboost:
    case Algorithm::kKilnXgboost:
      RETURN_IF_ERROR(PlanXgboost(spec, std::move(hp), &plan));
      break;
    case Algorithm::kLinearLearner:
      RETURN_IF_ERROR(PlanLinearLearner(std::move(hp), &plan));
      break;
    case Algorithm::kKnn:
      RETURN_IF_ERROR(PlanSageMakerKnn(std::move(hp), &plan));
      break;
    case Algorithm::kKMeans:
    case Algorithm::kPca:
    case Algorithm::kKilnKMeans:
    case Algorithm::kKilnPca:
      RETURN_IF_ERROR(PlanUnsupervised(spec, std::move(hp), &plan));
      break;
    case Algorithm::kKilnLinear:
    case Algorithm::kKilnRandomForest:
    case Algorithm::kKilnExtraTrees:
    case Algorithm::kKilnKnn:
      RETURN_IF_ERROR(KilnPredictorType(&hp, &plan));
      plan.learner_params = std::move(hp);
      RETURN_IF_ERROR(CheckSupervised(plan));
      break;
  }
  return plan;
}

}  // namespace kiln
