#include "table/internal/cell_classifier.h"

#include "table/internal/datetime_parser.h"
#include "table/internal/number_parser.h"

namespace kiln::table_internal {
namespace {

inline bool IsDigit(char c) { return static_cast<unsigned char>(c - '0') < 10; }

bool EqualsLower(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size())
    return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i])
      return false;
  }
  return true;
}

}  // namespace

void UnescapeCellTo(RawCell cell, std::string* out) {
  out->clear();
  if (!cell.escaped()) {
    out->assign(cell.text());
    return;
  }
  out->reserve(cell.text().size());
  for (std::size_t i = 0; i < cell.text().size(); ++i) {
    out->push_back(cell.text()[i]);
    if (cell.text()[i] == '"' && i + 1 < cell.text().size() && cell.text()[i + 1] == '"')
      ++i;
  }
}

std::string UnescapeCell(RawCell cell) {
  std::string out;
  UnescapeCellTo(cell, &out);
  return out;
}

bool ParseBoolean(std::string_view s, bool* out) {
  switch (s.size()) {
    case 2:
      if (EqualsLower(s, "no")) {
        *out = false;
        return true;
      }
      return false;
    case 3:
      if (EqualsLower(s, "yes")) {
        *out = true;
        return true;
      }
      return false;
    case 4:
      if (EqualsLower(s, "true")) {
        *out = true;
        return true;
      }
      return false;
    case 5:
      if (EqualsLower(s, "false")) {
        *out = false;
        return true;
      }
      return false;
    default:
      return false;
  }
}

std::uint8_t ClassifyCell(std::string_view s, std::uint8_t wanted, std::int64_t* int_value) {
  std::uint8_t kinds = 0;
  char c = s[0];
  bool number_start = IsDigit(c) || c == '-' || c == '+' || c == '.';
  if (number_start && (wanted & (kCanInteger | kCanNumber))) {
    double d;
    if (ParseInteger(s, int_value)) {
      kinds |= kCanInteger | kCanNumber;
    } else if ((wanted & kCanNumber) && ParseNumber(s, &d)) {
      kinds |= kCanNumber;
    }
  }
  if ((wanted & kCanDatetime) && IsDigit(c) && s.size() >= 10 && (s[4] == '-' || s[4] == '/')) {
    double t;
    if (ParseDatetime(s, &t))
      kinds |= kCanDatetime;
  }
  if ((wanted & kCanBoolean) && !number_start) {
    bool b;
    if (ParseBoolean(s, &b))
      kinds |= kCanBoolean;
  }
  return kinds;
}

}  // namespace kiln::table_internal
