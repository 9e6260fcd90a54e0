// CompiledProjection: copying PcaModel's mean and components and projecting rows; see the header.
#include "infer/compiled_projection.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "learn/unsupervised/pca_model.h"

namespace kiln {

Result<CompiledProjection> CompiledProjection::Compile(const PcaModel& model) {
  const std::size_t d = model.num_features();
  const std::size_t k = model.num_components();
  if (d == 0 || k == 0 || model.mean().size() != d || model.components().size() != k * d) {
    return Status::FailedPrecondition("a PCA model of " + std::to_string(k) + " components over " +
                                      std::to_string(d) + " features holds " +
                                      std::to_string(model.components().size()) + " values");
  }
  CompiledProjection out;
  out.features_ = d;
  out.components_ = k;
  out.mean_ = model.mean();
  out.matrix_ = model.components();
  return out;
}

void CompiledProjection::Transform(const float* row, double* out) const {
  // The centered row a block of features at a time on the stack; each projection's sum continues
  // from block to block, so it adds in feature order as PcaModel's does.
  constexpr std::size_t kBlock = 256;
  double centered[kBlock];
  std::fill(out, out + components_, 0.0);
  for (std::size_t j0 = 0; j0 < features_; j0 += kBlock) {
    const std::size_t n = std::min(kBlock, features_ - j0);
    for (std::size_t j = 0; j < n; ++j) {
      const float x = row[j0 + j];
      centered[j] = (std::isfinite(x) ? static_cast<double>(x) : 0.0) - mean_[j0 + j];
    }
    for (std::size_t c = 0; c < components_; ++c) {
      const double* v = matrix_.data() + c * features_ + j0;
      double s = out[c];
      for (std::size_t j = 0; j < n; ++j)
        s += centered[j] * v[j];
      out[c] = s;
    }
  }
}

}  // namespace kiln
