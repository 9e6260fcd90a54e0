#include "table/column_type.h"

#include <string>

namespace kiln {

const char* ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kNumeric:
      return "numeric";
    case ColumnType::kInteger:
      return "integer";
    case ColumnType::kBoolean:
      return "boolean";
    case ColumnType::kCategorical:
      return "categorical";
    case ColumnType::kDatetime:
      return "datetime";
    case ColumnType::kText:
      return "text";
  }
  return "unknown";
}

Result<ColumnType> ParseColumnType(std::string_view name) {
  for (ColumnType t : {ColumnType::kNumeric, ColumnType::kInteger, ColumnType::kBoolean,
                       ColumnType::kCategorical, ColumnType::kDatetime, ColumnType::kText}) {
    if (name == ColumnTypeName(t))
      return t;
  }
  return Status::InvalidArgument("unknown column type \"" + std::string(name) +
                                 "\"; expected numeric, integer, boolean, categorical, datetime "
                                 "or text");
}

}  // namespace kiln
