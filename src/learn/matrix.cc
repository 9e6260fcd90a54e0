#include "learn/matrix.h"

#include <algorithm>

namespace kiln {

Matrix Matrix::SelectRows(std::span<const std::size_t> index) const {
  Matrix out(index.size(), cols);
  for (std::size_t i = 0; i < index.size(); ++i) {
    std::copy_n(values.begin() + index[i] * cols, cols, out.values.begin() + i * cols);
  }
  return out;
}

}  // namespace kiln
