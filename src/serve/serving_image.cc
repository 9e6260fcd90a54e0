#include "serve/serving_image.h"

#include <array>

namespace kiln {
namespace {

struct Entry {
  const char* name;
  ServingFamily family;
};

constexpr std::array<Entry, 14> kImages = {{
    {"sagemaker-xgboost", ServingFamily::kXgboost},
    {"xgboost", ServingFamily::kXgboost},
    {"kiln-xgboost", ServingFamily::kXgboost},
    {"linear-learner", ServingFamily::kKilnModel},
    {"knn", ServingFamily::kKilnModel},
    {"kmeans", ServingFamily::kKilnModel},
    {"k-means", ServingFamily::kKilnModel},
    {"pca", ServingFamily::kKilnModel},
    {"kiln-linear", ServingFamily::kKilnModel},
    {"kiln-random-forest", ServingFamily::kKilnModel},
    {"kiln-extra-trees", ServingFamily::kKilnModel},
    {"kiln-knn", ServingFamily::kKilnModel},
    {"kiln-kmeans", ServingFamily::kKilnModel},
    {"kiln-pca", ServingFamily::kKilnModel},
}};

std::string SupportedNames() {
  std::string out;
  for (const Entry& e : kImages) {
    if (std::string_view(e.name) != "k-means")
      out += (out.empty() ? "" : ", ") + std::string(e.name);
  }
  return out;
}

}  // namespace

std::string ServingRepositoryName(std::string_view image) {
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

Result<ServingImage> ResolveServingImage(std::string_view field, std::string_view image) {
  const std::string name = ServingRepositoryName(image);
  for (const Entry& e : kImages) {
    if (name == e.name)
      return ServingImage{name, e.family};
  }
  const bool script =
      name == "sagemaker-scikit-learn" || name == "sklearn" || name == "scikit-learn";
  return Status::InvalidArgument(
      std::string(field) + " \"" + std::string(image) + "\": " +
      (script ? std::string("script-mode images (scikit-learn) are not served yet")
              : "\"" + name + "\" is not a Kiln built-in algorithm") +
      "; supported: " + SupportedNames() + " (the registry and tag of an image URI are ignored)");
}

}  // namespace kiln
