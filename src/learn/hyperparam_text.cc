#include "learn/hyperparam_text.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace kiln::hp {

Status BadValue(std::string_view name, std::string_view value, std::string_view expected) {
  return Status::InvalidArgument("hyperparameter \"" + std::string(name) + "\": \"" +
                                 std::string(value) + "\" is not " + std::string(expected));
}

Status OutOfRange(std::string_view name, std::string_view value, std::string_view range) {
  return Status::InvalidArgument("hyperparameter \"" + std::string(name) + "\": " +
                                 std::string(value) + " is out of range " + std::string(range));
}

Status MustBeAtLeast(std::string_view name, std::string_view value, std::string_view bound) {
  return Status::InvalidArgument("hyperparameter \"" + std::string(name) +
                                 "\": " + std::string(value) + " must be ≥ " + std::string(bound));
}

Status UnknownName(std::string_view name, std::string_view algorithm,
                   std::span<const char* const> valid) {
  std::string names;
  for (const char* n : valid)
    names += (names.empty() ? "" : ", ") + std::string(n);
  return Status::InvalidArgument("unknown hyperparameter \"" + std::string(name) +
                                 "\" for algorithm \"" + std::string(algorithm) +
                                 "\"; valid names: " + names);
}

Result<double> ParseDouble(std::string_view name, std::string_view value) {
  double v = 0;
  const char* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), end, v);
  if (value.empty() || ec != std::errc() || ptr != end || !std::isfinite(v)) {
    return BadValue(name, value, "a finite number");
  }
  return v;
}

Result<int> ParseInt(std::string_view name, std::string_view value) {
  int v = 0;
  const char* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), end, v);
  if (value.empty() || ec != std::errc() || ptr != end)
    return BadValue(name, value, "an integer");
  return v;
}

Result<int> ParsePositiveInt(std::string_view name, std::string_view value) {
  long long v = 0;
  const char* end = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), end, v);
  if (value.empty() || ec != std::errc() || ptr != end)
    return BadValue(name, value, "an integer");
  if (v < 1)
    return MustBeAtLeast(name, value, "1");
  if (v > std::numeric_limits<int>::max()) {
    return Status::InvalidArgument("hyperparameter \"" + std::string(name) +
                                   "\": " + std::string(value) + " is too large");
  }
  return static_cast<int>(v);
}

Result<bool> ParseBool(std::string_view name, std::string_view value) {
  const std::string v = Lower(value);
  if (v == "true" || v == "1")
    return true;
  if (v == "false" || v == "0")
    return false;
  return BadValue(name, value, "true or false");
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
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

}  // namespace kiln::hp
