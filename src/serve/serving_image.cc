#include "serve/serving_image.h"

namespace kiln {

Result<ServingImage> ResolveServingImage(std::string_view field, std::string_view image) {
  const std::string name = ImageRepositoryName(image);
  if (const BuiltinImage* builtin = FindBuiltinImage(name))
    return ServingImage{name, builtin->family};
  return Status::InvalidArgument(
      std::string(field) + " \"" + std::string(image) + "\": " +
      (IsScriptModeImage(name) ? std::string("script-mode images (scikit-learn) are not served yet")
                               : "\"" + name + "\" is not a Kiln built-in algorithm") +
      "; supported: " + BuiltinImageNames() +
      " (the registry and tag of an image URI are ignored)");
}

}  // namespace kiln
