// Reading CSV and JSON Lines files into a Table, with type inference over every row.
//
// CSV: RFC 4180 (quoted fields with embedded delimiters, quotes and newlines; CRLF), a header row,
// delimiter detection, UTF-8 BOM, gzip input (by magic bytes), multi-threaded parsing.
// Errors are InvalidArgument with file, line, column and value, e.g.
//   train.csv: line 12: expected 15 fields (as in the header), found 14
// Thread-safe: the functions share no state.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "table/read_options.h"
#include "table/table.h"

namespace kiln {

// Reads `path` (CSV or JSON Lines, optionally gzip-compressed).
Result<Table> ReadTable(const std::string& path, const ReadOptions& options);

// Parses in-memory, uncompressed file contents; `display_name` appears in error messages.
Result<Table> ParseTable(std::string_view contents, std::string_view display_name,
                         const ReadOptions& options);

}  // namespace kiln
