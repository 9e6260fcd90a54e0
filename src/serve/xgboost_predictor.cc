#include "serve/xgboost_predictor.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "infer/xgboost_forest.h"
#include "serve/internal/xgboost_model_check.h"

namespace kiln {
namespace {

// Python's pickle protocols 2-5 start with PROTO (0x80) and the protocol number.
bool LooksPickled(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x80 && bytes[1] >= 2 &&
         bytes[1] <= 5;
}

// Values (type 0), the shape libxgboost chooses; built once, predictions only read it.
const std::string& PredictConfig() {
  static const std::string config = XgbPredictConfig(0, false);
  return config;
}

Status Refuse(const std::string& why) {
  return Status::FailedPrecondition("xgboost-model: " + why);
}

// Checks a model file before libxgboost reads it (its loader trusts the file): a JSON or UBJSON
// document entirely, the legacy binary format's lengths (its trees once loaded, via CheckLoaded).
Status CheckModelFile(std::string_view bytes) {
  if (bytes.size() < 2 || bytes[0] != '{')
    return serve_internal::CheckLegacyBinaryModel(bytes);
  const bool text = bytes[1] == '"' || bytes[1] == ' ' || bytes[1] == '\n' || bytes[1] == '\r';
  const nlohmann::json doc = text ? nlohmann::json::parse(bytes, nullptr, false)
                                  : nlohmann::json::from_ubjson(bytes, true, false);
  if (doc.is_discarded()) {
    return Refuse(std::string("the file is not valid ") + (text ? "JSON" : "UBJSON") +
                  " (expected XGBoost's JSON, UBJSON or binary model format, as written by "
                  "booster.save_model)");
  }
  return serve_internal::CheckXgboostModel(doc);
}

// Checks what the booster holds, through its JSON dump, before anything predicts with it.
Status CheckLoaded(BoosterHandle h) {
  bst_ulong len = 0;
  const char* raw = nullptr;
  RETURN_IF_ERROR(XgbCheck(XGBoosterSaveModelToBuffer(h, R"({"format":"json"})", &len, &raw),
                           StatusCode::kFailedPrecondition, "xgboost-model"));
  const nlohmann::json doc = nlohmann::json::parse(std::string_view(raw, len), nullptr, false);
  if (doc.is_discarded())
    return Refuse("libxgboost's dump of the model is not JSON");
  return serve_internal::CheckXgboostModel(doc);
}

}  // namespace

Result<std::unique_ptr<XgboostPredictor>> XgboostPredictor::Load(std::string_view bytes) {
  if (bytes.empty())
    return Refuse("the file is empty");
  if (LooksPickled(bytes)) {
    return Refuse(
        "the file is a Python pickle (SageMaker XGBoost 0.90-1.2 pickled the Booster), which "
        "Kiln cannot load; load it in Python and re-save it with booster.save_model(\"xgboost-"
        "model\") (or \"xgboost-model.json\"), then tar it into model.tar.gz again");
  }
  RETURN_IF_ERROR(CheckModelFile(bytes));
  auto p = std::make_unique<XgboostPredictor>(Key());
  ASSIGN_OR_RETURN(p->booster_, MakeXgbBooster(nullptr, 0));
  BoosterHandle h = p->booster_.get();
  Status loaded = XgbCheck(XGBoosterLoadModelFromBuffer(h, bytes.data(), bytes.size()),
                           StatusCode::kFailedPrecondition, "xgboost-model");
  if (!loaded.ok()) {
    return Status::FailedPrecondition(
        loaded.message() +
        " (expected XGBoost's JSON, UBJSON or binary model format, as written by "
        "booster.save_model)");
  }
  RETURN_IF_ERROR(CheckLoaded(h));
  RETURN_IF_ERROR(XgbCheck(XGBoosterSetParam(h, "nthread", "1"), StatusCode::kFailedPrecondition,
                           "xgboost-model"));
  bst_ulong num_features = 0;
  RETURN_IF_ERROR(XgbCheck(XGBoosterGetNumFeature(h, &num_features),
                           StatusCode::kFailedPrecondition, "xgboost-model"));
  if (num_features == 0)
    return Refuse("the model was trained on no features");
  p->num_features_ = num_features;
  bst_ulong len = 0;
  const char* raw = nullptr;
  RETURN_IF_ERROR(XgbCheck(XGBoosterSaveJsonConfig(h, &len, &raw), StatusCode::kFailedPrecondition,
                           "xgboost-model: reading its config"));
  const std::string config(raw, len);
  p->booster_type_ = XgbConfigString(config, "booster");
  p->objective_ = XgbConfigString(config, "objective");
  if (p->booster_type_ != "gbtree" && p->booster_type_ != "gblinear" &&
      p->booster_type_ != "dart") {
    return Refuse("booster \"" + p->booster_type_ + "\" is not supported");
  }
  // dart is not documented as thread-safe; gblinear has no in-place prediction in libxgboost 1.7
  // and predicts through a DMatrix, whose prediction cache the booster shares between calls.
  p->serialize_ = p->booster_type_ != "gbtree";
  p->through_dmatrix_ = p->booster_type_ == "gblinear";

  // One prediction now: libxgboost configures itself lazily, and this also tells the output width.
  Matrix probe(1, num_features);
  std::fill(probe.values.begin(), probe.values.end(), std::numeric_limits<float>::quiet_NaN());
  std::vector<double> out;
  RETURN_IF_ERROR(p->PredictRaw(probe, &out).WithContext("xgboost-model: a test prediction"));
  if (out.empty())
    return Refuse("a test prediction returned no values");
  p->output_.kind = OutputKind::kScore;
  p->output_.outputs = static_cast<int>(out.size());
  p->output_.single_precision = true;
  p->Compile();
  return p;
}

void XgboostPredictor::Compile() {
  bst_ulong len = 0;
  const char* raw = nullptr;
  if (XGBoosterSaveModelToBuffer(booster_.get(), R"({"format":"json"})", &len, &raw) != 0) {
    compile_note_ = std::string("libxgboost could not dump the model: ") + XGBGetLastError();
    return;
  }
  Result<CompiledXgboostModel> compiled = CompileXgboostModel(std::string_view(raw, len));
  if (!compiled.ok()) {
    compile_note_ = compiled.error().message();
    return;
  }
  const CompiledForest& f = compiled->forest;
  if (f.num_features() != num_features_ || f.num_outputs() != output_.outputs) {
    compile_note_ = "the compiled model reads " + std::to_string(f.num_features()) +
                    " features and writes " + std::to_string(f.num_outputs()) +
                    " outputs, libxgboost " + std::to_string(num_features_) + " and " +
                    std::to_string(output_.outputs);
    return;
  }
  // The load's test row (all missing) and rows on the model's split thresholds must predict the
  // same both ways: a safety net under the parity tests, for models they did not foresee.
  Matrix probe(kProbeRows + 1, num_features_);
  std::fill_n(probe.values.begin(), num_features_, std::numeric_limits<float>::quiet_NaN());
  std::copy(compiled->probe_rows.begin(), compiled->probe_rows.end(),
            probe.values.begin() + num_features_);
  std::vector<double> want;
  if (!PredictRaw(probe, &want).ok() || want.size() != probe.rows * output_.outputs) {
    compile_note_ = "libxgboost could not predict the test rows";
    return;
  }
  std::vector<float> got(want.size());
  f.PredictBatch(probe.values.data(), probe.rows, got.data());
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (!(std::fabs(got[i] - want[i]) <= 1e-5 * std::max(1.0, std::fabs(want[i])))) {
      compile_note_ = "the compiled model predicts " + std::to_string(got[i]) + " on test row " +
                      std::to_string(i / output_.outputs) + ", libxgboost " +
                      std::to_string(want[i]);
      return;
    }
  }
  compiled_ = std::move(compiled->forest);
}

