// ColumnType: what kind of values a table column holds, as inferred from every row of a file.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace kiln {

enum class ColumnType : std::uint8_t {
  kNumeric,      // real numbers
  kInteger,      // whole numbers only
  kBoolean,      // true/false, yes/no (any case)
  kCategorical,  // a limited set of labels
  kDatetime,     // ISO-8601-like dates and times
  kText,         // free text (long, many distinct values, contains words)
};

// "numeric", "integer", "boolean", "categorical", "datetime", "text".
const char* ColumnTypeName(ColumnType type);
// Inverse of ColumnTypeName; InvalidArgument for anything else.
Result<ColumnType> ParseColumnType(std::string_view name);

// True for types stored as numbers in Column::values (numeric, integer, boolean, datetime).
inline bool IsNumberLike(ColumnType t) {
  return t == ColumnType::kNumeric || t == ColumnType::kInteger || t == ColumnType::kBoolean ||
         t == ColumnType::kDatetime;
}

}  // namespace kiln
