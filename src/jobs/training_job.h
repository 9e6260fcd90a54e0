// TrainingJob records: what the training-job service stores about a job and hands to the API edge
// (DescribeTrainingJob, ListTrainingJobs), plus the ListTrainingJobs query.
//
// TrainingJobStatus is a JobStatus (job_status.h): InProgress -> Completed | Failed | Stopped (via
// Stopping); besides it a free-form SecondaryStatus (Starting, Pending, Downloading,
// Training, Uploading, Completed, Failed, Stopping, Stopped, MaxRuntimeExceeded) whose history is
// kept as transitions. Times are Unix milliseconds. Plain values: copy freely.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jobs/job_status.h"

namespace kiln {

struct StatusTransition {
  std::string status;  // a SecondaryStatus
  std::int64_t start_ms = 0;
  std::optional<std::int64_t> end_ms;  // set when the next transition starts, or at the end
  std::string message;
};

struct FinalMetric {
  std::string name;  // "train:rmse", "validation:auc", ...
  double value = 0;
  std::int64_t timestamp_ms = 0;
};

struct TrainingJobRecord {
  std::string name;
  std::string arn;
  // The CreateTrainingJob request with Kiln's defaults filled in (JSON text), as Describe echoes
  // it.
  std::string request_json;
  JobStatus status = JobStatus::kInProgress;
  std::string secondary_status;
  std::string failure_reason;   // empty unless Failed
  std::string model_artifacts;  // s3://bucket/<prefix>/<job>/output/model.tar.gz
  std::int64_t creation_ms = 0;
  std::int64_t last_modified_ms = 0;
  std::optional<std::int64_t> training_start_ms;
  std::optional<std::int64_t> training_end_ms;
  std::vector<StatusTransition> transitions;  // oldest first (empty in list results)
  std::vector<FinalMetric> final_metrics;     // empty in list results
};

}  // namespace kiln
