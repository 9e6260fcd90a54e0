// The shared pieces of request parsing; see the header.
#include "serve/internal/payload_rows.h"

namespace kiln::serve_internal {

std::string_view TrimBlanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

std::string Shown(std::string_view field) {
  std::string s(field.substr(0, 40));
  return "\"" + s + (field.size() > 40 ? "...\"" : "\"");
}

Status RowWidthError(const std::string& where, std::size_t got, std::size_t want) {
  return Status::InvalidArgument(where + ": " + std::to_string(got) +
                                 (got == 1 ? " value" : " values") + ", the model takes " +
                                 std::to_string(want) +
                                 " features (send the features only: no label, no header)");
}

Status NoRows() {
  return Status::InvalidArgument("the request body holds no rows; send at least one");
}

}  // namespace kiln::serve_internal
