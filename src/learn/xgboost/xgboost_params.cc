#include "learn/xgboost/xgboost_params.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <string_view>

namespace kiln {
namespace {

enum class Kind { kInt, kReal, kChoice, kText };

// One accepted hyperparameter. Numbers are checked against [lo, hi] (ends open when the flag says
// so).
struct Spec {
  const char* name;
  std::vector<const char*> aliases;
  Kind kind;
  const char* default_value;  // nullptr: no fixed default (see ParseXgboostParams)
  double lo = -std::numeric_limits<double>::infinity();
  double hi = std::numeric_limits<double>::infinity();
  bool lo_open = false;
  bool hi_open = false;
  std::vector<const char*> choices = {};
};

constexpr double kInf = std::numeric_limits<double>::infinity();

// In the order params() and the booster see them. Defaults are libxgboost 1.7's, except tree_method
// (hist instead of auto).
const std::vector<Spec>& Specs() {
  static const std::vector<Spec> specs = {
      {"num_round", {"n_estimators", "num_boost_round"}, Kind::kInt, "100", 1, 1e7},
      {"early_stopping_rounds", {}, Kind::kInt, "0", 0, 1e7},
      {"objective", {}, Kind::kText, nullptr},
      {"eval_metric", {}, Kind::kText, nullptr},
      {"num_class", {}, Kind::kInt, nullptr, 2, 1e6},
      {"booster", {}, Kind::kChoice, "gbtree", 0, 0, false, false, {"gbtree"}},
      {"eta", {"learning_rate"}, Kind::kReal, "0.3", 0, kInf},
      {"gamma", {"min_split_loss"}, Kind::kReal, "0", 0, kInf},
      {"max_depth", {}, Kind::kInt, "6", 0, 1e4},
      {"min_child_weight", {}, Kind::kReal, "1", 0, kInf},
      {"max_delta_step", {}, Kind::kReal, nullptr, 0, kInf},
      {"subsample", {}, Kind::kReal, "1", 0, 1, true, false},
      {"sampling_method", {}, Kind::kChoice, "uniform", 0, 0, false, false, {"uniform"}},
      {"colsample_bytree", {}, Kind::kReal, "1", 0, 1, true, false},
      {"colsample_bylevel", {}, Kind::kReal, "1", 0, 1, true, false},
      {"colsample_bynode", {}, Kind::kReal, "1", 0, 1, true, false},
      {"lambda", {"reg_lambda"}, Kind::kReal, "1", 0, kInf},
      {"alpha", {"reg_alpha"}, Kind::kReal, "0", 0, kInf},
      {"tree_method",
       {},
       Kind::kChoice,
       "hist",
       0,
       0,
       false,
       false,
       {"auto", "exact", "approx", "hist"}},
      {"max_bin", {}, Kind::kInt, "256", 2, 1e6},
      {"grow_policy",
       {},
       Kind::kChoice,
       "depthwise",
       0,
       0,
       false,
       false,
       {"depthwise", "lossguide"}},
      {"max_leaves", {}, Kind::kInt, "0", 0, 1e7},
      {"scale_pos_weight", {}, Kind::kReal, "1", 0, kInf, true, false},
      {"num_parallel_tree", {}, Kind::kInt, "1", 1, 1e4},
      {"max_cat_to_onehot", {}, Kind::kInt, "4", 1, 1e6},
      {"base_score", {}, Kind::kReal, nullptr, -kInf, kInf},
      {"tweedie_variance_power", {}, Kind::kReal, nullptr, 1, 2, true, true},
      {"huber_slope", {}, Kind::kReal, nullptr, 0, kInf, true, false},
      {"seed", {}, Kind::kInt, nullptr, 0, 9.2e18},
      {"verbosity", {}, Kind::kInt, nullptr, 0, 3},
  };
  return specs;
}

// Parameters the training loop owns (or that Kiln ignores); never passed to XGBoosterSetParam.
bool IsLoopParam(std::string_view name) {
  return name == "num_round" || name == "early_stopping_rounds" || name == "seed" ||
         name == "eval_metric" || name == "verbosity";
}

std::string FormatNumber(double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(v);
}

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return std::string(s);
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items)
    out += (out.empty() ? "" : ", ") + s;
  return out;
}

Status BadValue(std::string_view name, std::string_view value, std::string_view requirement) {
  return Status::InvalidArgument("hyperparameter \"" + std::string(name) + "\": \"" +
                                 std::string(value) + "\" " + std::string(requirement));
}

