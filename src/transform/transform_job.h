// TransformJob records: what the batch-transform service stores about a job and hands to the API
// edge (DescribeTransformJob, ListTransformJobs), with its progress.
//
// TransformJobStatus follows SageMaker (research note §2.1): InProgress -> Completed | Failed, or
// Stopped via Stopping. Progress is Kiln's extension of DescribeTransformJob (docs/api.md): the
// input objects found and finished, the records predicted and the input bytes read. Times are Unix
// milliseconds. Plain values: copy freely.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kiln {

enum class TransformJobStatus : std::uint8_t {
  kInProgress,
  kCompleted,
  kFailed,
  kStopping,
  kStopped
};

// "InProgress", "Completed", "Failed", "Stopping", "Stopped".
const char* TransformJobStatusName(TransformJobStatus status);
std::optional<TransformJobStatus> ParseTransformJobStatus(std::string_view name);

struct TransformProgress {
  std::uint64_t objects_total = 0;  // input objects found (0 until listed)
  std::uint64_t objects_done = 0;   // .out objects written
  std::uint64_t records_done = 0;   // records predicted
  std::uint64_t bytes_total = 0;    // stored bytes of the input objects
  std::uint64_t bytes_done = 0;     // stored bytes read so far
};

struct TransformJobRecord {
  std::string name;
  std::string arn;
  // The CreateTransformJob request with Kiln's defaults filled in (JSON text), as Describe echoes.
  std::string request_json;
  TransformJobStatus status = TransformJobStatus::kInProgress;
  std::string failure_reason;  // empty unless Failed
  std::string model_name;
  std::string model_data_url;  // the model's artifact, resolved at CreateTransformJob
  std::int64_t creation_ms = 0;
  std::int64_t last_modified_ms = 0;
  std::optional<std::int64_t> start_ms;  // TransformStartTime: a worker started it
  std::optional<std::int64_t> end_ms;    // TransformEndTime
  TransformProgress progress;
};

}  // namespace kiln
