// ParseJsonLines: reads JSON Lines (one object per line) into a Table. Keys are columns, in order
// of first appearance across the file; a key absent from a line or a null value is missing.
// Strings, numbers and booleans are values and go through the same type inference as CSV cells; a
// nested array or object is an error naming the line and key. Blank lines are skipped.
// Single-threaded (JSON Lines files here are small); thread-safe: shares no state between calls.
#pragma once

#include <string_view>

#include "common/status.h"
#include "table/read_options.h"
#include "table/table.h"

namespace kiln::table_internal {

Result<Table> ParseJsonLines(std::string_view contents, std::string_view display_name,
                             const ReadOptions& options);

}  // namespace kiln::table_internal
