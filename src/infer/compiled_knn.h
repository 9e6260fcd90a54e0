// CompiledKnn: a k-nearest-neighbours model (src/learn/knn's KnnModel) compiled for serving. The
// training rows are stored feature-major (one contiguous column of floats per feature, padded to
// a multiple of 8 rows), so the distances of a query to a block of 256 training rows are summed
// feature by feature across the block (vectorized over rows) while each row's sum keeps the
// reference's order. A row is searched exhaustively with the k best kept in a fixed-size array
// on the stack: nothing is allocated and no thread is started.
//
// Margins equal KnnModel::PredictMargin's: the same exact double-precision distances
// BruteForceIndex re-ranks with (sum over features in order of (q - t)^2, or |q - t| for p = 1;
// non-finite query values read as 0), the k best ordered by (distance, training index), the same
// weights (row weight, times 1 / distance for "distance" weighting, only exact matches when some
// neighbour is at distance 0), votes or mean summed in neighbour order, then the same smoothed
// log-odds / log-probabilities. BruteForceIndex screens candidates in float before re-ranking, so
// the two differ only when more than k + 8 training rows lie within float rounding of the k-th
// distance; this search is then the exact one.
//
// Not compiled (FailedPrecondition): n_neighbors above kMaxNeighbors (the stack selection's size).
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

  static Result<CompiledKnn> Compile(const KnnModel& model);

  std::size_t num_features() const { return features_; }
  int num_outputs() const { return outputs_; }
  std::size_t num_rows() const { return rows_; }
  std::size_t k() const { return k_; }
  // One row of num_features() floats (non-finite read as 0) -> num_outputs() margins at `out`.
  void Margin(const float* row, double* out) const;

 private:
  // The k nearest training rows of `row`: their indices and distances (Euclidean or Manhattan),
  // nearest first, ties to the lower index. `index` and `distance` hold k() entries.
  void Search(const float* row, std::uint32_t* index, double* distance) const;

  Task task_ = Task::kRegression;
  int classes_ = 0;  // 2 binary, K multiclass, 0 regression
  int outputs_ = 1;
  std::size_t features_ = 0;
  std::size_t rows_ = 0;
  std::size_t stride_ = 0;  // rows_ rounded up to a multiple of 8
  std::size_t k_ = 1;
  bool distance_weights_ = false;
  bool manhattan_ = false;      // p = 1
  std::vector<float> train_;    // features_ x stride_, feature-major; padding rows are 0
  std::vector<float> labels_;   // per training row
  std::vector<float> weights_;  // per training row
};

}  // namespace kiln
