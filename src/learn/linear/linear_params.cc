#include "learn/linear/linear_params.h"

#include <charconv>
#include <cmath>
#include <string>
#include <string_view>

#include "common/number_format.h"
#include "learn/hyperparam_text.h"

namespace kiln {
namespace {

using hp::BadValue;
using hp::Lower;
using hp::OutOfRange;
using hp::ParseDouble;
using hp::ParseInt;

}  // namespace

const char* const LinearParams::kNames[6] = {"alpha",    "class_weight", "fit_intercept",
                                             "l1_ratio", "max_iter",     "tol"};

Result<LinearParams> LinearParams::Parse(const HyperParams& params, Task task) {
  LinearParams p;
  for (const auto& [name, value] : params) {
    if (name == "alpha") {
      ASSIGN_OR_RETURN(p.alpha, ParseDouble(name, value));
      if (p.alpha < 0)
        return OutOfRange(name, value, "[0, inf)");
    } else if (name == "l1_ratio") {
      ASSIGN_OR_RETURN(p.l1_ratio, ParseDouble(name, value));
      if (p.l1_ratio < 0 || p.l1_ratio > 1)
        return OutOfRange(name, value, "[0, 1]");
    } else if (name == "max_iter") {
      ASSIGN_OR_RETURN(p.max_iter, ParseInt(name, value));
      if (p.max_iter < 1)
        return OutOfRange(name, value, "[1, 2147483647]");
    } else if (name == "tol") {
      ASSIGN_OR_RETURN(p.tol, ParseDouble(name, value));
      if (p.tol <= 0)
        return OutOfRange(name, value, "(0, inf)");
    } else if (name == "fit_intercept") {
      ASSIGN_OR_RETURN(p.fit_intercept, hp::ParseBool(name, value));
    } else if (name == "class_weight") {
      const std::string v = Lower(value);
      if (v == "balanced") {
        if (task == Task::kRegression) {
          return Status::InvalidArgument(
              "hyperparameter \"class_weight\": \"balanced\" applies only to classification; use "
              "\"none\" for regression");
        }
        p.balanced_class_weight = true;
      } else if (v == "none") {
        p.balanced_class_weight = false;
      } else {
        return BadValue(name, value, "\"none\" or \"balanced\"");
      }
    } else {
      return hp::UnknownName(name, "linear", kNames);
    }
  }
  return p;
}

HyperParams LinearParams::ToHyperParams() const {
  return {
      {"alpha", FormatShortest(alpha)},
      {"class_weight", balanced_class_weight ? "balanced" : "none"},
      {"fit_intercept", fit_intercept ? "true" : "false"},
      {"l1_ratio", FormatShortest(l1_ratio)},
      {"max_iter", std::to_string(max_iter)},
      {"tol", FormatShortest(tol)},
  };
}

}  // namespace kiln
