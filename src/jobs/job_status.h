// JobStatus: the status of a SageMaker training or batch-transform job. TrainingJobStatus and
// TransformJobStatus have the same values (research note §2.1): InProgress -> Completed | Failed,
// or Stopped via Stopping. One type, so both services share the rules written on it here and in
// job_restart.h. Plain values; pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/status.h"

namespace kiln {

enum class JobStatus : std::uint8_t { kInProgress, kCompleted, kFailed, kStopping, kStopped };

// Every status's name, in the enum's order (StatusEquals' values in the List* operations).
inline constexpr std::array<std::string_view, 5> kJobStatusNames = {
    "InProgress", "Completed", "Failed", "Stopping", "Stopped"};

// "InProgress", "Completed", "Failed", "Stopping", "Stopped".
const char* JobStatusName(JobStatus status);
std::optional<JobStatus> ParseJobStatus(std::string_view name);

// InProgress or Stopping: the job has not ended.
bool IsUnfinished(JobStatus status);

// StopTrainingJob / StopTransformJob's rule: FailedPrecondition ("The <kind> job "<name>" is
// Completed; only an InProgress job can be stopped.") unless `status` is InProgress.
Status CheckStoppable(JobStatus status, std::string_view kind, std::string_view name);

}  // namespace kiln
