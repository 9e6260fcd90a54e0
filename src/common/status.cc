#include "common/status.h"

namespace kiln {

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "OK";
    case StatusCode::kInvalidArgument:
      return "InvalidArgument";
    case StatusCode::kNotFound:
      return "NotFound";
    case StatusCode::kAlreadyExists:
      return "AlreadyExists";
    case StatusCode::kFailedPrecondition:
      return "FailedPrecondition";
    case StatusCode::kIoError:
      return "IoError";
    case StatusCode::kCorruption:
      return "Corruption";
    case StatusCode::kDeadlineExceeded:
      return "DeadlineExceeded";
    case StatusCode::kCancelled:
      return "Cancelled";
    case StatusCode::kUnimplemented:
      return "Unimplemented";
    case StatusCode::kInternal:
      return "Internal";
  }
  return "Unknown";
}

Status Status::WithContext(const std::string& context) const {
  if (ok())
    return *this;
  Status out(code_, context + ": " + message_);
  out.reason_ = reason_;
  return out;
}

Status Status::WithReason(std::string reason) const {
  if (ok())
    return *this;
  Status out = *this;
  out.reason_ = std::move(reason);
  return out;
}

std::string Status::ToString() const {
  if (ok())
    return "OK";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

}  // namespace kiln