// "an integer ≥ 0", "a number in (0, 1]", ... Upper caps above 100 are sanity limits, named only to
// a value that exceeds one.
std::string Requirement(const Spec& s, bool name_cap) {
  std::string what = s.kind == Kind::kInt ? "must be an integer" : "must be a number";
  const bool has_lo = std::isfinite(s.lo);
  const bool has_hi = std::isfinite(s.hi) && (s.hi <= 100 || name_cap);
  if (has_lo && has_hi) {
    return what + " in " + (s.lo_open ? "(" : "[") + FormatNumber(s.lo) + ", " +
           FormatNumber(s.hi) + (s.hi_open ? ")" : "]");
  }
  if (has_lo)
    return what + (s.lo_open ? " > " : " ≥ ") + FormatNumber(s.lo);
  if (has_hi)
    return what + (s.hi_open ? " < " : " ≤ ") + FormatNumber(s.hi);
  return what;
}

// Parses and range-checks a number; returns its canonical spelling.
Result<std::string> CheckNumber(const Spec& s, const std::string& value) {
  double v = 0;
  if (s.kind == Kind::kInt) {
    long long i = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), i);
    if (ec != std::errc() || end != value.data() + value.size()) {
      return BadValue(s.name, value, Requirement(s, false));
    }
    v = static_cast<double>(i);
  } else {
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(v)) {
      return BadValue(s.name, value, Requirement(s, false));
    }
  }
  const bool below = s.lo_open ? v <= s.lo : v < s.lo;
  const bool above = s.hi_open ? v >= s.hi : v > s.hi;
  if (below || above)
    return BadValue(s.name, value, Requirement(s, above));
  if (s.kind == Kind::kInt)
    return std::to_string(static_cast<long long>(v));
  return FormatNumber(v);
}

struct ObjectiveInfo {
  const char* name;
  const char* default_metric;
};

const std::vector<ObjectiveInfo>& Objectives(Task task) {
  static const std::vector<ObjectiveInfo> binary = {{"binary:logistic", "logloss"}};
  static const std::vector<ObjectiveInfo> multiclass = {{"multi:softprob", "mlogloss"}};
  static const std::vector<ObjectiveInfo> regression = {
      {"reg:squarederror", "rmse"},         {"reg:squaredlogerror", "rmsle"},
      {"reg:absoluteerror", "mae"},         {"reg:pseudohubererror", "mphe"},
      {"count:poisson", "poisson-nloglik"}, {"reg:gamma", "gamma-nloglik"},
      {"reg:tweedie", "tweedie-nloglik"}};
  switch (task) {
    case Task::kBinary:
      return binary;
    case Task::kMulticlass:
      return multiclass;
    case Task::kRegression:
      return regression;
  }
  return regression;
}

// Spellings accepted for an objective that map onto one Kiln trains with.
std::string ObjectiveAlias(const std::string& name) {
  if (name == "multi:softmax")
    return "multi:softprob";  // predictions stay probabilities
  if (name == "reg:linear")
    return "reg:squarederror";  // XGBoost's deprecated name
  return name;
}

// Metrics libxgboost 1.7 computes that make sense for `task`.
const std::vector<std::string>& Metrics(Task task) {
  static const std::vector<std::string> binary = {"logloss", "error", "auc", "aucpr"};
  static const std::vector<std::string> multiclass = {"mlogloss", "merror", "auc"};
  static const std::vector<std::string> regression = {
      "rmse",           "rmsle",          "mae", "mape", "mphe", "poisson-nloglik", "gamma-nloglik",
      "gamma-deviance", "tweedie-nloglik"};
  switch (task) {
    case Task::kBinary:
      return binary;
    case Task::kMulticlass:
      return multiclass;
    case Task::kRegression:
      return regression;
  }
  return regression;
}

// Checks one eval_metric entry; "error@0.7" and "tweedie-nloglik@1.5" carry a parameter.
Status CheckMetric(const std::string& metric, Task task) {
  const std::string base = metric.substr(0, metric.find('@'));
  const auto& accepted = Metrics(task);
  if (std::find(accepted.begin(), accepted.end(), base) == accepted.end()) {
    return BadValue("eval_metric", metric,
                    std::string("is not a metric for a ") + TaskName(task) +
                        " task; accepted: " + Join(accepted) + " (comma-separated for several)");
  }
  if (base.size() == metric.size())
    return Status::Ok();
  if (base != "error" && base != "tweedie-nloglik") {
    return BadValue("eval_metric", metric, "takes no @ parameter");
  }
  const std::string arg = metric.substr(base.size() + 1);
  double v = 0;
  auto [end, ec] = std::from_chars(arg.data(), arg.data() + arg.size(), v);
  const bool ok = ec == std::errc() && end == arg.data() + arg.size() &&
                  (base == "error" ? v > 0 && v < 1 : v > 1 && v < 2);
  if (!ok) {
    return BadValue("eval_metric", metric,
                    base == "error" ? "needs a threshold in (0, 1), e.g. error@0.5"
                                    : "needs a variance power in (1, 2), e.g. tweedie-nloglik@1.5");
  }
  return Status::Ok();
}

