// Predictor: one loaded model that predicts dense rows of features, and how its outputs read in a
// response (OutputSchema). An endpoint instance holds one, shared by every request it serves.
//
// LoadPredictor builds one from the files of a model artifact: `xgboost-model` (XGBoost's own model
// file in its JSON, UBJSON or legacy binary format, as SageMaker's XGBoost container and Kiln's
// training jobs write it) or `model.kiln` (Kiln's model format). A Python-pickled Booster is
// refused with how to re-save it.
//
// Serving hot path: PredictRows (rows of floats in the caller's buffer, outputs into the caller's
// span). Compiled predictors (models compiled by src/infer; Describe() says "compiled") predict
// there without allocating, locking or calling into a library; the others fall back to Predict.
// Predict (Matrix in, vector out) stays for callers that already hold a Matrix.
//
// The field path, for models that read categorical, datetime or text columns (reads_fields()):
// the request is parsed into text fields (request_fields.h), DecodeFields reads them as the
// model's input columns (the client's errors, 400), and PredictInputs predicts the decoded rows
// (the model's errors, 500) — compiled, again without allocating.
//
// Thread-safety: a Predictor is immutable after loading; Predict and PredictRows are safe from many
// threads at once.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "common/tar_gz.h"
#include "learn/matrix.h"

namespace kiln {

struct FieldRows;  // serve/request_fields.h
struct InputRows;  // infer/input_rows.h

// How each row's outputs are written (response_payload.h renders them).
enum class OutputKind {
  kScore,       // {"score": v} or {"score": [v...]}: XGBoost, regression
  kClassifier,  // {"score": p or [p...], "predicted_label": l}: Kiln classifiers
  kNamed,       // {"<name>": v, ...}: k-means (closest_cluster, distance_to_cluster)
  kProjection,  // {"projection": [v...]}: PCA
};

struct OutputSchema {
  OutputKind kind = OutputKind::kScore;
  int outputs = 1;                        // values per row
  std::vector<std::string> names;         // kNamed: one per output
  std::vector<std::string> class_labels;  // kClassifier: index = class id
  bool single_precision = false;          // values are float32 (XGBoost): printed as such
};

class Predictor {
 public:
  virtual ~Predictor() = default;
  // Features per row the model reads, in order.
  virtual std::size_t num_features() const = 0;
  virtual const OutputSchema& output() const = 0;
  // Fills `out` with x.rows * output().outputs values, row-major. REQUIRES x.cols ==
  // num_features(). An error is the model failing (SageMaker's container answering 500).
  virtual Status Predict(const Matrix& x, std::vector<double>* out) const = 0;
  // The fast entry point, for InvokeEndpoint and batch transform: `rows` holds num_rows *
  // num_features() floats, row-major (NaN = missing); writes num_rows * output().outputs values,
  // row-major, to `out`, which must be exactly that long (InvalidArgument otherwise, naming the
  // sizes). Same values as Predict. Compiled predictors allocate nothing and take no lock per call;
  // this default copies into a Matrix and calls Predict. An error other than InvalidArgument is the
  // model failing (500).
  virtual Status PredictRows(std::span<const float> rows, std::size_t num_rows,
                             std::span<double> out) const;
  // True when PredictRows (and, for reads_fields() models, PredictInputs) runs compiled code (no
  // allocation, no lock, no library call).
  virtual bool compiled() const { return false; }
  // True when rows must come as text fields: the model reads categorical, datetime or text
  // columns, which rows of floats cannot carry. InvokeEndpoint then calls DecodeFields and
  // PredictInputs instead of PredictRows; Predict and PredictRows refuse with InvalidArgument.
  virtual bool reads_fields() const { return false; }
  // Decodes `fields` (fields.cols == num_features()) into `rows`, the caller's per-thread buffer.
  // InvalidArgument naming row, column and value for a field its column cannot hold: the client's
  // error. The default (models that do not read fields) is Unimplemented.
  virtual Status DecodeFields(const FieldRows& fields, InputRows* rows) const;
  // Predicts rows DecodeFields wrote into `out`, which must hold rows.rows * output().outputs
  // values (InvalidArgument otherwise); another error is the model failing. Default:
  // Unimplemented.
  virtual Status PredictInputs(const InputRows& rows, std::span<double> out) const;
  // What it is, for logs and messages: "xgboost gbtree binary:logistic, 4 features, 1 output per
  // row, compiled (...)", or which library predicts it and why it is not compiled.
  virtual std::string Describe() const = 0;
};

struct PredictorOptions {
  // model.kiln is loaded from a file: it is written here for the duration of the load.
  std::string scratch_dir;
};

// OK when `rows` holds num_rows * p.num_features() values and `out` num_rows * p.output().outputs;
// else InvalidArgument naming the sizes (PredictRows' check, shared by its implementations).
Status CheckRowsShape(const Predictor& p, std::span<const float> rows, std::size_t num_rows,
                      std::span<double> out);

// Loads the model in an artifact's files (see the header comment). FailedPrecondition explaining
// what is wrong when the files hold no servable model.
Result<std::unique_ptr<const Predictor>> LoadPredictor(std::span<const TarEntry> files,
                                                       const PredictorOptions& options);

}  // namespace kiln
