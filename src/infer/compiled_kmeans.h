// CompiledKMeans: a k-means model (src/learn/unsupervised's KMeansModel) compiled for serving: its
// centers as floats and doubles in row-major arrays, a row assigned to a center without the
// Matrix and the per-call buffers KMeansModel::Transform allocates (the row and its scores are on
// the stack).
//
// Outputs equal KMeansModel::Transform's on the same row: the center is chosen as the reference
// chooses it, by float32 scores ||c||^2 - 2 x.c from the same Eigen product over the same
// float-rounded centers (one row: Eigen's matrix-vector kernel, as KilnModel::Predict of one row
// uses), lowest score, ties to the lower index; distance_to_cluster is the square root of the same
// exact double sum over features in order of (x - center)^2. Non-finite inputs read as 0. Scoring
// through Eigen rather than exact doubles matters: centers of one-hot data tie in exact
// arithmetic, and the reference breaks such ties by its float scores. For a batch the reference
// multiplies up to 256 rows at once (Eigen's matrix-matrix kernel), whose rounding may differ
// from one row's; the two can then pick different centers for a row whose scores to two centers
// agree to float rounding.
//
// Not compiled (FailedPrecondition): more than kMaxDims features or kMaxClusters centers (the stack
// buffers' sizes).
//
// Thread-safety: immutable after Compile; Transform is safe from many threads at once.
#pragma once

#include <cstddef>
#include <vector>

#include "common/status.h"

namespace kiln {

class KMeansModel;

class CompiledKMeans {
 public:
  static constexpr std::size_t kMaxDims = 4096;
  static constexpr std::size_t kMaxClusters = 4096;

  static Result<CompiledKMeans> Compile(const KMeansModel& model);

  std::size_t num_features() const { return dims_; }
  std::size_t num_clusters() const { return k_; }
  int num_outputs() const { return 2; }
  // One row of num_features() floats -> {closest_cluster, distance_to_cluster} at `out`.
  void Transform(const float* row, double* out) const;

 private:
  std::size_t k_ = 0;
  std::size_t dims_ = 0;
  std::vector<double> centers_;    // k_ x dims_, row-major
  std::vector<float> centers_f_;   // the same as floats
  std::vector<float> sq_norms_f_;  // ||c||^2 in float, summed in feature order
};

}  // namespace kiln
