// Gzip input: detection by magic bytes (1f 8b) and whole-buffer decompression with zlib, including
// files made of several concatenated gzip members (as `cat a.gz b.gz` produces).
// Thread-safe: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace kiln::table_internal {

bool IsGzip(std::string_view data);

// Decompresses all members. InvalidArgument ("<display_name>: gzip data is corrupt ...") on bad or
// truncated input.
Result<std::string> Gunzip(std::string_view data, std::string_view display_name);

}  // namespace kiln::table_internal
