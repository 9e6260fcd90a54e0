#include "learn/forest/forest_params.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>

#include "common/number_format.h"
#include "learn/hyperparam_text.h"

namespace kiln {
namespace {

using hp::BadValue;
using hp::Lower;
using hp::OutOfRange;
using hp::ParseBool;
using hp::ParseDouble;
using hp::ParseInt;

bool LooksLikeInt(std::string_view value) {
  return value.find_first_of(".eE") == std::string_view::npos &&
         Lower(value).find("inf") == std::string::npos;
}

// scikit-learn's int-or-float: an int in [min_count, inf) or a fraction in (0, max_fraction]
// (or (0, max_fraction) when `open_fraction`).
Result<CountOrFraction> ParseCountOrFraction(std::string_view name, std::string_view value,
                                             int min_count, double max_fraction,
                                             bool open_fraction) {
  if (LooksLikeInt(value)) {
    ASSIGN_OR_RETURN(int v, ParseInt(name, value));
    if (v < min_count) {
      return OutOfRange(name, value,
                        "[" + std::to_string(min_count) + ", 2147483647] (or a fraction with '.')");
    }
    return CountOrFraction{false, static_cast<double>(v)};
  }
  ASSIGN_OR_RETURN(double v, ParseDouble(name, value));
  const bool too_big = open_fraction ? v >= max_fraction : v > max_fraction;
  if (v <= 0 || too_big) {
    return OutOfRange(name, value,
                      "(0, " + FormatShortest(max_fraction) + (open_fraction ? ")" : "]") +
                          " for a fraction (or an int count written without '.')");
  }
  return CountOrFraction{true, v};
}

}  // namespace

std::size_t CountOrFraction::Resolve(std::size_t total, std::size_t min) const {
  const double n =
      is_fraction ? std::ceil(value * static_cast<double>(total) - 1e-9) : std::floor(value);
  return std::max(min, static_cast<std::size_t>(std::max(0.0, n)));
}

std::string CountOrFraction::ToString() const {
  if (!is_fraction)
    return std::to_string(static_cast<long long>(value));
  std::string s = FormatShortest(value);
  if (s.find_first_of(".eE") == std::string::npos)
    s += ".0";
  return s;
}

const char* ForestKindName(ForestKind kind) {
  return kind == ForestKind::kExtraTrees ? "extra_trees" : "random_forest";
}

const char* const ForestParams::kNames[10] = {"bootstrap",
                                              "class_weight",
                                              "criterion",
                                              "max_depth",
                                              "max_features",
                                              "max_samples",
                                              "min_impurity_decrease",
                                              "min_samples_leaf",
                                              "min_samples_split",
                                              "n_estimators"};

Result<ForestParams> ForestParams::Parse(ForestKind kind, const HyperParams& params, Task task) {
  ForestParams p;
  p.kind = kind;
  p.bootstrap = kind == ForestKind::kRandomForest;
  const bool regression = task == Task::kRegression;
  if (regression) {
    p.criterion = SplitCriterion::kSquaredError;
    p.max_features_rule.clear();
    p.max_features_value = {true, 1.0};
  }
  bool max_samples_given = false;
  for (const auto& [name, value] : params) {
    if (name == "n_estimators") {
      ASSIGN_OR_RETURN(p.n_estimators, ParseInt(name, value));
      if (p.n_estimators < 1 || p.n_estimators > 100000)
        return OutOfRange(name, value, "[1, 100000]");
    } else if (name == "criterion") {
      const std::string v = Lower(value);
      if (regression) {
        if (v != "squared_error") {
          return BadValue(name, value,
                          "a regression criterion; forests support \"squared_error\" for "
                          "regression");
        }
      } else if (v == "gini") {
        p.criterion = SplitCriterion::kGini;
      } else if (v == "entropy" || v == "log_loss") {
        p.criterion = SplitCriterion::kEntropy;
      } else {
        return BadValue(name, value,
                        "a classification criterion: \"gini\", \"entropy\" or \"log_loss\"");
      }
    } else if (name == "max_depth") {
      if (Lower(value) == "none") {
        p.max_depth = 0;
      } else {
        ASSIGN_OR_RETURN(p.max_depth, ParseInt(name, value));
        if (p.max_depth < 0 || p.max_depth > 500)
          return OutOfRange(name, value, "[0, 500] (0 or \"none\" = unlimited, up to 500)");
      }
    } else if (name == "min_samples_split") {
      ASSIGN_OR_RETURN(p.min_samples_split, ParseCountOrFraction(name, value, 2, 1.0, false));
    } else if (name == "min_samples_leaf") {
      ASSIGN_OR_RETURN(p.min_samples_leaf, ParseCountOrFraction(name, value, 1, 1.0, true));
    } else if (name == "min_impurity_decrease") {
      ASSIGN_OR_RETURN(p.min_impurity_decrease, ParseDouble(name, value));
      if (p.min_impurity_decrease < 0)
        return OutOfRange(name, value, "[0, inf)");
    } else if (name == "max_features") {
      const std::string v = Lower(value);
      if (v == "sqrt" || v == "log2") {
        p.max_features_rule = v;
      } else if (v == "none") {
        p.max_features_rule = "all";
      } else if (v == "auto") {
        return BadValue(name, value,
                        "supported (scikit-learn removed \"auto\" in 1.3); use \"sqrt\" for "
                        "classification or 1.0 for regression");
      } else {
        p.max_features_rule.clear();
        ASSIGN_OR_RETURN(p.max_features_value, ParseCountOrFraction(name, value, 1, 1.0, false));
      }
    } else if (name == "bootstrap") {
      ASSIGN_OR_RETURN(p.bootstrap, ParseBool(name, value));
    } else if (name == "max_samples") {
      if (Lower(value) == "none") {
        p.max_samples = {true, 1.0};
      } else {
        ASSIGN_OR_RETURN(p.max_samples, ParseCountOrFraction(name, value, 1, 1.0, false));
        max_samples_given = true;
      }
    } else if (name == "class_weight") {
      const std::string v = Lower(value);
      if (v == "none") {
        p.class_weight = ClassWeight::kNone;
      } else if (v == "balanced" || v == "balanced_subsample") {
        if (regression) {
          return Status::InvalidArgument("hyperparameter \"class_weight\": \"" + v +
                                         "\" applies only to classification; use \"none\" for "
                                         "regression");
        }
        p.class_weight = v == "balanced" ? ClassWeight::kBalanced : ClassWeight::kBalancedSubsample;
      } else {
        return BadValue(name, value, "\"none\", \"balanced\" or \"balanced_subsample\"");
      }
    } else if (name == "random_state") {
      return Status::InvalidArgument(
          "hyperparameter \"random_state\": Kiln seeds every fit from the job's seed; drop "
          "random_state and set the seed instead");
    } else {
      return hp::UnknownName(name, ForestKindName(kind), kNames);
    }
  }
  if (max_samples_given && !p.bootstrap) {
    return Status::InvalidArgument(
        "hyperparameter \"max_samples\": applies only with bootstrap=true; drop it or set "
        "bootstrap=true");
  }
  return p;
}

HyperParams ForestParams::ToHyperParams() const {
  const char* criteria[] = {"gini", "entropy", "squared_error"};
  const char* weights[] = {"none", "balanced", "balanced_subsample"};
  return {
      {"bootstrap", bootstrap ? "true" : "false"},
      {"class_weight", weights[static_cast<int>(class_weight)]},
      {"criterion", criteria[static_cast<int>(criterion)]},
      {"max_depth", max_depth == 0 ? "none" : std::to_string(max_depth)},
      {"max_features", max_features_rule == "all"  ? "none"
                       : max_features_rule.empty() ? max_features_value.ToString()
                                                   : max_features_rule},
      {"max_samples", bootstrap ? max_samples.ToString() : "none"},
      {"min_impurity_decrease", FormatShortest(min_impurity_decrease)},
      {"min_samples_leaf", min_samples_leaf.ToString()},
      {"min_samples_split", min_samples_split.ToString()},
      {"n_estimators", std::to_string(n_estimators)},
  };
}

std::size_t ForestParams::MaxFeatures(std::size_t cols) const {
  const double c = static_cast<double>(cols);
  std::size_t k = cols;
  if (max_features_rule == "sqrt") {
    k = static_cast<std::size_t>(std::sqrt(c));
  } else if (max_features_rule == "log2") {
    k = static_cast<std::size_t>(std::log2(c));
  } else if (max_features_rule.empty()) {
    // scikit-learn: max(1, int(fraction * n_features)) for fractions.
    k = max_features_value.is_fraction ? static_cast<std::size_t>(max_features_value.value * c)
                                       : static_cast<std::size_t>(max_features_value.value);
  }
  return std::clamp<std::size_t>(k, 1, std::max<std::size_t>(cols, 1));
}

}  // namespace kiln
