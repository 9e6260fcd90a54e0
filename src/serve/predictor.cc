#include "serve/predictor.h"

#include <algorithm>

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

Status CheckRowsShape(const Predictor& p, std::span<const float> rows, std::size_t num_rows,
                      std::span<double> out) {
  const std::size_t want_in = num_rows * p.num_features();
  const std::size_t want_out = num_rows * static_cast<std::size_t>(p.output().outputs);
  if (rows.size() != want_in) {
    return Status::InvalidArgument(std::to_string(rows.size()) + " values given for " +
                                   std::to_string(num_rows) + " rows of " +
                                   std::to_string(p.num_features()) + " features");
  }
  if (out.size() != want_out) {
    return Status::InvalidArgument("an output buffer of " + std::to_string(out.size()) +
                                   " values for " + std::to_string(num_rows) + " rows of " +
                                   std::to_string(p.output().outputs) + " outputs");
  }
  return Status::Ok();
}

Status Predictor::PredictRows(std::span<const float> rows, std::size_t num_rows,
                              std::span<double> out) const {
  RETURN_IF_ERROR(CheckRowsShape(*this, rows, num_rows, out));
  Matrix x;
  x.rows = num_rows;
  x.cols = num_features();
  x.values.assign(rows.begin(), rows.end());
  std::vector<double> values;
  RETURN_IF_ERROR(Predict(x, &values));
  if (values.size() != out.size()) {
    return Status::Internal("predicting " + std::to_string(num_rows) + " rows returned " +
                            std::to_string(values.size()) + " values, expected " +
                            std::to_string(out.size()));
  }
  std::copy(values.begin(), values.end(), out.begin());
  return Status::Ok();
}

Status Predictor::DecodeFields(const FieldRows&, InputRows*) const {
  return Status::Unimplemented("this model reads rows of numbers, not text fields");
}

Status Predictor::PredictInputs(const InputRows&, std::span<double>) const {
  return Status::Unimplemented("this model reads rows of numbers, not text fields");
}

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
