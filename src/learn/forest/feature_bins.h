// FeatureBins: the training matrix quantized column by column into at most 255 ordered bins plus
// one bin for missing values (NaN), stored column-major as bytes, so that split search works on
// small histograms (as LightGBM and scikit-learn's HistGradientBoosting do).
//
// Bin edges sit between consecutive distinct training values (their float midpoint, or the lower
// value when the midpoint rounds up to the upper one), so for every value x and edge j:
// bin(x) <= j exactly when x <= edge(j). A column with at most 255 distinct values gets one bin per
// value, which makes splits exact; wider columns get quantile bins of about equal counts (a value
// that fills more than one bin's share gets a bin of its own). Infinite values are ordinary values.
//
// Immutable after Build; thread-safe for concurrent reads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "learn/matrix.h"

namespace kiln {

class FeatureBins {
 public:
  static constexpr std::uint8_t kMissing = 255;
  static constexpr int kMaxBins = 255;

  // Quantizes `x` using up to `num_threads` threads; the result does not depend on the count.
  static FeatureBins Build(const Matrix& x, int num_threads);

  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  // The bin of every row for column `c`: 0..num_bins(c)-1, or kMissing.
  std::span<const std::uint8_t> column(std::size_t c) const {
    return {bins_.data() + c * rows_, rows_};
  }
  // Number of non-missing bins of column `c` (0 when the column is all missing).
  int num_bins(std::size_t c) const { return static_cast<int>(columns_[c].edges.size()) + 1; }
  // Edges: bin(x) <= j  <=>  x <= edges(c)[j], for j < num_bins(c) - 1.
  std::span<const float> edges(std::size_t c) const { return columns_[c].edges; }
  // Smallest and largest training value in bin `b` of column `c`.
  float bin_min(std::size_t c, int b) const { return columns_[c].min[static_cast<std::size_t>(b)]; }
  float bin_max(std::size_t c, int b) const { return columns_[c].max[static_cast<std::size_t>(b)]; }

 private:
  struct Column {
    std::vector<float> edges, min, max;
  };
  // Fills columns_[c] and column c of bins_.
  void BuildColumn(const Matrix& x, std::size_t c);

  std::size_t rows_ = 0;
  std::size_t cols_ = 0;
  std::vector<std::uint8_t> bins_;
  std::vector<Column> columns_;
};

}  // namespace kiln