std::vector<std::string> Split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t pos = text.find(sep, start);
    out.push_back(Trim(std::string_view(text).substr(start, pos - start)));
    if (pos == std::string::npos)
      return out;
    start = pos + 1;
  }
}

std::string AcceptedNames() {
  std::vector<std::string> names;
  for (const Spec& s : Specs()) {
    std::string n = s.name;
    if (!s.aliases.empty()) {
      n += " (alias ";
      for (std::size_t i = 0; i < s.aliases.size(); ++i)
        n += (i ? ", " : "") + std::string(s.aliases[i]);
      n += ")";
    }
    names.push_back(n);
  }
  return Join(names);
}

}  // namespace

const std::vector<std::string>& XgboostObjectivesFor(Task task) {
  static const auto make = [](Task t) {
    std::vector<std::string> names;
    for (const auto& o : Objectives(t))
      names.emplace_back(o.name);
    return names;
  };
  static const std::vector<std::string> binary = make(Task::kBinary);
  static const std::vector<std::string> multiclass = make(Task::kMulticlass);
  static const std::vector<std::string> regression = make(Task::kRegression);
  return task == Task::kBinary ? binary : task == Task::kMulticlass ? multiclass : regression;
}

bool XgboostMetricMaximizes(const std::string& metric) {
  return metric == "auc" || metric == "aucpr";
}

