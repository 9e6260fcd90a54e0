// Kiln's built-in algorithm images: which container image names Kiln accepts, for training jobs
// (src/jobs) and for serving their models (src/serve), from one table.
//
// SageMaker names algorithms by container image (`683313688378.dkr.ecr.us-east-1.amazonaws.com/
// sagemaker-xgboost:1.7-1`). Kiln ignores the registry, the tag and any digest and looks up the
// last path segment of the repository (research note §3.1), so notebooks written for any region
// work unchanged. `AlgorithmSpecification.AlgorithmName` takes the same short names.
//
//   sagemaker-xgboost, xgboost   SageMaker's XGBoost (algorithm mode)
//   linear-learner               SageMaker's Linear Learner hyperparameters, Kiln's linear learner
//   knn, kmeans, pca             SageMaker's k-NN, k-means, PCA hyperparameters ("k-means" is an
//                                unlisted alias of kmeans)
//   kiln-xgboost, kiln-linear, kiln-random-forest, kiln-extra-trees, kiln-knn, kiln-kmeans,
//   kiln-pca                     Kiln's learners with Kiln's own hyperparameter names
//
// XGBoost images serve `xgboost-model` (XGBoost's own model file); every other built-in serves
// Kiln's `model.kiln`. Thread-safe: pure functions over a constant table.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kiln {

// The algorithm a built-in image trains.
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

// How a model trained by a built-in image is served.
enum class ServingFamily : std::uint8_t {
  kXgboost,    // sagemaker-xgboost, xgboost, kiln-xgboost: `xgboost-model`
  kKilnModel,  // every other built-in: `model.kiln`
};

struct BuiltinImage {
  const char* name;  // the short name, e.g. "sagemaker-xgboost"
  Algorithm algorithm;
  ServingFamily family;
};

// The repository's last path segment, lower case: "a.b/c/Sagemaker-XGBoost:1.7-1@sha256:..." ->
// "sagemaker-xgboost". Also takes an algorithm ARN ("arn:...:algorithm/kiln-pca" -> "kiln-pca").
std::string ImageRepositoryName(std::string_view image);

// The built-in named `repository` (a short name, as ImageRepositoryName returns), or nullptr.
const BuiltinImage* FindBuiltinImage(std::string_view repository);

// Whether `repository` names a script-mode image (scikit-learn), which Kiln does not run yet.
bool IsScriptModeImage(std::string_view repository);

// The canonical short image name, e.g. "sagemaker-xgboost" for kXgboost, "kiln-pca" for kKilnPca.
const char* AlgorithmImageName(Algorithm algorithm);

// "sagemaker-xgboost, xgboost, linear-learner, ...": the supported names, for error messages.
std::string BuiltinImageNames();

}  // namespace kiln
