// NearestCenters: assigns rows to their nearest of k centers (k-means assignment and inference).
// Private to learn/unsupervised.
//
// Screening ranks centers by ||c||^2 - 2 x.c from float matrix products (Eigen GEMM over blocks of
// 256 rows); the reported squared distance to the chosen center is then recomputed exactly in
// double precision. Non-finite input values are treated as 0.
//
// Thread-safety: a CenterSet is immutable after construction; NearestCenters may run concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "learn/matrix.h"

namespace kiln::unsupervised_internal {

class CenterSet {
 public:
  // REQUIRES centers.size() == k * dims, k >= 1.
  CenterSet(std::vector<double> centers, std::size_t k, std::size_t dims);

  std::size_t k() const { return k_; }
  std::size_t dims() const { return dims_; }
  const std::vector<double>& centers() const { return centers_; }  // k x dims, row-major
  const std::vector<float>& centers_f() const { return centers_f_; }
  const std::vector<float>& sq_norms_f() const { return sq_norms_f_; }

 private:
  std::vector<double> centers_;
  std::size_t k_;
  std::size_t dims_;
  std::vector<float> centers_f_;
  std::vector<float> sq_norms_f_;
};

// For rows [begin, end) of x: the index of the nearest center (ties to the lower index) into
// labels[i - begin] and the exact squared Euclidean distance to it into sq_dist[i - begin].
// REQUIRES x.cols == centers.dims().
void NearestCenters(const Matrix& x, std::size_t begin, std::size_t end, const CenterSet& centers,
                    std::uint32_t* labels, double* sq_dist);

}  // namespace kiln::unsupervised_internal
