// TrainingJobService: SageMaker training jobs run by Kiln's built-in learners — CreateTrainingJob,
// DescribeTrainingJob, ListTrainingJobs, StopTrainingJob, plus each job's log.
//
// Life of a job: Create validates the request (training_request.h), the hyperparameters
// (training_plan.h) and that the buckets exist, stores the job (training_job_store.h) as
// InProgress / Starting — or Pending when every worker is busy — and queues it. One of
// `max_concurrent_jobs` worker threads runs it (training_runner.h) in `<data_dir>/<job>/`:
// Downloading -> Training -> Uploading -> Completed, or Failed with a FailureReason. The
// workspace's input/ and model/ directories are removed when the job ends; `training.log` stays.
//
// Stopping: StopTrainingJob (only while InProgress) marks the job Stopping; a queued job becomes
// Stopped at once, a running one polls its JobControl between boosting rounds and phases and ends
// Stopped (no artifact is uploaded). StoppingCondition.MaxRuntimeInSeconds counts from the moment a
// worker starts the job, on the injected clock: when it passes, the job ends Stopped with
// SecondaryStatus MaxRuntimeExceeded, as on AWS. Learners other than XGBoost cannot be interrupted
// mid-fit; they get the runtime budget as their FitContext deadline (and stop early by
// themselves), and a stop request takes effect when their fit returns.
//
// Restart: Open finds jobs left InProgress or Stopping by a process that died. Those a worker had
// started are marked Failed ("the Kiln server stopped while the job was running; start it again")
// and their workspaces cleaned; those still waiting for a worker (Starting/Pending) are queued
// again; a Stopping job that never started becomes Stopped. Destroying the service stops the
// workers: running jobs end Failed with the same reason, queued ones run after the next Open.
//
// Thread-safe. The worker threads (job_worker_pool.h) are joined by the destructor.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/list_page.h"
#include "common/status.h"
#include "jobs/job_control.h"
#include "jobs/job_worker_pool.h"
#include "jobs/training_job.h"

namespace kiln {

class Database;
class ObjectStore;
class TrainingJobStore;

struct TrainingJobServiceOptions {
  std::string data_dir;         // required: job workspaces are <data_dir>/<job>/
  int max_concurrent_jobs = 2;  // worker threads (the cores of a small server), 1..64
  int threads_per_job = 0;      // learner threads per job; 0 = cores / max_concurrent_jobs (≥ 1)
  std::string account_id = "000000000000";  // 12 digits, in ARNs
  std::string region = "us-east-1";         // in ARNs
  const Clock* clock = nullptr;             // null: the system clock

  Status Validate() const;
};

class TrainingJobService {
 public:
  // Applies the "jobs" migrations, recovers jobs a previous process left unfinished (see above)
  // and starts the workers. `db` and `store` must outlive the service.
  static Result<std::unique_ptr<TrainingJobService>> Open(const TrainingJobServiceOptions& options,
                                                          Database& db, ObjectStore& store);
  ~TrainingJobService();
  TrainingJobService(const TrainingJobService&) = delete;
  TrainingJobService& operator=(const TrainingJobService&) = delete;

  // CreateTrainingJob: returns the job's ARN. InvalidArgument naming the field or hyperparameter;
  // AlreadyExists with reason "ResourceInUse" for a duplicate name.
  Result<std::string> Create(const nlohmann::json& request);
  // DescribeTrainingJob. NotFound ("Requested resource not found...") when absent.
  Result<TrainingJobRecord> Describe(std::string_view name);
  // ListTrainingJobs (common/list_page.h).
  Result<ListPage<TrainingJobRecord>> List(const ListQuery& query);
  // StopTrainingJob. NotFound when absent; FailedPrecondition unless InProgress.
  Status Stop(std::string_view name);
  // The job's log so far ("" before a worker starts it). NotFound when the job is absent.
  Result<std::string> Logs(std::string_view name);

  // arn:aws:sagemaker:<region>:<account>:training-job/<lower-cased name>.
  std::string Arn(std::string_view name) const;
  // Blocks until no job is queued or running; false if `timeout` passes first.
  bool WaitIdle(std::chrono::milliseconds timeout);

 private:
  struct PrivateTag {};

 public:
  // Use Open.
  TrainingJobService(PrivateTag, const TrainingJobServiceOptions& options, ObjectStore& store,
                     std::unique_ptr<TrainingJobStore> jobs);

 private:
  std::int64_t NowMs() const;
  Status Recover();
  void RunOne(const std::string& name, JobControl& control);
  // Records a SecondaryStatus change while the job is InProgress (ignored otherwise).
  void Advance(const std::string& name, const std::string& status, const std::string& message);
  // Ends the job. A job marked Stopping ends Stopped whatever `status` says.
  void Finish(const std::string& name, JobStatus status, const std::string& secondary,
              const std::string& message, const std::string& failure_reason,
              const std::vector<std::pair<std::string, double>>& metrics);
  void CleanWorkspace(const std::string& name) const;
  std::string Workspace(std::string_view name) const;

  const TrainingJobServiceOptions options_;
  SystemClock system_clock_;
  const Clock& clock_;
  ObjectStore& store_;
  std::unique_ptr<TrainingJobStore> jobs_;
  int threads_per_job_ = 1;
  JobWorkerPool<> pool_;  // last member: its workers stop before the rest is destroyed
};

}  // namespace kiln
