#include "transform/transform_job.h"

namespace kiln {

const char* TransformJobStatusName(TransformJobStatus status) {
  switch (status) {
    case TransformJobStatus::kInProgress:
      return "InProgress";
    case TransformJobStatus::kCompleted:
      return "Completed";
    case TransformJobStatus::kFailed:
      return "Failed";
    case TransformJobStatus::kStopping:
      return "Stopping";
    case TransformJobStatus::kStopped:
      return "Stopped";
  }
  return "Failed";
}

std::optional<TransformJobStatus> ParseTransformJobStatus(std::string_view name) {
  for (TransformJobStatus s :
       {TransformJobStatus::kInProgress, TransformJobStatus::kCompleted,
        TransformJobStatus::kFailed, TransformJobStatus::kStopping, TransformJobStatus::kStopped}) {
    if (name == TransformJobStatusName(s))
      return s;
  }
  return std::nullopt;
}

}  // namespace kiln
