// ParseCsv: reads CSV text into a Table in one pass over the buffer, split into chunks at record
// boundaries and run on a WorkerPool's threads:
//   hints    profile the first rows: which columns are surely labels, which storage each column
//            likely needs
//   split    count line breaks, quotes and non-ASCII bytes in equal ranges in parallel; chunks
//            start after line breaks outside quotes; the column arrays are allocated for the likely
//            storage up front (line breaks bound the rows)
//   pass     per chunk: tokenize, validate structure and UTF-8, profile every value of every column
//            (types) and store it as the chunk's evidence suggests (ChunkColumn; cells that cannot
//            change the evidence take its fast paths), straight into the column arrays at the
//            chunk's offset
//   plan     merge profiles in file order and decide each column's type
//   fix-up   re-read only the chunks whose guess was wrong, for those columns only (rare: a label
//            late in a column of numbers)
//   assemble close the gaps between chunks in place, merge dictionaries in file order, remap codes,
//            count distinct values (from stats gathered in the pass), id/text rules
// No cell is copied except dictionary levels, so memory is the buffer plus the output columns. The
// Table and the errors do not depend on the thread count.
// Thread-safe: shares no state between calls.
#pragma once

#include <string_view>

#include "common/status.h"
#include "table/read_options.h"
#include "table/table.h"

namespace kiln::table_internal {
class WorkerPool;
}  // namespace kiln::table_internal

namespace kiln::table_internal {

// `contents` is uncompressed; a UTF-8 BOM is skipped. Runs on `pool`'s threads (the caller's
// ReadOptions::num_threads).
Result<Table> ParseCsv(std::string_view contents, std::string_view display_name,
                       const ReadOptions& options, WorkerPool& pool);

}  // namespace kiln::table_internal
