// RAII ownership of libxgboost C API handles, and the one place C API return codes become Status.
//
// libxgboost reports failure as a non-zero return code with the message in XGBGetLastError() (a
// thread-local buffer); C++ exceptions never cross its C API, so none escape from here either.
// Thread-safety: the functions are thread-safe; a handle is owned by one object at a time.
#pragma once

#include <xgboost/c_api.h>

#include <memory>
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

}  // namespace kiln
