#include "table/internal/column_writer.h"

#include "table/internal/datetime_parser.h"
#include "table/internal/number_parser.h"

namespace kiln::table_internal {

double ColumnWriter::ToNumber(RawCell cell) const {
  // Pass 1 checked every cell, so the parses below succeed; NaN is only a safety net.
  double d = std::numeric_limits<double>::quiet_NaN();
  std::int64_t i;
  bool b;
  switch (type_) {
    case ColumnType::kInteger:
      if (ParseInteger(cell.text(), &i))
        return static_cast<double>(i);
      ParseNumber(cell.text(), &d);  // an integral real in a schema-forced integer column
      return d;
    case ColumnType::kNumeric:
      ParseNumber(cell.text(), &d);
      return d;
    case ColumnType::kBoolean:
      return ParseBoolean(cell.text(), &b) ? (b ? 1.0 : 0.0) : d;
    case ColumnType::kDatetime:
      ParseDatetime(cell.text(), &d);
      return d;
    default:
      return d;
  }
}

std::int32_t ColumnWriter::CodeSlow(RawCell cell) {
  if (!cell.escaped()) {
    last_code_ = dictionary_.FindOrAdd(cell.text());
    last_ = cell.text();
    return last_code_;
  }
  UnescapeCellTo(cell, &scratch_);
  std::int32_t code = dictionary_.Find(scratch_);
  if (code >= 0)
    return code;
  arena_.push_back(scratch_);
  last_code_ = -1;
  return dictionary_.Add(arena_.back());
}

}  // namespace kiln::table_internal
