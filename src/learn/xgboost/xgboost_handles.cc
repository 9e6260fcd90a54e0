#include "learn/xgboost/xgboost_handles.h"

#include <cmath>
#include <string>

namespace kiln {

Status XgbCheck(int rc, StatusCode code, std::string_view what) {
  if (rc == 0)
    return Status::Ok();
  const char* raw = XGBGetLastError();
  std::string message = raw != nullptr ? raw : "unknown libxgboost error";
  // "[12:00:00] ./src/learner.cc:123: Check failed: ...\n  snippet\nStack trace:..." -> "Check
  // failed: ..."
  message = message.substr(0, message.find('\n'));
  if (!message.empty() && message.front() == '[') {
    if (auto close = message.find("] "); close != std::string::npos)
      message.erase(0, close + 2);
  }
  if (message.starts_with("./") || message.starts_with("/")) {
    if (auto colon = message.find(": "); colon != std::string::npos)
      message.erase(0, colon + 2);
  }
  while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
    message.pop_back();
  return Status(code, std::string(what) + ": " + message);
}

Result<XgbDMatrix> MakeXgbDMatrix(const Matrix& x, int num_threads) {
  DMatrixHandle handle = nullptr;
  const float* data = x.values.empty() ? nullptr : x.values.data();
  RETURN_IF_ERROR(XgbCheck(XGDMatrixCreateFromMat_omp(data, x.rows, x.cols, std::nanf(""), &handle,
                                                      num_threads < 1 ? 1 : num_threads),
                           StatusCode::kInvalidArgument, "xgboost: building the data matrix"));
  return XgbDMatrix(handle);
}

Result<XgbBooster> MakeXgbBooster(const DMatrixHandle* cache, std::size_t num_cache) {
  BoosterHandle handle = nullptr;
  RETURN_IF_ERROR(XgbCheck(XGBoosterCreate(cache, num_cache, &handle), StatusCode::kInternal,
                           "xgboost: creating a booster"));
  return XgbBooster(handle);
}

}  // namespace kiln