void XgboostPredictor::PredictCompiled(const float* rows, std::size_t num_rows, double* out) const {
  constexpr std::size_t kBuffer = 4096;  // floats on the stack (CompiledForest: <= 4096 outputs)
  float buf[kBuffer];
  const std::size_t k = static_cast<std::size_t>(output_.outputs);
  const std::size_t chunk = std::max<std::size_t>(1, kBuffer / k);
  for (std::size_t begin = 0; begin < num_rows; begin += chunk) {
    const std::size_t n = std::min(chunk, num_rows - begin);
    compiled_->PredictBatch(rows + begin * num_features_, n, buf);
    std::copy(buf, buf + n * k, out + begin * k);
  }
}

Status XgboostPredictor::PredictRows(std::span<const float> rows, std::size_t num_rows,
                                     std::span<double> out) const {
  if (!compiled_)
    return Predictor::PredictRows(rows, num_rows, out);
  RETURN_IF_ERROR(CheckRowsShape(*this, rows, num_rows, out));
  PredictCompiled(rows.data(), num_rows, out.data());
  return Status::Ok();
}

Status XgboostPredictor::Predict(const Matrix& x, std::vector<double>* out) const {
  out->clear();
  if (x.rows == 0)
    return Status::Ok();
  if (x.cols != num_features_) {
    return Status::InvalidArgument("xgboost: " + std::to_string(x.cols) +
                                   " columns given, the model takes " +
                                   std::to_string(num_features_));
  }
  if (compiled_) {
    out->resize(x.rows * static_cast<std::size_t>(output_.outputs));
    PredictCompiled(x.values.data(), x.rows, out->data());
    return Status::Ok();
  }
  Status predicted;
  if (serialize_) {
    std::lock_guard<std::mutex> lock(mu_);
    predicted = PredictRaw(x, out);
  } else {
    predicted = PredictRaw(x, out);
  }
  RETURN_IF_ERROR(predicted);
  const std::size_t want = x.rows * static_cast<std::size_t>(output_.outputs);
  if (out->size() != want) {
    return Status::Internal("xgboost: predicting " + std::to_string(x.rows) + " rows returned " +
                            std::to_string(out->size()) + " values, expected " +
                            std::to_string(want));
  }
  return Status::Ok();
}

