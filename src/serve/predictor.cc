#include "serve/predictor.h"

#include "serve/kiln_model_predictor.h"
#include "serve/xgboost_predictor.h"

namespace kiln {
namespace {

const TarEntry* FindFile(std::span<const TarEntry> files, std::string_view name) {
  for (const TarEntry& f : files) {
    if (f.name == name)
      return &f;
  }
  return nullptr;
}

Result<std::unique_ptr<const Predictor>> LoadXgboost(const TarEntry& file) {
  ASSIGN_OR_RETURN(std::unique_ptr<XgboostPredictor> p, XgboostPredictor::Load(file.data));
  return std::unique_ptr<const Predictor>(std::move(p));
}

Result<std::unique_ptr<const Predictor>> LoadKiln(const TarEntry& file,
                                                  const PredictorOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<KilnModelPredictor> p,
                   KilnModelPredictor::Load(file.data, options.scratch_dir));
  return std::unique_ptr<const Predictor>(std::move(p));
}

}  // namespace

Result<std::unique_ptr<const Predictor>> LoadPredictor(std::span<const TarEntry> files,
                                                       const PredictorOptions& options) {
  if (const TarEntry* f = FindFile(files, "xgboost-model"))
    return LoadXgboost(*f);
  if (const TarEntry* f = FindFile(files, "model.kiln"))
    return LoadKiln(*f, options);
  if (files.size() == 1) {
    // SageMaker's XGBoost container loads the one file it finds, whatever its name.
    if (files[0].name.ends_with(".kiln"))
      return LoadKiln(files[0], options);
    return LoadXgboost(files[0]);
  }
  std::string names;
  for (const TarEntry& f : files)
    names += (names.empty() ? "" : ", ") + f.name;
  return Status::FailedPrecondition(
      "model.tar.gz holds neither xgboost-model nor model.kiln" +
      (names.empty() ? std::string(" (it holds no files)") : " (it holds: " + names + ")"));
}

}  // namespace kiln
