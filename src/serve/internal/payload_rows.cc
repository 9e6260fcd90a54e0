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

Result<nlohmann::json> ParseJson(std::string_view text, const std::string& where) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    std::string what = e.what();
    if (const std::size_t at = what.find("] "); at != std::string::npos)
      what.erase(0, at + 2);  // "[json.exception.parse_error.101] parse error ..." -> "parse ..."
    return Status::InvalidArgument(where + " is not valid JSON: " + what);
  }
}

const nlohmann::json* RowValues(const nlohmann::json& row) {
  if (row.is_array())
    return &row;
  if (!row.is_object())
    return nullptr;
  if (auto it = row.find("features"); it != row.end() && it->is_array())
    return &*it;
  if (auto data = row.find("data"); data != row.end() && data->is_object()) {
    if (auto f = data->find("features"); f != data->end() && f->is_object()) {
      if (auto v = f->find("values"); v != f->end() && v->is_array())
        return &*v;
    }
  }
  return nullptr;
}

}  // namespace kiln::serve_internal
