// Which built-in algorithm serves a model, from its container image.
//
// The same rule as training (research note §3.1, jobs/algorithm_image.h): ignore the registry, tag
// and digest of `<registry>/<path>/<repository>:<tag>@<digest>` and look up the repository's last
// path segment. XGBoost images serve `xgboost-model` (XGBoost's own model file); every other
// built-in serves Kiln's `model.kiln`. The artifact's contents decide the loader in the end (a
// kiln-xgboost job writes xgboost-model too); the image only has to name a built-in.
//
// This is the serving module's own copy of the rule until src/jobs exports ImageRepositoryName as
// a library; both must accept the same names. Thread-safe: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace kiln {

enum class ServingFamily {
  kXgboost,    // sagemaker-xgboost, xgboost, kiln-xgboost
  kKilnModel,  // linear-learner, knn, kmeans, k-means, pca, kiln-linear, kiln-random-forest, ...
};

struct ServingImage {
  std::string repository;  // e.g. "sagemaker-xgboost"
  ServingFamily family = ServingFamily::kXgboost;
};

// "a.b/c/sagemaker-xgboost:1.7-1@sha256:..." -> "sagemaker-xgboost" (lower case).
std::string ServingRepositoryName(std::string_view image);

// InvalidArgument naming `field` and listing the supported names when the image is not a built-in
// (script mode and bring-your-own images are not served yet).
Result<ServingImage> ResolveServingImage(std::string_view field, std::string_view image);

}  // namespace kiln
