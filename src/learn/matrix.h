// Matrix: a dense, row-major float matrix, the input every learner trains and predicts on.
// NaN marks a missing value (XGBoost handles it natively; the feature pipeline imputes for others).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace kiln {

struct Matrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<float> values;  // rows * cols

  Matrix() = default;
  Matrix(std::size_t r, std::size_t c) : rows(r), cols(c), values(r * c) {}
  float& at(std::size_t r, std::size_t c) { return values[r * cols + c]; }
  float at(std::size_t r, std::size_t c) const { return values[r * cols + c]; }
  std::span<const float> row(std::size_t r) const { return {values.data() + r * cols, cols}; }

  // The rows listed in `index`, in that order.
  Matrix SelectRows(std::span<const std::size_t> index) const;
};

}  // namespace kiln
