// Parsing of ISO-8601-like dates and date-times into seconds since the Unix epoch (UTC):
//   YYYY-MM-DD or YYYY/MM/DD, optionally followed by 'T' or ' ' and HH:MM[:SS[.fraction]],
//   optionally followed (after a time) by 'Z' or an offset +HH, +HHMM or +HH:MM (also '-').
// Calendar fields are validated (no 2023-02-30, no 25:00). Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

namespace kiln::table_internal {

bool ParseDatetime(std::string_view s, double* seconds_since_epoch);

// Days from 1970-01-01 to the given proleptic Gregorian date (negative before 1970).
std::int64_t DaysFromCivil(std::int64_t year, unsigned month, unsigned day);

}  // namespace kiln::table_internal
