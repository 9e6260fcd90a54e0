#include "table/read_options.h"

#include <set>

namespace kiln {

Status ReadOptions::Validate() const {
  if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
    return Status::InvalidArgument(
        "delimiter cannot be a quote or a line break; use ',', ';', '\\t' or 0 to detect it");
  }
  if (num_threads < 0 || num_threads > 1024) {
    return Status::InvalidArgument(
        "num_threads must be between 0 (one per hardware thread) and 1024, got " +
        std::to_string(num_threads));
  }
  for (const std::string& na : na_values) {
    if (na.find_first_of("\n\r") != std::string::npos) {
      return Status::InvalidArgument("na_values entries cannot contain line breaks");
    }
  }
  std::set<std::string> names;
  for (const ColumnSchema& c : schema) {
    if (c.name.empty())
      return Status::InvalidArgument("schema has a column with an empty name");
    if (!names.insert(c.name).second) {
      return Status::InvalidArgument("schema names column \"" + c.name + "\" twice");
    }
  }
  for (const std::string& d : dictionary_columns) {
    if (d.empty())
      return Status::InvalidArgument("dictionary_columns has an empty name");
  }
  return Status::Ok();
}

}  // namespace kiln
