// Serializing a response head (status line, headers, Date, Content-Length, Connection), shared by
// the inline and blocking paths, and the plain-text errors the server itself sends.
#pragma once

#include <ctime>
#include <string>
#include <string_view>

#include "http/http_message.h"

namespace kiln::http_internal {

// The current time as an HTTP Date value, formatted at most once a second. Owned by one thread.
class DateCache {
 public:
  std::string_view Now();

 private:
  std::time_t second_ = -1;
  char text_[40] = "";
  std::size_t size_ = 0;
};

// Appends the head of `r` to `out`: Content-Length from the body, the stream, or announced_length
// for HEAD; "Connection: close" unless keep_alive; Date unless the handler set one. Returns whether
// a body follows the head (false for omit_body, 204, 304 and 1xx).
bool AppendResponseHead(const HttpResponse& r, bool keep_alive, std::string_view date,
                        std::string& out);

// A text/plain response the server sends on its own (400, 500, 503).
HttpResponse PlainError(int status, const std::string& message);

}  // namespace kiln::http_internal
