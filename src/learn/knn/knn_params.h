// KnnParams: the validated hyperparameters of the k-nearest-neighbours learner, with
// scikit-learn's names and defaults (KNeighborsClassifier / KNeighborsRegressor).
//
//   n_neighbors  neighbours that vote or average, >= 1 (default 5); at most the training rows
//   weights      "uniform" (every neighbour counts once) or "distance" (weight 1 / distance; when
//                some neighbours are at distance 0, only they count, as in scikit-learn)
//   p            Minkowski power: 1 (Manhattan) or 2 (Euclidean, default)
//   algorithm    "auto" (default) or "brute"; both mean exact brute-force search. The tree
//                algorithms ("kd_tree", "ball_tree") and their "leaf_size" are not implemented
//                and are rejected rather than silently ignored.
//
// A plain value type: copy freely; thread-safe as any const object.
#pragma once

#include <string>

#include "common/status.h"
#include "learn/learner.h"

namespace kiln {

struct KnnParams {
  int n_neighbors = 5;             // >= 1
  bool distance_weights = false;   // weights: false "uniform", true "distance"
  int p = 2;                       // 1 or 2
  std::string algorithm = "auto";  // "auto" or "brute"

  // Names accepted by Parse, sorted.
  static const char* const kNames[4];

  // Validates user hyperparameters. Unknown name -> InvalidArgument listing valid names; a bad
  // value -> InvalidArgument naming the hyperparameter, the value and what is accepted.
  static Result<KnnParams> Parse(const HyperParams& params);

  // Every hyperparameter spelled canonically ("n_neighbors" -> "5", "weights" -> "uniform").
  HyperParams ToHyperParams() const;
};

}  // namespace kiln
