// CompiledKnn: a k-nearest-neighbours model (src/learn/knn's KnnModel) compiled for serving. A
// row is searched as BruteForceIndex searches one query, without its per-call workspace: float
// screening scores for blocks of 1024 training rows into a stack buffer (Euclidean: ||t||^2 -
// 2 q.t through the same Eigen matrix-vector product over the same training floats and norms;
// Manhattan: the sum over features of |t - q| in float, over a feature-major copy so it runs
// across rows), the best 2k + 8 kept in a bounded heap on the stack with the same (score, index)
// order, then their exact double distances (sum over features in order of (q - t)^2 or |q - t|)
// and the k best by (distance, index). Nothing is allocated and no thread is started.
//
// Margins equal KnnModel::PredictMargin's: the same neighbours, the same weights (row weight,
// times 1 / distance for "distance" weighting, only exact matches when some neighbour is at
// distance 0), votes or mean summed in neighbour order, then the same smoothed log-odds /
// log-probabilities. Non-finite query values read as 0. For one row the search is the reference's
// arithmetic exactly; KnnModel screens a batch through Eigen's matrix-matrix kernel, whose float
// rounding may differ, which can change the neighbours only when more than k + 8 training rows
// lie within float rounding of the k-th distance.
//
// Not compiled (FailedPrecondition): n_neighbors above kMaxNeighbors or more than kMaxFeatures
// features (the stack buffers' sizes; about 85 KB of stack per search at the largest).
//
// Thread-safety: immutable after Compile; Margin is safe from many threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/status.h"
#include "learn/task.h"

namespace kiln {

class KnnModel;

class CompiledKnn {
 public:
  // SageMaker k-NN's largest k.
  static constexpr std::size_t kMaxNeighbors = 1024;
  // Features of the query copied (sanitized) on the stack; CompiledKilnModel::kBufferFloats.
  static constexpr std::size_t kMaxFeatures = 4096;

  static Result<CompiledKnn> Compile(const KnnModel& model);

  std::size_t num_features() const { return features_; }
  int num_outputs() const { return outputs_; }
  std::size_t num_rows() const { return rows_; }
  std::size_t k() const { return k_; }
  // One row of num_features() floats (non-finite read as 0) -> num_outputs() margins at `out`.
  void Margin(const float* row, double* out) const;

 private:
  // The k nearest training rows of the sanitized query `q`: their indices and distances
  // (Euclidean or Manhattan), nearest first, ties to the lower index; k() entries each.
  void Search(const float* q, std::uint32_t* index, double* distance) const;

  Task task_ = Task::kRegression;
  int classes_ = 0;  // 2 binary, K multiclass, 0 regression
  int outputs_ = 1;
  std::size_t features_ = 0;
  std::size_t rows_ = 0;
  std::size_t k_ = 1;
  bool distance_weights_ = false;
  bool manhattan_ = false;         // p = 1
  std::vector<float> train_;       // rows_ x features_, row-major
  std::vector<float> sq_norms_;    // ||t||^2 per training row (Euclidean)
  std::vector<float> by_feature_;  // features_ x rows_ (Manhattan)
  std::vector<float> labels_;      // per training row
  std::vector<float> weights_;     // per training row
};

}  // namespace kiln
