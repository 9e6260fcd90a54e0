#include "serve/predictor.h"

#include "serve/kiln_model_predictor.h"
#include "serve/xgboost_predictor.h"

namespace kiln {
namespace {

const ArchiveFile* FindFile(std::span<const ArchiveFile> files, std::string_view name) {
  for (const ArchiveFile& f : files) {
    if (f.name == name)
      return &f;
  }
  return nullptr;
}

Result<std::unique_ptr<const Predictor>> LoadXgboost(const ArchiveFile& file) {
  ASSIGN_OR_RETURN(std::unique_ptr<XgboostPredictor> p, XgboostPredictor::Load(file.data));
  return std::unique_ptr<const Predictor>(std::move(p));
}

Result<std::unique_ptr<const Predictor>> LoadKiln(const ArchiveFile& file,
                                                  const PredictorOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<KilnModelPredictor> p,
                   KilnModelPredictor::Load(file.data, options.scratch_dir));
  return std::unique_ptr<const Predictor>(std::move(p));
}

}  // namespace

Result<std::unique_ptr<const Predictor>> LoadPredictor(std::span<const ArchiveFile> files,
                                                       const PredictorOptions& options) {
  if (const ArchiveFile* f = FindFile(files, "xgboost-model"))
    return LoadXgboost(*f);
  if (const ArchiveFile* f = FindFile(files, "model.kiln"))
    return LoadKiln(*f, options);
  if (files.size() == 1) {
    // SageMaker's XGBoost container loads the one file it finds, whatever its name.
    if (files[0].name.ends_with(".kiln"))
      return LoadKiln(files[0], options);
    return LoadXgboost(files[0]);
  }
  std::string names;
  for (const ArchiveFile& f : files)
    names += (names.empty() ? "" : ", ") + f.name;
  return Status::FailedPrecondition(
      "model.tar.gz holds neither xgboost-model nor model.kiln" +
      (names.empty() ? std::string(" (it holds no files)") : " (it holds: " + names + ")"));
}

}  // namespace kiln
