// AssembleColumn: the last step of reading a CSV column. Chunks wrote their values and chunk-local
// codes either straight into the column's arrays (allocated before the pass for the likely storage,
// each chunk at an offset with room for its row bound) or, when the guess was wrong, into their own
// vectors. This closes the gaps in place, or copies, in file order; merges the chunk dictionaries
// (levels in order of first appearance, codes rewritten); and frees what the plan does not use. The
// column is the same whatever the chunking. Thread-safe for distinct columns.
#pragma once

#include <cstddef>
#include <vector>

#include "table/internal/chunk_column.h"
#include "table/internal/column_setup.h"
#include "table/internal/type_inference.h"
#include "table/table.h"

namespace kiln::table_internal {

// `pieces[k]` is the column in chunk k and must Provides(plan); its external output (if any) is in
// `column`'s arrays, at or after the rows of earlier chunks. Sets name, type, type_reason, values
// and/or codes and levels (not the counts: see ApplyColumnRules). Returns whether `stats` now
// describes column->values (number and date columns; not booleans, whose values come from codes).
bool AssembleColumn(const ColumnSetup& setup, const ColumnPlan& plan, std::size_t num_rows,
                    const std::vector<ChunkColumn*>& pieces, Column* column, ValueStats* stats);

}  // namespace kiln::table_internal
