// SelectTableRows: a copy of a table restricted to some rows (e.g. those with a known target).
#pragma once

#include <cstddef>
#include <span>

#include "table/table.h"

namespace kiln {

// Rows listed in `rows`, in that order; column facts (type, levels, flags) are kept.
Table SelectTableRows(const Table& table, std::span<const std::size_t> rows);

}  // namespace kiln
