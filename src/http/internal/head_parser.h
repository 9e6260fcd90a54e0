// Parsing one HTTP/1.1 request head out of bytes already read, for the inline path: Boost.Beast's
// parser (the same grammar and limits as the blocking path) with callbacks that write straight into
// a reused HttpRequest, so a keep-alive connection parses each request without allocating once its
// strings have grown.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/http_message.h"

namespace kiln::http_internal {

struct RequestHeadInfo {
  std::size_t head_bytes = 0;                   // request line + headers + blank line
  std::optional<std::uint64_t> content_length;  // set unless the body is chunked
  bool chunked = false;
  bool keep_alive = false;       // HTTP/1.1 without "Connection: close", or 1.0 with keep-alive
  bool expect_continue = false;  // "Expect: 100-continue"
};

enum class HeadParse { kNeedMore, kDone, kError };

// Parses the head at the start of `data` into `request` (method, target, path, query, headers;
// other fields untouched) and `info`. kNeedMore: the head is not complete yet (and within
// `header_limit`); kError: malformed or too large, with Beast's description in `error`.
HeadParse ParseRequestHead(std::string_view data, std::size_t header_limit, HttpRequest& request,
                           RequestHeadInfo& info, std::string& error);

}  // namespace kiln::http_internal
