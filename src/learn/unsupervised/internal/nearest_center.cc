#include "learn/unsupervised/internal/nearest_center.h"

#include <Eigen/Core>
#include <algorithm>
#include <cassert>
#include <cmath>

namespace kiln::unsupervised_internal {
namespace {

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
constexpr std::size_t kBlock = 256;

}  // namespace

CenterSet::CenterSet(std::vector<double> centers, std::size_t k, std::size_t dims)
    : centers_(std::move(centers)), k_(k), dims_(dims) {
  assert(centers_.size() == k_ * dims_ && k_ >= 1);
  centers_f_.resize(centers_.size());
  std::transform(centers_.begin(), centers_.end(), centers_f_.begin(),
                 [](double v) { return static_cast<float>(v); });
  sq_norms_f_.resize(k_);
  for (std::size_t c = 0; c < k_; ++c) {
    float s = 0;
    for (std::size_t j = 0; j < dims_; ++j)
      s += centers_f_[c * dims_ + j] * centers_f_[c * dims_ + j];
    sq_norms_f_[c] = s;
  }
}

void NearestCenters(const Matrix& x, std::size_t begin, std::size_t end, const CenterSet& centers,
                    std::uint32_t* labels, double* sq_dist) {
  assert(x.cols == centers.dims());
  const std::size_t d = centers.dims();
  const std::size_t k = centers.k();
  const Eigen::Map<const RowMatrixF> c(centers.centers_f().data(), static_cast<Eigen::Index>(k),
                                       static_cast<Eigen::Index>(d));
  RowMatrixF rows(static_cast<Eigen::Index>(std::min(kBlock, end - begin)),
                  static_cast<Eigen::Index>(d));
  RowMatrixF scores(rows.rows(), static_cast<Eigen::Index>(k));
  for (std::size_t b0 = begin; b0 < end; b0 += kBlock) {
    const std::size_t n = std::min(kBlock, end - b0);
    const auto en = static_cast<Eigen::Index>(n);
    for (std::size_t i = 0; i < n; ++i) {
      const float* src = x.values.data() + (b0 + i) * d;
      float* dst = rows.row(static_cast<Eigen::Index>(i)).data();
      for (std::size_t j = 0; j < d; ++j)
        dst[j] = std::isfinite(src[j]) ? src[j] : 0.0f;
    }
    scores.topRows(en).noalias() = rows.topRows(en) * c.transpose();
    for (std::size_t i = 0; i < n; ++i) {
      const float* s = scores.row(static_cast<Eigen::Index>(i)).data();
      std::uint32_t best = 0;
      float best_score = centers.sq_norms_f()[0] - 2.0f * s[0];
      for (std::size_t j = 1; j < k; ++j) {
        const float v = centers.sq_norms_f()[j] - 2.0f * s[j];
        if (v < best_score || std::isnan(best_score)) {
          best_score = v;
          best = static_cast<std::uint32_t>(j);
        }
      }
      const float* r = rows.row(static_cast<Eigen::Index>(i)).data();
      const double* ctr = centers.centers().data() + best * d;
      double exact = 0;
      for (std::size_t j = 0; j < d; ++j) {
        const double diff = static_cast<double>(r[j]) - ctr[j];
        exact += diff * diff;
      }
      labels[b0 + i - begin] = best;
      sq_dist[b0 + i - begin] = exact;
    }
  }
}

}  // namespace kiln::unsupervised_internal
