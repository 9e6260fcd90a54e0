#include "api/json_errors.h"

#include <nlohmann/json.hpp>

namespace kiln {

HttpResponse JsonError(int status, std::string_view type, std::string_view message,
                       const std::string& request_id) {
  HttpResponse r;
  r.status = status;
  nlohmann::json body = {{"__type", std::string(type)}, {"message", std::string(message)}};
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.SetHeader("Content-Type", "application/x-amz-json-1.1");
  r.SetHeader("x-amzn-RequestId", request_id);
  r.SetHeader("x-amzn-ErrorType", std::string(type));
  return r;
}

HttpResponse JsonErrorFromStatus(const Status& status, const std::string& request_id) {
  if (!status.reason().empty()) {
    const bool server_side = status.code() == StatusCode::kInternal ||
                             status.code() == StatusCode::kIoError ||
                             status.code() == StatusCode::kCorruption;
    return JsonError(server_side ? 500 : 400, status.reason(), status.message(), request_id);
  }
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kUnimplemented:
    case StatusCode::kDeadlineExceeded:
    case StatusCode::kCancelled:
      return JsonError(400, "ValidationException", status.message(), request_id);
    default:
      return JsonError(500, "InternalFailure", status.message(), request_id);
  }
}

}  // namespace kiln
