// KMeansModel: k cluster centers. Transform maps each row to SageMaker k-means inference's two
// outputs: closest_cluster (0-based center index, ties to the lower index) and
// distance_to_cluster (Euclidean distance to that center). Non-finite input values are treated as
// 0. Transform runs on the caller's thread.
//
// Serialized format, version 1, little-endian:
//   offset  size  field
//        0     4  magic "KKMN"
//        4     4  u32 version = 1
//        8     4  u32 k (>= 1)
//       12     4  u32 dims (>= 1)
//       16     4  u32 iterations (Lloyd iterations of the kept run)
//       20     8  f64 inertia (sum of squared distances of the training rows to their center)
//       28     8 * k * dims  f64 centers, row-major
// Nothing follows; any other length, or a non-finite value, is Corruption.
//
// Thread-safety: immutable after construction; Transform is safe from many threads.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "learn/unsupervised/internal/nearest_center.h"
#include "learn/unsupervised/unsupervised_model.h"

namespace kiln {

class KMeansModel final : public UnsupervisedModel {
 public:
  // REQUIRES centers.size() == k * dims, k >= 1, dims >= 1, finite centers.
  KMeansModel(std::vector<double> centers, std::size_t k, std::size_t dims, int iterations,
              double inertia);

  static Result<std::unique_ptr<KMeansModel>> Load(std::string_view bytes);

  std::string algorithm() const override { return "kmeans"; }
  std::vector<std::string> output_names() const override {
    return {"closest_cluster", "distance_to_cluster"};
  }
  // REQUIRES x.cols == dims().
  void Transform(const Matrix& x, std::vector<double>* out) const override;
  // inertia, iterations, k.
  std::map<std::string, std::string> Info() const override;
  Result<std::string> Serialize() const override;

  std::size_t k() const { return centers_.k(); }
  std::size_t dims() const { return centers_.dims(); }
  // k x dims, row-major.
  const std::vector<double>& centers() const { return centers_.centers(); }
  int iterations() const { return iterations_; }
  double inertia() const { return inertia_; }

 private:
  unsupervised_internal::CenterSet centers_;
  int iterations_;
  double inertia_;
};

}  // namespace kiln
