#include "learn/unsupervised/internal/hyperparam_text.h"

#include <charconv>
#include <cmath>

namespace kiln::unsupervised_internal {

Status NotOneOf(std::string_view name, std::string_view value, std::string_view expected) {
  return Status::InvalidArgument("hyperparameter \"" + std::string(name) + "\": \"" +
                                 std::string(value) + "\" is not " + std::string(expected));
}

Status MustBeAtLeast(std::string_view name, std::string_view value, std::string_view bound) {
  return Status::InvalidArgument("hyperparameter \"" + std::string(name) +
                                 "\": " + std::string(value) + " must be ≥ " + std::string(bound));
}

Result<long long> ParseInteger(std::string_view name, std::string_view value) {
  long long v = 0;
  const char* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), end, v);
  if (value.empty() || ec != std::errc() || ptr != end)
    return NotOneOf(name, value, "an integer");
  return v;
}

Result<double> ParseFiniteDouble(std::string_view name, std::string_view value) {
  double v = 0;
  const char* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), end, v);
  if (value.empty() || ec != std::errc() || ptr != end || !std::isfinite(v))
    return NotOneOf(name, value, "a finite number");
  return v;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Result<bool> ParseBoolean(std::string_view name, std::string_view value) {
  const std::string v = Lower(value);
  if (v == "true" || v == "1")
    return true;
  if (v == "false" || v == "0")
    return false;
  return NotOneOf(name, value, "true or false");
}

Status UnknownName(std::string_view name, std::string_view algorithm,
                   std::initializer_list<const char*> valid) {
  std::string names;
  for (const char* n : valid)
    names += (names.empty() ? "" : ", ") + std::string(n);
  return Status::InvalidArgument("unknown hyperparameter \"" + std::string(name) +
                                 "\" for algorithm \"" + std::string(algorithm) +
                                 "\"; valid names: " + names);
}

Result<std::optional<std::string>> AliasedValue(const HyperParams& params, const char* name,
                                                const char* alias) {
  const auto a = params.find(name);
  const auto b = params.find(alias);
  if (a != params.end() && b != params.end()) {
    return Status::InvalidArgument("hyperparameters \"" + std::string(name) + "\" and \"" +
                                   std::string(alias) + "\" name the same setting; give only one");
  }
  if (a != params.end())
    return std::optional<std::string>(a->second);
  if (b != params.end())
    return std::optional<std::string>(b->second);
  return std::optional<std::string>();
}

}  // namespace kiln::unsupervised_internal
