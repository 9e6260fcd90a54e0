// Which built-in algorithm a training job runs, from its AlgorithmSpecification.
//
// The image names, the repository-name rule (registry, tag and digest ignored) and which algorithm
// each name trains are images/builtin_image.h's, shared with serving; this adds what training
// needs: the Kiln learner of each algorithm and resolving a request's TrainingImage /
// AlgorithmName, with script mode refused. Thread-safe: pure functions.
#pragma once

#include <string_view>

#include "common/status.h"
#include "images/builtin_image.h"
#include "learn/learner.h"

namespace kiln {

// The Kiln learner that trains it: "xgboost", "linear", "random_forest", "extra_trees", "knn",
// "kmeans" or "pca".
const char* AlgorithmLearnerName(Algorithm algorithm);
// Whether it trains without a label (k-means, PCA).
bool IsUnsupervised(Algorithm algorithm);

// Resolves the algorithm from TrainingImage or AlgorithmName (exactly one given). Script mode
// (the scikit-learn image, or a `sagemaker_program` hyperparameter) and unknown names are
// InvalidArgument; the latter lists the supported names.
Result<Algorithm> ResolveAlgorithm(std::string_view training_image, std::string_view algorithm_name,
                                   const HyperParams& hyperparameters);

}  // namespace kiln
