#include "jobs/algorithm_image.h"

#include <string>

namespace kiln {

const char* AlgorithmLearnerName(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::kXgboost:
    case Algorithm::kKilnXgboost:
      return "xgboost";
    case Algorithm::kLinearLearner:
    case Algorithm::kKilnLinear:
      return "linear";
    case Algorithm::kKilnRandomForest:
      return "random_forest";
    case Algorithm::kKilnExtraTrees:
      return "extra_trees";
    case Algorithm::kKnn:
    case Algorithm::kKilnKnn:
      return "knn";
    case Algorithm::kKMeans:
    case Algorithm::kKilnKMeans:
      return "kmeans";
    case Algorithm::kPca:
    case Algorithm::kKilnPca:
      return "pca";
  }
  return "unknown";
}

bool IsUnsupervised(Algorithm algorithm) {
  const std::string_view learner = AlgorithmLearnerName(algorithm);
  return learner == "kmeans" || learner == "pca";
}

Result<Algorithm> ResolveAlgorithm(std::string_view training_image, std::string_view algorithm_name,
                                   const HyperParams& hyperparameters) {
  if (training_image.empty() == algorithm_name.empty()) {
    return Status::InvalidArgument(
        "AlgorithmSpecification: give exactly one of TrainingImage and AlgorithmName");
  }
  const std::string field = training_image.empty() ? "AlgorithmSpecification.AlgorithmName"
                                                   : "AlgorithmSpecification.TrainingImage";
  const std::string given(training_image.empty() ? algorithm_name : training_image);
  // An AlgorithmName may be an algorithm ARN: arn:aws:sagemaker:...:algorithm/<name>.
  const std::string name = ImageRepositoryName(given);
  if (hyperparameters.count("sagemaker_program") != 0 || IsScriptModeImage(name)) {
    return Status::InvalidArgument(
        field + " \"" + given +
        "\": script mode is not supported yet (a user training script, given by the "
        "sagemaker_program hyperparameter or the scikit-learn image); use a built-in algorithm: " +
        BuiltinImageNames());
  }
  if (const BuiltinImage* builtin = FindBuiltinImage(name))
    return builtin->algorithm;
  return Status::InvalidArgument(
      field + " \"" + given + "\": algorithm \"" + name +
      "\" is not a Kiln built-in algorithm; supported: " + BuiltinImageNames() +
      " (the registry and tag of an image URI are ignored)");
}

}  // namespace kiln
