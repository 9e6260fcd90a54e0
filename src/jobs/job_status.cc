#include "jobs/job_status.h"

#include <string>

namespace kiln {

const char* JobStatusName(JobStatus status) {
  return kJobStatusNames[static_cast<std::size_t>(status)].data();  // literals: NUL-terminated
}

std::optional<JobStatus> ParseJobStatus(std::string_view name) {
  for (std::size_t i = 0; i < kJobStatusNames.size(); ++i) {
    if (name == kJobStatusNames[i])
      return static_cast<JobStatus>(i);
  }
  return std::nullopt;
}

bool IsUnfinished(JobStatus status) {
  return status == JobStatus::kInProgress || status == JobStatus::kStopping;
}

Status CheckStoppable(JobStatus status, std::string_view kind, std::string_view name) {
  if (status == JobStatus::kInProgress)
    return Status::Ok();
  return Status::FailedPrecondition("The " + std::string(kind) + " job \"" + std::string(name) +
                                    "\" is " + JobStatusName(status) +
                                    "; only an InProgress job can be stopped.");
}

}  // namespace kiln
