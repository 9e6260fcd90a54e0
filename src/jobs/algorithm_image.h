// Which built-in algorithm a training job runs, from its AlgorithmSpecification.
//
// SageMaker names algorithms by container image (`683313688378.dkr.ecr.us-east-1.amazonaws.com/
// sagemaker-xgboost:1.7-1`). Kiln ignores the registry, the tag and any digest and looks up the
// last path segment of the repository (research note §3.1), so notebooks written for any region
// work unchanged. `AlgorithmSpecification.AlgorithmName` takes the same short names.
//
//   sagemaker-xgboost, xgboost   SageMaker's XGBoost (algorithm mode)
//   linear-learner               SageMaker's Linear Learner hyperparameters, Kiln's linear learner
//   knn, kmeans, pca             SageMaker's k-NN, k-means, PCA hyperparameters
//   kiln-xgboost, kiln-linear, kiln-random-forest, kiln-extra-trees, kiln-knn, kiln-kmeans,
//   kiln-pca                     Kiln's learners with Kiln's own hyperparameter names
//
// Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "learn/learner.h"

namespace kiln {

enum class Algorithm : std::uint8_t {
  kXgboost,
  kLinearLearner,
  kKnn,
  kKMeans,
  kPca,
  kKilnXgboost,
  kKilnLinear,
  kKilnRandomForest,
  kKilnExtraTrees,
  kKilnKnn,
  kKilnKMeans,
  kKilnPca,
};

// The short image name, e.g. "sagemaker-xgboost" for kXgboost, "kiln-pca" for kKilnPca.
const char* AlgorithmImageName(Algorithm algorithm);
// The Kiln learner that trains it: "xgboost", "linear", "random_forest", "extra_trees", "knn",
// "kmeans" or "pca".
const char* AlgorithmLearnerName(Algorithm algorithm);
// Whether it trains without a label (k-means, PCA).
bool IsUnsupervised(Algorithm algorithm);

// The repository's last path segment: "a.b/c/sagemaker-xgboost:1.7-1@sha256:..." ->
// "sagemaker-xgboost".
std::string ImageRepositoryName(std::string_view image);

// Resolves the algorithm from TrainingImage or AlgorithmName (exactly one given). Script mode
// (the scikit-learn image, or a `sagemaker_program` hyperparameter) and unknown names are
// InvalidArgument; the latter lists the supported names.
Result<Algorithm> ResolveAlgorithm(std::string_view training_image, std::string_view algorithm_name,
                                   const HyperParams& hyperparameters);

}  // namespace kiln
