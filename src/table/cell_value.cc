// ParseCellValue and CellMismatchReason: the reader's per-type parsers behind a public header.
#include "table/cell_value.h"

#include <cmath>
#include <cstdint>

#include "table/internal/cell_classifier.h"
#include "table/internal/datetime_parser.h"
#include "table/internal/number_parser.h"

namespace kiln {

bool ParseCellValue(ColumnType type, std::string_view text, double* out) {
  using namespace table_internal;
  std::int64_t i = 0;
  bool b = false;
  switch (type) {
    case ColumnType::kNumeric:
      return ParseNumber(text, out);
    case ColumnType::kInteger:
      if (ParseInteger(text, &i)) {
        *out = static_cast<double>(i);
        return true;
      }
      return ParseNumber(text, out) && *out == std::floor(*out);
    case ColumnType::kBoolean:
      if (!ParseBoolean(text, &b))
        return false;
      *out = b ? 1.0 : 0.0;
      return true;
    case ColumnType::kDatetime:
      return ParseDatetime(text, out);
    case ColumnType::kCategorical:
    case ColumnType::kText:
      return false;
  }
  return false;
}

const char* CellMismatchReason(ColumnType type, std::string_view text) {
  double d = 0;
  switch (type) {
    case ColumnType::kNumeric:
      return "is not a number";
    case ColumnType::kInteger:
      return table_internal::ParseNumber(text, &d) ? "is not an integer" : "is not a number";
    case ColumnType::kBoolean:
      return "is not a boolean (true/false/yes/no)";
    case ColumnType::kDatetime:
      return "is not a date or date-time (YYYY-MM-DD[ HH:MM[:SS]])";
    case ColumnType::kCategorical:
    case ColumnType::kText:
      break;
  }
  return "does not fit";
}

}  // namespace kiln
