// What the two request parsers share (request_payload.cc: rows of floats; request_fields.cc: rows
// of text fields) besides the JSON row walker (json_rows.h): splitting a body into lines, showing
// a field in a message, and the messages for a wrong width or no rows. Pure functions;
// thread-safe. Private to src/serve.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kiln::serve_internal {

// ` ` and `\t` cut from both ends.
std::string_view TrimBlanks(std::string_view s);

// Shows a field in a message: quoted, cut after 40 characters.
std::string Shown(std::string_view field);

// `where: 3 values, the model takes 4 features (send the features only: no label, no header)`.
Status RowWidthError(const std::string& where, std::size_t got, std::size_t want);
Status NoRows();

// Calls `row(line, line_no, where)` for each line of `body` that is not blank (lines end in "\n"
// or "\r\n"; `line_no` counts from 1, `where` is "line <line_no>"), until one returns an error.
template <typename RowFn>
Status ForEachLine(std::string_view body, RowFn&& row) {
  std::size_t line_no = 0;
  while (!body.empty()) {
    const std::size_t nl = body.find('\n');
    std::string_view line = body.substr(0, nl);
    body = nl == std::string_view::npos ? std::string_view() : body.substr(nl + 1);
    ++line_no;
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (TrimBlanks(line).empty())
      continue;
    RETURN_IF_ERROR(row(line, line_no, "line " + std::to_string(line_no)));
  }
  return Status::Ok();
}

}  // namespace kiln::serve_internal
