// Duplicate-row counting for the profiler. Thread-safe: a pure function.
#pragma once

#include <cstddef>

#include "table/table.h"

namespace kiln::profile_internal {

// Rows equal, in every column's typed value, to an earlier row (pandas' duplicated().sum()).
// Missing equals missing. Rows are hashed column by column; rows with equal hashes are compared
// exactly.
std::size_t CountDuplicateRows(const Table& table);

}  // namespace kiln::profile_internal
