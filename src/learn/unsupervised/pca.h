// Principal component analysis.
//
// Hyperparameters (SageMaker PCA names, with scikit-learn's as aliases; giving a name and its
// alias together is an error):
//   num_components | n_components  components kept, 1 ..= min(rows, columns) (default
//                                  min(10, rows, columns); SageMaker requires it)
//   subtract_mean                  center the data first, true/false (default true)
//   algorithm_mode                 "regular" (default): eigendecomposition of the d x d
//                                  covariance (Gram) matrix accumulated in double precision —
//                                  exact, O(n d^2 + d^3) time and O(d^2) memory; "randomized":
//                                  Halko et al.'s randomized SVD (k + 10 random directions, 7
//                                  power iterations when k < min(rows, columns) / 10, else 4,
//                                  QR-orthonormalized), O(n d (k + 10)) per pass, seeded by
//                                  FitContext.seed
//   feature_dim                    optional (SageMaker); must equal the number of columns
// SageMaker's extra_components and mini_batch_size are rejected.
//
// Explained variance is eigenvalue / (n - 1) as in scikit-learn; the ratio divides by the total
// variance (the trace), which without subtract_mean is the uncentered second moment. Work is
// split into fixed row ranges reduced in order, so results are bit-identical for any
// num_threads. The deadline is checked once, before fitting. Non-finite input values are
// treated as 0.
#pragma once

#include <memory>

#include "common/status.h"
#include "learn/learner.h"
#include "learn/unsupervised/pca_model.h"

namespace kiln {

struct PcaParams {
  int num_components = 0;  // 0 = default min(10, rows, columns)
  bool subtract_mean = true;
  bool randomized = false;  // algorithm_mode
  int feature_dim = 0;      // 0 = not given

  // Validates user hyperparameters; InvalidArgument names a bad or unknown one.
  static Result<PcaParams> Parse(const HyperParams& params);
};

// Fits PCA to the rows of x; InvalidArgument when x has no rows or columns, num_components
// exceeds min(rows, columns), or feature_dim disagrees with its columns.
Result<std::unique_ptr<PcaModel>> FitPca(const PcaParams& params, const Matrix& x,
                                         const FitContext& ctx);

}  // namespace kiln
