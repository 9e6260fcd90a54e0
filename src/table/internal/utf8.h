// UTF-8 validation for cell text. A reader rejects invalid UTF-8 with the line and column instead
// of passing mojibake on to models and reports. Thread-safe: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

namespace kiln::table_internal {

// Offset of the first byte that does not start or continue a valid UTF-8 sequence (overlong forms,
// surrogates and code points above U+10FFFF are invalid), or std::string_view::npos.
std::size_t FindInvalidUtf8(std::string_view s);

}  // namespace kiln::table_internal
