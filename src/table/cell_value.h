// Reading one cell's text as a number-like column type, by the rules the table reader applies to a
// column whose type a schema forces (ReadOptions::schema): what `kiln predict` stores in
// Column::values for the cell. Serving uses it to decode request fields exactly as prediction reads
// a file. Thread-safe: pure functions.
#pragma once

#include <string_view>

#include "table/column_type.h"

namespace kiln {

// Whether the non-empty `text` fits `type` (numeric, integer, boolean or datetime) and, if so, its
// value in *out: the number; an integer column also takes an integral real ("3.0"); a boolean is
// 1 or 0 (true/false/yes/no in any case); a datetime is seconds since the Unix epoch, UTC
// (YYYY-MM-DD[ HH:MM[:SS[.f]]][Z|+HH:MM]). The text is taken as it is: " 1" is not a number.
// False for categorical and text columns, which hold no numbers.
bool ParseCellValue(ColumnType type, std::string_view text, double* out);

// What is wrong with a `text` that does not fit `type`, as the reader words it: "is not a number",
// "is not an integer", "is not a boolean (true/false/yes/no)", "is not a date or date-time
// (YYYY-MM-DD[ HH:MM[:SS]])".
const char* CellMismatchReason(ColumnType type, std::string_view text);

}  // namespace kiln
