// PcaModel: principal components. Transform maps each row to its projections on the components,
// outputs projection_1 .. projection_k: (x - mean) . component_i, or x . component_i when the
// model was fitted with subtract_mean = false. Non-finite input values are treated as 0.
// Transform runs on the caller's thread.
//
// Components are unit vectors, ordered by decreasing explained variance, each signed so that its
// entry of largest magnitude (the first among equals) is positive.
//
// Serialized format, version 1, little-endian:
//   offset  size  field
//        0     4  magic "KPCA"
//        4     4  u32 version = 1
//        8     1  u8 subtract_mean (0 or 1)
//        9     1  u8 algorithm_mode (0 regular, 1 randomized)
//       10     2  u16 reserved = 0
//       12     4  u32 num_features d (>= 1)
//       16     4  u32 num_components k (1 ..= d)
//       20     8  f64 total variance (>= 0; the denominator of the explained variance ratios)
//       28     8 * d  f64 mean (zeros when subtract_mean is 0)
//        …     8 * k  f64 explained variance per component (>= 0)
//        …     8 * k * d  f64 components, row-major (component i is row i)
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
#include "learn/unsupervised/unsupervised_model.h"

namespace kiln {

class PcaModel final : public UnsupervisedModel {
 public:
  struct State {
    bool subtract_mean = true;
    bool randomized = false;  // how it was fitted (reported by Info)
    std::size_t num_features = 0;
    std::size_t num_components = 0;
    double total_variance = 0;
    std::vector<double> mean;                // num_features
    std::vector<double> explained_variance;  // num_components
    std::vector<double> components;          // num_components x num_features, row-major
  };

  // REQUIRES the sizes stated in State, finite values.
  explicit PcaModel(State state) : s_(std::move(state)) {}

  static Result<std::unique_ptr<PcaModel>> Load(std::string_view bytes);

  std::string algorithm() const override { return "pca"; }
  std::vector<std::string> output_names() const override;
  // REQUIRES x.cols == num_features().
  void Transform(const Matrix& x, std::vector<double>* out) const override;
  // algorithm_mode, num_components, explained_variance_ratio (comma-separated, one per
  // component), total_explained_variance_ratio.
  std::map<std::string, std::string> Info() const override;
  Result<std::string> Serialize() const override;

  std::size_t num_features() const { return s_.num_features; }
  std::size_t num_components() const { return s_.num_components; }
  const std::vector<double>& mean() const { return s_.mean; }
  const std::vector<double>& components() const { return s_.components; }
  const std::vector<double>& explained_variance() const { return s_.explained_variance; }
  // explained_variance / total variance (0 when the data has no variance).
  std::vector<double> explained_variance_ratio() const;
  bool subtract_mean() const { return s_.subtract_mean; }

 private:
  State s_;
};

}  // namespace kiln
