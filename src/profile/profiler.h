// ProfileTable: computes a DataProfile (profile/data_profile.h) from a Table.
//
// Cost: one pass over each column, plus a sort of the present values of each number column (for
// exact quantiles) and one hash per row for duplicates; with a target, one more pass per feature
// for the leakage checks (a sort for number features). Thread-safe: a pure function.
#pragma once

#include "common/status.h"
#include "profile/data_profile.h"
#include "table/table.h"

namespace kiln {

// Profiles every column of `table`. With options.target set, also analyses that column as the
// prediction target (problem type, class balance or distribution, leakage suspects). An unknown
// target is InvalidArgument naming it and listing the columns; a target that cannot be predicted (a
// single value, all missing) is reported as a warning, not an error.
Result<DataProfile> ProfileTable(const Table& table, const ProfileOptions& options);

}  // namespace kiln
