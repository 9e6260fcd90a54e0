// Formatting of user values inside error messages and type reasons: quoted, control characters
// escaped, and cut short so a 10 MB cell does not become a 10 MB message. Thread-safe: pure
// functions.
#pragma once

#include <string>
#include <string_view>

namespace kiln::table_internal {

// Longest value text kept in a message (longer values end in "...").
inline constexpr std::size_t kMaxValueInMessage = 60;

// The value cut to kMaxValueInMessage characters (on a UTF-8 boundary), not quoted.
std::string ShortValue(std::string_view value);

// "\"value\"" with \n, \r, \t and other control bytes escaped; `value` is cut as in ShortValue.
std::string QuoteValue(std::string_view value);

}  // namespace kiln::table_internal
