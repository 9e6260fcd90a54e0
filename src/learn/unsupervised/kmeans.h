// k-means clustering (Lloyd's algorithm with k-means++ or random initialization).
//
// Hyperparameters (SageMaker k-means names, with scikit-learn's KMeans names as aliases; giving a
// name and its alias together is an error):
//   k | n_clusters        clusters, >= 1 and at most the training rows (default 8, as
//                         scikit-learn; SageMaker requires it)
//   init | init_method    "k-means++" (default; "kmeans++" also accepted) or "random"
//   n_init                independent runs, the one of lowest inertia is kept, >= 1 (default 3)
//   max_iter              Lloyd iterations per run, >= 1 (default 300)
//   tol                   stop when the summed squared center shift is <= tol times the mean
//                         per-feature variance (scikit-learn's rule), >= 0 (default 1e-4); a run
//                         also stops when no row changes cluster
//   feature_dim           optional (SageMaker); must equal the number of columns
// mini_batch_size and the other SageMaker-only settings are rejected: this is full-batch Lloyd.
//
// k-means++ is scikit-learn's greedy variant (2 + floor(ln k) candidates per center, keeping the
// one that lowers the potential most). Empty clusters are re-seeded at the rows farthest from
// their centers. Results are bit-identical for a given FitContext.seed and any num_threads
// (assignment runs on num_threads threads over fixed 4096-row chunks; sums are taken in row
// order). The deadline is checked before fitting (DeadlineExceeded) and before each iteration
// (returning the best model so far). Non-finite input values are treated as 0.
#pragma once

#include <memory>

#include "common/status.h"
#include "learn/learner.h"
#include "learn/unsupervised/kmeans_model.h"

namespace kiln {

struct KMeansParams {
  int k = 8;
  bool random_init = false;  // init: false "k-means++", true "random"
  int n_init = 3;
  int max_iter = 300;
  double tol = 1e-4;
  int feature_dim = 0;  // 0 = not given

  // Validates user hyperparameters; InvalidArgument names a bad or unknown one.
  static Result<KMeansParams> Parse(const HyperParams& params);
};

// Fits k-means to the rows of x; InvalidArgument when x has no rows or columns, fewer rows than
// k, or feature_dim disagrees with its columns.
Result<std::unique_ptr<KMeansModel>> FitKMeans(const KMeansParams& params, const Matrix& x,
                                               const FitContext& ctx);

}  // namespace kiln
