// ParseCsv: reads CSV text into a Table in two passes over the buffer, each split into chunks at
// record boundaries and run on ReadOptions::num_threads threads:
//   pass 1  tokenize, validate structure and UTF-8, profile every value of every column (types)
//   plan    merge profiles in file order and decide each column's type
//   pass 2  tokenize again and write typed values / chunk-local codes into preallocated columns
//   finish  merge dictionaries in file order, remap codes, count distinct values, id/text rules
// No cell is copied except dictionary levels, so memory is the buffer plus the output columns.
// Thread-safe: shares no state between calls.
#pragma once

#include <string_view>

#include "common/status.h"
#include "table/read_options.h"
#include "table/table.h"

namespace kiln::table_internal {

// `contents` is uncompressed; a UTF-8 BOM is skipped.
Result<Table> ParseCsv(std::string_view contents, std::string_view display_name,
                       const ReadOptions& options);

}  // namespace kiln::table_internal
