#include "automl/search_space.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "common/number_format.h"

namespace kiln {
namespace {

constexpr int kSignificantDigits = 4;

// v rounded to kSignificantDigits significant digits, decimally (so 0.05 stays exactly "0.05").
double RoundSignificant(double v) {
  if (!std::isfinite(v) || v == 0)
    return v;
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific,
                         kSignificantDigits - 1);
  double out = v;
  std::from_chars(buf, r.ptr, out);
  return out;
}

Status ParamError(const ParamSpec& p, const std::string& what) {
  return Status::InvalidArgument("search space, parameter \"" + p.name + "\": " + what);
}

Status ValidateParam(const ParamSpec& p) {
  if (p.name.empty())
    return Status::InvalidArgument("search space: a parameter has no name");
  if (p.kind == ParamSpec::Kind::kChoice) {
    if (p.log)
      return ParamError(p, "log scale applies only to float and int parameters");
    if (p.choices.empty())
      return ParamError(p, "a choice parameter needs at least one choice");
    std::set<std::string> seen;
    for (const std::string& c : p.choices) {
      if (!seen.insert(c).second)
        return ParamError(p, "choice \"" + c + "\" is listed twice");
    }
    return Status::Ok();
  }
  if (!std::isfinite(p.low) || !std::isfinite(p.high)) {
    return ParamError(p, "bounds must be finite numbers");
  }
  if (!(p.low < p.high)) {
    return ParamError(p, "low (" + FormatShortest(p.low) + ") must be less than high (" +
                             FormatShortest(p.high) + "); use a fixed hyperparameter instead");
  }
  if (p.kind == ParamSpec::Kind::kInt &&
      (std::floor(p.low) != p.low || std::floor(p.high) != p.high)) {
    return ParamError(p, "an int parameter needs integral bounds, got [" + FormatShortest(p.low) +
                             ", " + FormatShortest(p.high) + "]");
  }
  if (p.log && p.low <= 0) {
    return ParamError(p, "log scale needs low > 0, got " + FormatShortest(p.low));
  }
  return Status::Ok();
}

}  // namespace

double ParamSpec::Quantize(double v) const {
  if (std::isnan(v))
    return v;
  switch (kind) {
    case Kind::kInt:
      return std::round(v);
    case Kind::kChoice: {
      const double last = choices.empty() ? 0 : static_cast<double>(choices.size() - 1);
      return std::clamp(std::round(v), 0.0, last);
    }
    case Kind::kFloat: {
      const double r = RoundSignificant(v);
      return (v >= low && v <= high) ? std::clamp(r, low, high) : r;
    }
  }
  return v;
}

std::string ParamSpec::Format(double v) const {
  if (std::isnan(v))
    return "";
  if (kind == Kind::kChoice) {
    if (choices.empty())
      return "";
    return choices[static_cast<std::size_t>(Quantize(v))];
  }
  if (kind == Kind::kInt) {
    double r = Quantize(v);
    if (r == 0)
      r = 0;        // no "-0"
    char buf[400];  // fixed notation of any finite double fits
    auto end = std::to_chars(buf, buf + sizeof(buf), r, std::chars_format::fixed).ptr;
    return std::string(buf, end);
  }
  return FormatShortest(Quantize(v));
}

Status SearchSpace::Validate() const {
  if (params.empty())
    return Status::InvalidArgument("search space has no parameters");
  std::set<std::string> names;
  for (const ParamSpec& p : params) {
    RETURN_IF_ERROR(ValidateParam(p));
    if (!names.insert(p.name).second) {
      return ParamError(p, "the name is used by more than one parameter");
    }
  }
  return Status::Ok();
}

std::map<std::string, std::string> ToHyperParams(const SearchSpace& space, const Point& p) {
  std::map<std::string, std::string> out;
  const std::size_t n = std::min(space.params.size(), p.size());
  for (std::size_t i = 0; i < n; ++i)
    out[space.params[i].name] = space.params[i].Format(p[i]);
  return out;
}

}  // namespace kiln
