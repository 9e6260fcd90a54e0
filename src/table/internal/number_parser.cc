#include "table/internal/number_parser.h"

#include <charconv>
#include <cmath>
#include <system_error>

namespace kiln::table_internal {
namespace {

inline bool IsDigit(char c) { return static_cast<unsigned char>(c - '0') < 10; }

constexpr std::size_t kMaxNumberLength = 1024;

}  // namespace

bool ParseInteger(std::string_view s, std::int64_t* out) {
  std::size_t i = 0, n = s.size();
  if (n == 0)
    return false;
  bool negative = false;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    i = 1;
  }
  if (i == n)
    return false;
  // Skip leading zeros so "0000000000000000000001" still parses.
  while (i + 1 < n && s[i] == '0')
    ++i;
  if (n - i > 16)
    return false;  // 17+ digits exceed 2^53
  std::int64_t v = 0;
  for (; i < n; ++i) {
    char c = s[i];
    if (!IsDigit(c))
      return false;
    v = v * 10 + (c - '0');
  }
  if (v > kMaxExactInteger)
    return false;
  *out = negative ? -v : v;
  return true;
}

bool ParseNumber(std::string_view s, double* out) {
  std::size_t n = s.size();
  if (n == 0 || n > kMaxNumberLength)
    return false;
  std::size_t i = 0;
  if (s[0] == '+' || s[0] == '-')
    i = 1;
  if (i == n)
    return false;
  // from_chars would accept "inf" and "nan"; require a digit or ".digit" here.
  if (!IsDigit(s[i]) && !(s[i] == '.' && i + 1 < n && IsDigit(s[i + 1])))
    return false;
  // Fast path: short plain integers are exact.
  std::size_t j = i;
  std::int64_t v = 0;
  while (j < n && j - i < 15 && IsDigit(s[j])) {
    v = v * 10 + (s[j] - '0');
    ++j;
  }
  if (j == n) {
    *out = s[0] == '-' ? -static_cast<double>(v) : static_cast<double>(v);
    return true;
  }
  const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
  const char* end = s.data() + n;
  double d = 0;
  auto [ptr, ec] = std::from_chars(begin, end, d, std::chars_format::general);
  if (ec != std::errc() || ptr != end || !std::isfinite(d))
    return false;
  *out = d;
  return true;
}

}  // namespace kiln::table_internal
