// Number parsing for cells: strict decimal syntax, no locale, no allocation. Integers and reals are
// what type inference accepts as numbers: "12", "-3.25", "+1", ".5", "1e5"; never "nan", "inf",
// " 1" or "1,5". Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

namespace kiln::table_internal {

// Largest integer magnitude kept as "integer" (2^53: every such value is exact as a double).
inline constexpr std::int64_t kMaxExactInteger = 9007199254740992LL;

// [+-]?[0-9]+ with magnitude <= kMaxExactInteger. Leading zeros are allowed ("007" is 7).
bool ParseInteger(std::string_view s, std::int64_t* out);

// [+-]? (digits [. digits*] | . digits) ([eE] [+-]? digits)?, finite as a double. Texts longer than
// 1024 bytes are not numbers.
bool ParseNumber(std::string_view s, double* out);

}  // namespace kiln::table_internal
