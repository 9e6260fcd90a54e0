// SearchSpace: the hyperparameters a search may vary, and the conversion of a point in it to the
// hyperparameter text a learner reads.
//
// A Point holds one double per parameter, in the parameter's own units: the value itself for kFloat
// and kInt, the index into `choices` for kChoice. Plain values, safe to copy between threads.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace kiln {

// One dimension of a search space.
struct ParamSpec {
  enum class Kind { kFloat, kInt, kChoice };

  std::string name;
  Kind kind = Kind::kFloat;
  double low = 0, high = 1;          // kFloat/kInt bounds, inclusive; low < high
  bool log = false;                  // sample on a log scale (kFloat/kInt; requires low > 0)
  std::vector<std::string> choices;  // kChoice: the values, at least one

  // The value as hyperparameter text: "6" for kInt (rounded, no decimals), the choice for kChoice
  // (index rounded and clamped to a valid one), and for kFloat the shortest round-trip text of the
  // value rounded to 4 significant digits ("0.05", "1e-05"), so configs read well. NaN gives "".
  std::string Format(double v) const;

  // The value Format prints, as a number: kInt rounded to an integer; kChoice rounded and clamped
  // to [0, choices.size() - 1]; kFloat rounded to 4 significant digits, kept inside [low, high]
  // when v is. Quantize(Quantize(v)) == Quantize(v).
  double Quantize(double v) const;
};

struct SearchSpace {
  std::vector<ParamSpec> params;

  // OK when there is at least one parameter, names are non-empty and unique, bounds are finite with
  // low < high (integral for kInt), log scale has low > 0 and is not used on kChoice, and choices
  // are non-empty and unique. The error names the parameter and the fix.
  Status Validate() const;
};

// A point: one value per param, in the param's own units (choice index for kChoice).
using Point = std::vector<double>;

// Point -> {name: text}, e.g. {"max_depth":"6","eta":"0.05"}, using ParamSpec::Format.
// REQUIRES: p.size() == space.params.size() (extra values are ignored, missing ones omitted).
std::map<std::string, std::string> ToHyperParams(const SearchSpace& space, const Point& p);

}  // namespace kiln
