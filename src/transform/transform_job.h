// TransformJob records: what the batch-transform service stores about a job and hands to the API
// edge (DescribeTransformJob, ListTransformJobs), with its progress.
//
// TransformJobStatus is a JobStatus (jobs/job_status.h): InProgress -> Completed | Failed, or
// Stopped via Stopping. Progress: transform_progress.h. Times are Unix milliseconds. Plain values:
// copy freely.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "jobs/job_status.h"
#include "transform/transform_progress.h"

namespace kiln {

struct TransformJobRecord {
  std::string name;
  std::string arn;
  // The CreateTransformJob request with Kiln's defaults filled in (JSON text), as Describe echoes.
  std::string request_json;
  JobStatus status = JobStatus::kInProgress;
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
