#include "table/table.h"

#include <cmath>

namespace kiln {

bool Column::IsMissing(std::size_t row) const {
  if (IsNumberLike(type))
    return std::isnan(values[row]);
  return codes[row] < 0;
}

int Table::Find(const std::string& name) const {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name)
      return static_cast<int>(i);
  }
  return -1;
}

}  // namespace kiln
