// BruteForceIndex: exact k-nearest-neighbour search over a dense float training matrix, by brute
// force. Owns the training rows.
//
// Euclidean (p = 2) screening ranks by ||t||^2 - 2 q.t (the squared distance less ||q||^2) with
// blocked float matrix products (Eigen GEMM, 256 queries x 1024 training rows per block);
// Manhattan (p = 1) screening sums |q - t| feature by feature over a transposed training block.
// Screening keeps the 2k + 8 best candidates per query in a bounded heap; their distances are then
// recomputed exactly in double precision and the k best are returned, ordered by (exact distance,
// training index). Results therefore equal exact arithmetic unless more than k + 8 training rows
// lie within float rounding of the k-th distance. Query blocks are fixed ranges, so results are
// identical for any thread count.
//
// Non-finite query values are treated as 0 (training rows are sanitized by the caller).
//
// Thread-safety: immutable after construction; Search is safe from many threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "learn/matrix.h"

namespace kiln {

class BruteForceIndex {
 public:
  // REQUIRES p is 1 or 2, every value of `train` is finite and train.rows < 2^32.
  BruteForceIndex(Matrix train, int p);

  const Matrix& train() const { return train_; }
  int p() const { return p_; }

  // For each row of `queries`, the k nearest training rows: indices and distances (Euclidean for
  // p = 2, Manhattan for p = 1), rows(queries) * k of each, row-major, nearest first, ties broken
  // by the lower training index. Runs on up to num_threads threads (the caller's among them).
  // REQUIRES 1 <= k <= train().rows and queries.cols == train().cols.
  void Search(const Matrix& queries, int k, int num_threads, std::vector<std::uint32_t>* indices,
              std::vector<double>* distances) const;

 private:
  Matrix train_;
  int p_;
  std::vector<float> sq_norms_;  // ||t||^2 per training row (p = 2 only)
};

}  // namespace kiln
