// UnsupervisedModel: learners trained without a target (k-means, PCA). They map each input row to a
// few outputs (cluster and distance; principal-component projections).
//
// Thread-safety: immutable after fitting or loading; Transform is safe from many threads.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "learn/learner.h"
#include "learn/matrix.h"

namespace kiln {

class UnsupervisedModel {
 public:
  virtual ~UnsupervisedModel() = default;
  virtual std::string algorithm() const = 0;  // "kmeans" or "pca"
  // Names of the per-row outputs, e.g. {"closest_cluster", "distance_to_cluster"} or
  // {"projection_1", ..., "projection_k"}.
  virtual std::vector<std::string> output_names() const = 0;
  // rows(x) * output_names().size() values, row-major.
  virtual void Transform(const Matrix& x, std::vector<double>* out) const = 0;
  virtual std::map<std::string, std::string> Info() const { return {}; }
  virtual Result<std::string> Serialize() const = 0;
};

// Algorithms accepted by FitUnsupervised: {"kmeans", "pca"}.
std::vector<std::string> UnsupervisedAlgorithms();

// Validates hyperparameters by name (InvalidArgument names a bad one) and fits.
Result<std::unique_ptr<UnsupervisedModel>> FitUnsupervised(std::string_view algorithm,
                                                           const HyperParams& params,
                                                           const Matrix& x, const FitContext& ctx);
// Restores a model written by Serialize; Corruption on bad bytes.
Result<std::unique_ptr<UnsupervisedModel>> LoadUnsupervised(std::string_view algorithm,
                                                            std::string_view bytes);

}  // namespace kiln
