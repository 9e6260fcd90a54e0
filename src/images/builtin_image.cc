#include "images/builtin_image.h"

#include <array>

namespace kiln {
namespace {

struct Entry {
  BuiltinImage image;
  bool listed;  // false for an alias left out of BuiltinImageNames()
};

// Every accepted name; the first entry of an algorithm is its canonical image name.
constexpr std::array<Entry, 14> kImages = {{
    {{"sagemaker-xgboost", Algorithm::kXgboost, ServingFamily::kXgboost}, true},
    {{"xgboost", Algorithm::kXgboost, ServingFamily::kXgboost}, true},
    {{"linear-learner", Algorithm::kLinearLearner, ServingFamily::kKilnModel}, true},
    {{"knn", Algorithm::kKnn, ServingFamily::kKilnModel}, true},
    {{"kmeans", Algorithm::kKMeans, ServingFamily::kKilnModel}, true},
    {{"k-means", Algorithm::kKMeans, ServingFamily::kKilnModel}, false},
    {{"pca", Algorithm::kPca, ServingFamily::kKilnModel}, true},
    {{"kiln-xgboost", Algorithm::kKilnXgboost, ServingFamily::kXgboost}, true},
    {{"kiln-linear", Algorithm::kKilnLinear, ServingFamily::kKilnModel}, true},
    {{"kiln-random-forest", Algorithm::kKilnRandomForest, ServingFamily::kKilnModel}, true},
    {{"kiln-extra-trees", Algorithm::kKilnExtraTrees, ServingFamily::kKilnModel}, true},
    {{"kiln-knn", Algorithm::kKilnKnn, ServingFamily::kKilnModel}, true},
    {{"kiln-kmeans", Algorithm::kKilnKMeans, ServingFamily::kKilnModel}, true},
    {{"kiln-pca", Algorithm::kKilnPca, ServingFamily::kKilnModel}, true},
}};

}  // namespace

std::string ImageRepositoryName(std::string_view image) {
  if (const std::size_t at = image.find('@'); at != std::string_view::npos)
    image = image.substr(0, at);
  if (const std::size_t slash = image.rfind('/'); slash != std::string_view::npos)
    image = image.substr(slash + 1);
  if (const std::size_t colon = image.find(':'); colon != std::string_view::npos)
    image = image.substr(0, colon);
  std::string out(image);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

const BuiltinImage* FindBuiltinImage(std::string_view repository) {
  for (const Entry& e : kImages) {
    if (repository == e.image.name)
      return &e.image;
  }
  return nullptr;
}

bool IsScriptModeImage(std::string_view repository) {
  return repository == "sagemaker-scikit-learn" || repository == "sklearn" ||
         repository == "scikit-learn";
}

const char* AlgorithmImageName(Algorithm algorithm) {
  for (const Entry& e : kImages) {
    if (e.image.algorithm == algorithm)
      return e.image.name;
  }
  return "unknown";
}

std::string BuiltinImageNames() {
  std::string out;
  for (const Entry& e : kImages) {
    if (e.listed)
      out += (out.empty() ? "" : ", ") + std::string(e.image.name);
  }
  return out;
}

}  // namespace kiln
