// RAII ownership of libxgboost C API handles, the one place C API return codes become Status, and
// the small JSON strings the C API takes and returns (shared by learn's XgboostModel and serve's
// XgboostPredictor).
//
// libxgboost reports failure as a non-zero return code with the message in XGBGetLastError() (a
// thread-local buffer); C++ exceptions never cross its C API, so none escape from here either.
// Thread-safety: the functions are thread-safe; a handle is owned by one object at a time.
#pragma once

#include <xgboost/c_api.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "learn/matrix.h"

namespace kiln {

struct XgbDMatrixDeleter {
  void operator()(void* handle) const { XGDMatrixFree(handle); }
};
struct XgbBoosterDeleter {
  void operator()(void* handle) const { XGBoosterFree(handle); }
};
using XgbDMatrix = std::unique_ptr<void, XgbDMatrixDeleter>;
using XgbBooster = std::unique_ptr<void, XgbBoosterDeleter>;

// OK when `rc` is 0; else a Status of `code` reading "`what`: <libxgboost's message>" (the message
// without libxgboost's timestamp and stack trace).
Status XgbCheck(int rc, StatusCode code, std::string_view what);

// A DMatrix holding a copy of `x` (NaN = missing), built with `num_threads` threads.
Result<XgbDMatrix> MakeXgbDMatrix(const Matrix& x, int num_threads);

// An empty booster (no cached matrices) to load a model into or train with `cache`.
Result<XgbBooster> MakeXgbBooster(const DMatrixHandle* cache, std::size_t num_cache);

// Replaces `*booster` by its first `rounds` boosting rounds (early stopping's best iteration).
Status XgbKeepFirstRounds(XgbBooster* booster, int rounds);

// The value of the first `"key":"value"` pair in libxgboost's JSON config
// (XGBoosterSaveJsonConfig), or "" (the config holds only flat string values for keys such as
// "booster", "objective", "num_class" and "num_trees").
std::string XgbConfigString(std::string_view config, std::string_view key);

// The JSON __array_interface__ describing `x` (row-major float32) for XGBoosterPredictFromDense;
// it points into `x`, which must outlive the call.
std::string XgbArrayInterface(const Matrix& x);

// The config of XGBoosterPredictFrom*: prediction `type` (0 values, 1 margins, 2 contributions),
// all iterations, NaN missing.
std::string XgbPredictConfig(int type, bool strict_shape);

// The number of values in a prediction result of shape `shape[0..dim)`.
std::size_t XgbShapeSize(const bst_ulong* shape, bst_ulong dim);

}  // namespace kiln
