#include "learn/hyperparam_text.h"

#include <charconv>
#include <cmath>

namespace kiln::hp {

Status BadValue(std::string_view name, std::string_view value, std::string_view expected) {
  return Status::InvalidArgument("hyperparameter \"" + std::string(name) + "\": \"" +
                                 std::string(value) + "\" is not " + std::string(expected));
}

Status OutOfRange(std::string_view name, std::string_view value, std::string_view range) {
  return Status::InvalidArgument("hyperparameter \"" + std::string(name) + "\": " +
                                 std::string(value) + " is out of range " + std::string(range));
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

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace kiln::hp
