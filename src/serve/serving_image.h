// Which built-in algorithm serves a model, from its container image.
//
// The same names and rule as training (images/builtin_image.h): the registry, tag and digest of
// `<registry>/<path>/<repository>:<tag>@<digest>` are ignored and the repository's last path
// segment is looked up. XGBoost images serve `xgboost-model` (XGBoost's own model file); every
// other built-in serves Kiln's `model.kiln`. The artifact's contents decide the loader in the end
// (a kiln-xgboost job writes xgboost-model too); the image only has to name a built-in.
// Thread-safe: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "images/builtin_image.h"

namespace kiln {

struct ServingImage {
  std::string repository;  // e.g. "sagemaker-xgboost"
  ServingFamily family = ServingFamily::kXgboost;
};

// InvalidArgument naming `field` and listing the supported names when the image is not a built-in
// (script mode and bring-your-own images are not served yet).
Result<ServingImage> ResolveServingImage(std::string_view field, std::string_view image);

}  // namespace kiln
