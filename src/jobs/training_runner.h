// RunTrainingJob: one training job from input to artifact, on the worker thread that owns it —
// Downloading (each channel from the object store into `<workspace>/input/data/<channel>/`),
// Training (read the CSVs, train, see job_trainer.h), Uploading (`model.tar.gz` into the store at
// the spec's ModelArtifact location). Phase changes are reported through `progress`, events are
// written to the job's log.
//
// Errors become the job's FailureReason, prefixed as SageMaker does: "ClientError: " for the
// user's data or settings, "AlgorithmError: " for a failure while training, "InternalServerError: "
// for Kiln's own storage. Cancelled (no prefix) means the JobControl asked the job to stop.
// Thread-safety: a call owns its workspace; the store is thread-safe.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "jobs/job_control.h"
#include "jobs/job_log.h"
#include "jobs/training_plan.h"
#include "jobs/training_request.h"

namespace kiln {

class ObjectStore;

struct RunContext {
  ObjectStore* store = nullptr;
  const Clock* clock = nullptr;
  std::string workspace;  // the job's directory (created by the caller)
  int threads = 1;
  JobControl* control = nullptr;
  JobLog* log = nullptr;
  // Called when the job enters a SecondaryStatus ("Downloading", "Training", "Uploading").
  std::function<void(const std::string& status, const std::string& message)> progress;
};

// Runs the job; returns its final metrics (name, value) on success.
Result<std::vector<std::pair<std::string, double>>> RunTrainingJob(const TrainingJobSpec& spec,
                                                                   const TrainingPlan& plan,
                                                                   const RunContext& ctx);

}  // namespace kiln
