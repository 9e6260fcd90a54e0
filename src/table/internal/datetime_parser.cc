#include "table/internal/datetime_parser.h"

namespace kiln::table_internal {
namespace {

inline bool IsDigit(char c) { return static_cast<unsigned char>(c - '0') < 10; }

// Reads exactly `count` digits at s[*i]; advances *i.
bool ReadDigits(std::string_view s, std::size_t* i, int count, int* out) {
  if (*i + static_cast<std::size_t>(count) > s.size())
    return false;
  int v = 0;
  for (int k = 0; k < count; ++k) {
    char c = s[*i + static_cast<std::size_t>(k)];
    if (!IsDigit(c))
      return false;
    v = v * 10 + (c - '0');
  }
  *i += static_cast<std::size_t>(count);
  *out = v;
  return true;
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

}  // namespace

std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  // Howard Hinnant's days_from_civil.
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool ParseDatetime(std::string_view s, double* seconds_since_epoch) {
  if (s.size() < 10 || s.size() > 64)
    return false;
  std::size_t i = 0;
  int year, month, day;
  if (!ReadDigits(s, &i, 4, &year))
    return false;
  char sep = s[i];
  if (sep != '-' && sep != '/')
    return false;
  ++i;
  if (!ReadDigits(s, &i, 2, &month) || s[i] != sep)
    return false;
  ++i;
  if (!ReadDigits(s, &i, 2, &day))
    return false;
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month))
    return false;
  double seconds = static_cast<double>(DaysFromCivil(year, static_cast<unsigned>(month),
                                                     static_cast<unsigned>(day))) *
                   86400.0;
  if (i < s.size()) {
    if (s[i] != 'T' && s[i] != ' ')
      return false;
    ++i;
    int hour, minute, second = 0;
    if (!ReadDigits(s, &i, 2, &hour) || i >= s.size() || s[i] != ':')
      return false;
    ++i;
    if (!ReadDigits(s, &i, 2, &minute))
      return false;
    if (hour > 23 || minute > 59)
      return false;
    double fraction = 0;
    if (i < s.size() && s[i] == ':') {
      ++i;
      if (!ReadDigits(s, &i, 2, &second) || second > 60)
        return false;
      if (i < s.size() && s[i] == '.') {
        ++i;
        double scale = 0.1;
        std::size_t start = i;
        while (i < s.size() && IsDigit(s[i])) {
          fraction += (s[i] - '0') * scale;
          scale /= 10;
          ++i;
        }
        if (i == start)
          return false;
      }
    }
    seconds += hour * 3600.0 + minute * 60.0 + second + fraction;
    if (i < s.size()) {
      if (s[i] == 'Z') {
        ++i;
      } else if (s[i] == '+' || s[i] == '-') {
        int sign = s[i] == '+' ? 1 : -1;
        ++i;
        int off_h, off_m = 0;
        if (!ReadDigits(s, &i, 2, &off_h))
          return false;
        if (i < s.size() && s[i] == ':')
          ++i;
        if (i < s.size() && !ReadDigits(s, &i, 2, &off_m))
          return false;
        if (off_h > 23 || off_m > 59)
          return false;
        seconds -= sign * (off_h * 3600.0 + off_m * 60.0);
      } else {
        return false;
      }
    }
    if (i != s.size())
      return false;
  }
  *seconds_since_epoch = seconds;
  return true;
}

}  // namespace kiln::table_internal