Result<XgboostParams> ParseXgboostParams(const HyperParams& params, Task task, int num_classes) {
  if (task == Task::kMulticlass && num_classes < 2) {
    return Status::InvalidArgument("xgboost: a multiclass task needs at least 2 classes, got " +
                                   std::to_string(num_classes));
  }
  // Resolve aliases: canonical name -> (name as given, trimmed value).
  std::map<std::string, std::pair<std::string, std::string>> given;
  for (const auto& [name, raw] : params) {
    const Spec* spec = nullptr;
    for (const Spec& s : Specs()) {
      if (name == s.name || std::find_if(s.aliases.begin(), s.aliases.end(), [&](const char* a) {
                              return name == a;
                            }) != s.aliases.end()) {
        spec = &s;
        break;
      }
    }
    if (spec == nullptr) {
      return Status::InvalidArgument("unknown hyperparameter \"" + name +
                                     "\" for xgboost; accepted: " + AcceptedNames());
    }
    auto [it, inserted] = given.emplace(spec->name, std::make_pair(name, Trim(raw)));
    if (!inserted) {
      return Status::InvalidArgument("hyperparameter \"" + std::string(spec->name) +
                                     "\" is given twice, as \"" + it->second.first + "\" and \"" +
                                     name + "\"; keep one");
    }
  }
  auto value_of = [&](const char* name) -> const std::string* {
    auto it = given.find(name);
    return it == given.end() ? nullptr : &it->second.second;
  };

  XgboostParams out;

  // The objective decides several defaults, so it goes first.
  const auto& objectives = Objectives(task);
  const ObjectiveInfo* objective = &objectives.front();
  if (const std::string* v = value_of("objective")) {
    const std::string name = ObjectiveAlias(*v);
    objective = nullptr;
    for (const auto& o : objectives) {
      if (name == o.name)
        objective = &o;
    }
    if (objective == nullptr) {
      std::string accepted = Join(XgboostObjectivesFor(task));
      if (task == Task::kMulticlass)
        accepted += ", multi:softmax (trained as multi:softprob)";
      if (task == Task::kRegression)
        accepted += ", reg:linear (= reg:squarederror)";
      return BadValue(
          "objective", *v,
          std::string("does not fit a ") + TaskName(task) + " task; accepted: " + accepted);
    }
  }
  out.objective = objective->name;
  const std::string obj = out.objective;

  for (const Spec& s : Specs()) {
    const std::string* v = value_of(s.name);
    const std::string name = s.name;
    std::string canonical;
    if (name == "objective") {
      canonical = obj;
    } else if (name == "eval_metric") {
      std::string def = objective->default_metric;
      if (obj == "reg:tweedie")
        def += "@" + (value_of("tweedie_variance_power") != nullptr
                          ? *value_of("tweedie_variance_power")
                          : std::string("1.5"));
      out.eval_metrics = v != nullptr ? Split(*v, ',') : std::vector<std::string>{def};
      if (v != nullptr) {
        for (const auto& m : out.eval_metrics)
          RETURN_IF_ERROR(CheckMetric(m, task));
      }
      canonical = Join(out.eval_metrics);
      canonical.erase(std::remove(canonical.begin(), canonical.end(), ' '), canonical.end());
    } else if (name == "num_class") {
      if (task != Task::kMulticlass) {
        if (v != nullptr) {
          return BadValue("num_class", *v,
                          std::string("applies only to multiclass tasks, not ") + TaskName(task));
        }
        continue;
      }
      if (v != nullptr) {
        ASSIGN_OR_RETURN(canonical, CheckNumber(s, *v));
        if (canonical != std::to_string(num_classes)) {
          return BadValue(
              "num_class", *v,
              "does not match the data, which has " + std::to_string(num_classes) + " classes");
        }
      }
      canonical = std::to_string(num_classes);
    } else if (name == "tweedie_variance_power" || name == "huber_slope") {
      const char* owner = name == "huber_slope" ? "reg:pseudohubererror" : "reg:tweedie";
      if (obj != owner) {
        if (v != nullptr) {
          return BadValue(name, *v, std::string("applies only to objective ") + owner);
        }
        continue;
      }
      const std::string def = name == "huber_slope" ? "1" : "1.5";
      ASSIGN_OR_RETURN(canonical, CheckNumber(s, v != nullptr ? *v : def));
    } else if (name == "base_score") {
      if (v == nullptr) {
        if (obj == "reg:absoluteerror")
          continue;  // libxgboost estimates it from the labels
        canonical = "0.5";
      } else {
        Spec bounded = s;
        if (task == Task::kBinary) {
          bounded.lo = 0, bounded.hi = 1, bounded.lo_open = bounded.hi_open = true;
        } else if (obj == "count:poisson" || obj == "reg:gamma" || obj == "reg:tweedie") {
          bounded.lo = 0, bounded.lo_open = true;  // log link
        }
        ASSIGN_OR_RETURN(canonical, CheckNumber(bounded, *v));
      }
    } else if (name == "max_delta_step") {
      ASSIGN_OR_RETURN(canonical, CheckNumber(s, v != nullptr             ? *v
                                                 : obj == "count:poisson" ? "0.7"
                                                                          : "0"));
    } else if (name == "seed" || name == "verbosity") {
      if (v == nullptr)
        continue;
      ASSIGN_OR_RETURN(canonical, CheckNumber(s, *v));
      if (name == "verbosity")
        continue;  // accepted for SageMaker compatibility, ignored
      out.seed = std::stoll(canonical);
    } else if (s.kind == Kind::kChoice) {
      canonical = v != nullptr ? *v : s.default_value;
      if (std::find_if(s.choices.begin(), s.choices.end(),
                       [&](const char* c) { return canonical == c; }) == s.choices.end()) {
        std::vector<std::string> choices(s.choices.begin(), s.choices.end());
        std::string why = "must be one of: " + Join(choices);
        if (name == "sampling_method")
          why += " (gradient_based needs a GPU)";
        if (name == "booster")
          why += " (Kiln's xgboost learner trains tree models)";
        return BadValue(name, canonical, why);
      }
    } else {
      ASSIGN_OR_RETURN(canonical, CheckNumber(s, v != nullptr ? *v : s.default_value));
    }
    out.canonical[name] = canonical;
    if (!IsLoopParam(name))
      out.booster_args.emplace_back(name, canonical);
  }

  out.num_round = std::stoi(out.canonical.at("num_round"));
  out.early_stopping_rounds = std::stoi(out.canonical.at("early_stopping_rounds"));
  out.tree_method = out.canonical.at("tree_method");
  for (const auto& m : out.eval_metrics)
    out.booster_args.emplace_back("eval_metric", m);

  if (out.canonical.at("max_depth") == "0" && out.tree_method == "exact") {
    return BadValue("max_depth", "0", "(no depth limit) needs tree_method approx or hist");
  }
  return out;
}

}  // namespace kiln
