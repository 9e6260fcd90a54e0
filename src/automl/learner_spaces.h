// The search space and the portfolio of known-good starting configurations for each learner that
// AutoML tries. Starting points come first (they are strong defaults from practice: moderate depth,
// row/column subsampling, early stopping), then TPE explores the space around what worked.
#pragma once

#include <string>
#include <vector>

#include "automl/search_space.h"
#include "features/feature_pipeline.h"
#include "learn/learner.h"

namespace kiln {

struct LearnerSpace {
  std::string algorithm;         // registry name
  FeatureEncoding encoding;      // which feature pipeline it consumes
  SearchSpace space;             // what TPE searches
  std::vector<Point> portfolio;  // evaluated first, in order
  HyperParams fixed;             // added to every configuration (e.g. rounds, early stopping)
};

// The learners AutoML searches for `task` on a data set with `rows` rows.
std::vector<LearnerSpace> AutoMLLearnerSpaces(Task task, std::size_t rows);

}  // namespace kiln
