#include "learn/xgboost/xgboost_handles.h"

#include <cmath>
#include <cstdint>
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

Status XgbKeepFirstRounds(XgbBooster* booster, int rounds) {
  BoosterHandle sliced = nullptr;
  RETURN_IF_ERROR(XgbCheck(XGBoosterSlice(booster->get(), 0, rounds, 1, &sliced),
                           StatusCode::kInternal, "xgboost: trimming to the best iteration"));
  booster->reset(sliced);
  return Status::Ok();
}

std::string XgbConfigString(std::string_view config, std::string_view key) {
  const std::string needle = "\"" + std::string(key) + "\":\"";
  const std::size_t start = config.find(needle);
  if (start == std::string_view::npos)
    return "";
  const std::size_t begin = start + needle.size();
  const std::size_t end = config.find('"', begin);
  return end == std::string_view::npos ? "" : std::string(config.substr(begin, end - begin));
}

std::string XgbArrayInterface(const Matrix& x) {
  return "{\"data\":[" + std::to_string(reinterpret_cast<std::uintptr_t>(x.values.data())) +
         ",true],\"shape\":[" + std::to_string(x.rows) + "," + std::to_string(x.cols) +
         "],\"typestr\":\"<f4\",\"version\":3}";
}

std::string XgbPredictConfig(int type, bool strict_shape) {
  return "{\"type\":" + std::to_string(type) +
         ",\"training\":false,\"iteration_begin\":0,\"iteration_end\":0,\"strict_shape\":" +
         (strict_shape ? "true" : "false") + ",\"missing\":NaN,\"cache_id\":0}";
}

std::size_t XgbShapeSize(const bst_ulong* shape, bst_ulong dim) {
  std::size_t n = 1;
  for (bst_ulong i = 0; i < dim; ++i)
    n *= shape[i];
  return n;
}

}  // namespace kiln
