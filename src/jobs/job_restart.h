// What becomes of a job that a previous Kiln process left unfinished (InProgress or Stopping: the
// process died or was killed with the job queued or running): one rule for training and transform
// jobs, applied by each service when it opens. Pure functions.
#pragma once

#include "jobs/job_status.h"

namespace kiln {

// The FailureReason of a job that was running when the server stopped (or died).
inline constexpr char kServerStoppedReason[] =
    "the Kiln server stopped while the job was running; start it again";

enum class RestartAction : std::uint8_t {
  kRequeue,  // it was still waiting for a worker: it runs again
  kFail,     // a worker had started it: Failed with kServerStoppedReason
  kStop,     // it was being stopped before it started: Stopped
};

// The action for an unfinished job with `status`; `started` says whether a worker had started it.
RestartAction ActionOnRestart(JobStatus status, bool started);

}  // namespace kiln
