#include "table/internal/csv_tokenizer.h"

namespace kiln::table_internal {

std::string CsvFieldLabel(const std::vector<std::string>& names, std::size_t field) {
  if (field < names.size())
    return "column \"" + names[field] + "\"";
  return "field " + std::to_string(field + 1);
}

}  // namespace kiln::table_internal
