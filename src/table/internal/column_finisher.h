// Column finishing: allocating a column's arrays for its plan, and, after pass 2, merging the
// chunks' dictionaries in file order (levels in order of first appearance, whatever the thread
// count), rewriting chunk-local codes, counting distinct values, and applying the text and id
// rules. Thread-safe for distinct columns: each call touches only its own Column.
#pragma once

#include <cstddef>
#include <vector>

#include "table/internal/column_profile.h"
#include "table/internal/column_setup.h"
#include "table/internal/column_writer.h"
#include "table/internal/type_inference.h"
#include "table/internal/value_stats.h"
#include "table/table.h"

namespace kiln::table_internal {

// Sets name and type, and sizes values/codes for `num_rows` as `plan` requires.
void AllocateColumn(const ColumnSetup& setup, const ColumnPlan& plan, std::size_t num_rows,
                    Column* column);

// `writers[k]` wrote chunk k, whose first row is `chunk_row_begin[k]`.
void FinishColumn(const ColumnSetup& setup, const ColumnPlan& plan, const ColumnProfile& profile,
                  const std::vector<const ColumnWriter*>& writers,
                  const std::vector<std::size_t>& chunk_row_begin, Column* column);

// The rules that need the materialized column: missing and distinct counts, free text, ids.
// `stats`, when given, describes column->values exactly (see CountDistinctValues).
void ApplyColumnRules(const ColumnSetup& setup, const ColumnPlan& plan,
                      const ColumnProfile& profile, Column* column,
                      const ValueStats* stats = nullptr);

// Distinct non-NaN values (-0 and +0 are one value). With the stats of exactly these values, small
// integers are counted from the stats alone and other values in one pass instead of two.
std::size_t CountDistinctValues(const std::vector<double>& values,
                                const ValueStats* stats = nullptr);

// Whitespace-separated words in `s`.
std::size_t CountWords(std::string_view s);

}  // namespace kiln::table_internal