Status XgboostPredictor::PredictRaw(const Matrix& x, std::vector<double>* out) const {
  const bst_ulong* shape = nullptr;
  bst_ulong dim = 0;
  const float* result = nullptr;
  if (through_dmatrix_) {
    ASSIGN_OR_RETURN(XgbDMatrix dmat, MakeXgbDMatrix(x, 1));
    RETURN_IF_ERROR(
        XgbCheck(XGBoosterPredictFromDMatrix(booster_.get(), dmat.get(), PredictConfig().c_str(),
                                             &shape, &dim, &result),
                 StatusCode::kInternal, "xgboost: predicting"));
  } else {
    RETURN_IF_ERROR(
        XgbCheck(XGBoosterPredictFromDense(booster_.get(), XgbArrayInterface(x).c_str(),
                                           PredictConfig().c_str(), nullptr, &shape, &dim, &result),
                 StatusCode::kInternal, "xgboost: predicting"));
  }
  out->assign(result, result + XgbShapeSize(shape, dim));
  return Status::Ok();
}

std::string XgboostPredictor::Describe() const {
  return "xgboost " + booster_type_ + " " + (objective_.empty() ? "?" : objective_) + ", " +
         std::to_string(num_features_) + " features, " + std::to_string(output_.outputs) +
         (output_.outputs == 1 ? " output" : " outputs") + " per row, " +
         (compiled_ ? "compiled: " + compiled_->Describe()
                    : "predicted by libxgboost (not compiled: " + compile_note_ + ")");
}

}  // namespace kiln
