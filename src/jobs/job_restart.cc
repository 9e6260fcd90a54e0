#include "jobs/job_restart.h"

namespace kiln {

RestartAction ActionOnRestart(JobStatus status, bool started) {
  if (started)
    return RestartAction::kFail;
  return status == JobStatus::kInProgress ? RestartAction::kRequeue : RestartAction::kStop;
}

}  // namespace kiln
