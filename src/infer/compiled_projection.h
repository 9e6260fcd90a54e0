// CompiledProjection: a PCA model (src/learn/unsupervised's PcaModel) compiled for serving: its
// mean and components in row-major arrays of doubles, a row projected without the Matrix and the
// centered-row buffer PcaModel::Transform allocates.
//
// Outputs equal PcaModel::Transform's bit for bit: projection_i = sum over features in order of
// (x - mean) * component_i in double (non-finite inputs read as 0; the mean is zero for a model
// fitted with subtract_mean = false).
//
// Thread-safety: immutable after Compile; Transform is safe from many threads at once.
#pragma once

#include <cstddef>
#include <vector>

#include "common/status.h"

namespace kiln {

class PcaModel;

class CompiledProjection {
 public:
  static Result<CompiledProjection> Compile(const PcaModel& model);

  std::size_t num_features() const { return features_; }
  int num_outputs() const { return static_cast<int>(components_); }
  // One row of num_features() floats -> num_outputs() projections at `out`.
  void Transform(const float* row, double* out) const;

 private:
  std::size_t features_ = 0;
  std::size_t components_ = 0;
  std::vector<double> mean_;    // features_
  std::vector<double> matrix_;  // components_ x features_, row-major
};

}  // namespace kiln
