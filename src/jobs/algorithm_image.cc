#include "jobs/algorithm_image.h"

#include <array>
#include <utility>

#include "learn/hyperparam_text.h"

namespace kiln {
namespace {

struct Entry {
  const char* name;
  Algorithm algorithm;
};

// Every accepted name; the first entry of an algorithm is its canonical image name.
constexpr std::array<Entry, 13> kNames = {{
    {"sagemaker-xgboost", Algorithm::kXgboost},
    {"xgboost", Algorithm::kXgboost},
    {"linear-learner", Algorithm::kLinearLearner},
    {"knn", Algorithm::kKnn},
    {"kmeans", Algorithm::kKMeans},
    {"pca", Algorithm::kPca},
    {"kiln-xgboost", Algorithm::kKilnXgboost},
    {"kiln-linear", Algorithm::kKilnLinear},
    {"kiln-random-forest", Algorithm::kKilnRandomForest},
    {"kiln-extra-trees", Algorithm::kKilnExtraTrees},
    {"kiln-knn", Algorithm::kKilnKnn},
    {"kiln-kmeans", Algorithm::kKilnKMeans},
    {"kiln-pca", Algorithm::kKilnPca},
}};

std::string SupportedNames() {
  std::string out;
  for (const Entry& e : kNames)
    out += (out.empty() ? "" : ", ") + std::string(e.name);
  return out;
}

}  // namespace

const char* AlgorithmImageName(Algorithm algorithm) {
  for (const Entry& e : kNames) {
    if (e.algorithm == algorithm)
      return e.name;
  }
  return "unknown";
}

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

std::string ImageRepositoryName(std::string_view image) {
  if (const std::size_t at = image.find('@'); at != std::string_view::npos)
    image = image.substr(0, at);
  if (const std::size_t slash = image.rfind('/'); slash != std::string_view::npos)
    image = image.substr(slash + 1);
  if (const std::size_t colon = image.find(':'); colon != std::string_view::npos)
    image = image.substr(0, colon);
  return hp::Lower(image);
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
  if (hyperparameters.count("sagemaker_program") != 0 || name == "sagemaker-scikit-learn" ||
      name == "sklearn" || name == "scikit-learn") {
    return Status::InvalidArgument(
        field + " \"" + given +
        "\": script mode is not supported yet (a user training script, given by the "
        "sagemaker_program hyperparameter or the scikit-learn image); use a built-in algorithm: " +
        SupportedNames());
  }
  for (const Entry& e : kNames) {
    if (name == e.name)
      return e.algorithm;
  }
  return Status::InvalidArgument(
      field + " \"" + given + "\": algorithm \"" + name +
      "\" is not a Kiln built-in algorithm; supported: " + SupportedNames() +
      " (the registry and tag of an image URI are ignored)");
}

}  // namespace kiln
