// CompiledKMeans: copying KMeansModel's centers and assigning rows to them; see the header.
#include "infer/compiled_kmeans.h"

#include <Eigen/Core>
#include <cmath>
#include <string>

#include "learn/unsupervised/kmeans_model.h"

namespace kiln {
namespace {

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

}  // namespace

Result<CompiledKMeans> CompiledKMeans::Compile(const KMeansModel& model) {
  const std::size_t k = model.k();
  const std::size_t d = model.dims();
  if (k == 0 || d == 0 || model.centers().size() != k * d) {
    return Status::FailedPrecondition("a k-means model of " + std::to_string(k) + " centers and " +
                                      std::to_string(d) + " dimensions holds " +
                                      std::to_string(model.centers().size()) + " values");
  }
  if (k > kMaxClusters || d > kMaxDims) {
    return Status::FailedPrecondition("a k-means model of " + std::to_string(k) + " centers of " +
                                      std::to_string(d) + " dimensions (at most " +
                                      std::to_string(kMaxClusters) + " and " +
                                      std::to_string(kMaxDims) + " are compiled)");
  }
  CompiledKMeans out;
  out.k_ = k;
  out.dims_ = d;
  out.centers_ = model.centers();
  // As unsupervised_internal::CenterSet rounds and sums them.
  out.centers_f_.resize(k * d);
  for (std::size_t i = 0; i < k * d; ++i)
    out.centers_f_[i] = static_cast<float>(out.centers_[i]);
  out.sq_norms_f_.resize(k);
  for (std::size_t c = 0; c < k; ++c) {
    float s = 0;
    for (std::size_t j = 0; j < d; ++j)
      s += out.centers_f_[c * d + j] * out.centers_f_[c * d + j];
    out.sq_norms_f_[c] = s;
  }
  return out;
}

void CompiledKMeans::Transform(const float* row, double* out) const {
  // As unsupervised_internal::NearestCenters computes it for one row.
  alignas(64) float x[kMaxDims];
  alignas(64) float scores[kMaxClusters];
  for (std::size_t j = 0; j < dims_; ++j)
    x[j] = std::isfinite(row[j]) ? row[j] : 0.0f;
  const auto k = static_cast<Eigen::Index>(k_);
  const auto d = static_cast<Eigen::Index>(dims_);
  const Eigen::Map<const RowMatrixF> centers(centers_f_.data(), k, d);
  Eigen::Map<RowMatrixF>(scores, 1, k).noalias() =
      Eigen::Map<const RowMatrixF>(x, 1, d) * centers.transpose();
  std::size_t best = 0;
  float best_score = sq_norms_f_[0] - 2.0f * scores[0];
  for (std::size_t c = 1; c < k_; ++c) {
    const float v = sq_norms_f_[c] - 2.0f * scores[c];
    if (v < best_score || std::isnan(best_score)) {
      best_score = v;
      best = c;
    }
  }
  const double* center = centers_.data() + best * dims_;
  double exact = 0;
  for (std::size_t j = 0; j < dims_; ++j) {
    const double diff = static_cast<double>(x[j]) - center[j];
    exact += diff * diff;
  }
  out[0] = static_cast<double>(best);
  out[1] = std::sqrt(exact);
}

}  // namespace kiln
