// TransformJobService: SageMaker batch transform — CreateTransformJob, DescribeTransformJob,
// ListTransformJobs, StopTransformJob — with Kiln's models (the ones CreateModel stores), designed
// like TrainingJobService (src/jobs), with which it shares the bounded pool of worker threads
// (jobs/job_worker_pool.h), the stop and restart rules (jobs/job_status.h, jobs/job_restart.h) and
// the per-job log (jobs/job_log.h); records live in the metadata database (transform_job_store.h).
//
// Life of a job: Create validates the request (transform_request.h), resolves the model (it must
// exist: the job keeps its ModelDataUrl, so deleting the model later does not affect it, as with
// endpoints) and checks that the input and output buckets exist; the job is stored InProgress and
// queued. A worker sets TransformStartTime, loads the model's artifact exactly as endpoints do
// (DeploymentLoader::FetchArtifact + LoadPredictor), runs it (transform_runner.h) and ends it
// Completed or Failed with a FailureReason naming the object and line. `<data_dir>/<job>/
// transform.log` records each object transformed. While it runs, Describe reads the worker's live
// counters, and its progress is stored after each object and at most every progress_interval
// (progress_checkpoint.h), so after a crash the Failed job still shows how far it got.
//
// Stop (only while InProgress, else ValidationException): Stopping; a queued job is Stopped at
// once, a running one at its next mini-batch (no partial .out is written). Restart: jobs a dead
// process left running are Failed ("the Kiln server stopped while the job was running; start it
// again"); queued ones run again; a Stopping job that never started is Stopped. Destroying the
// service fails its running jobs the same way and leaves queued ones for the next Open.
//
// Thread-safe. The worker threads are joined by the destructor; destroy the service before the
// EndpointService, store and database it uses.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"
#include "jobs/job_worker_pool.h"
#include "serve/endpoint_types.h"
#include "transform/transform_job.h"
#include "transform/transform_progress.h"

namespace kiln {

class Database;
class EndpointService;
class ObjectStore;
class TransformJobStore;

struct TransformJobServiceOptions {
  std::string data_dir;         // required: job logs and scratch files in <data_dir>/<job>/
  int max_concurrent_jobs = 2;  // worker threads, 1..64
  int max_workers_per_job = 2;  // threads one job's objects are spread over, 1..64
  std::size_t read_chunk_bytes = 1 << 20;  // bytes read from an input object at a time
  // A running job's progress is stored after each object and at most this often in between
  // (progress_checkpoint.h), so it survives a crash. ≥ 0.
  std::chrono::milliseconds progress_interval{1000};
  std::string account_id = "000000000000";  // 12 digits, in ARNs
  std::string region = "us-east-1";         // in ARNs
  const Clock* clock = nullptr;             // null: the system clock

  Status Validate() const;
};

class TransformJobService {
 public:
  // Applies the "transform" migrations, recovers unfinished jobs (see above) and starts the
  // workers. `db`, `store` and `models` must outlive the service.
  static Result<std::unique_ptr<TransformJobService>> Open(
      const TransformJobServiceOptions& options, Database& db, ObjectStore& store,
      EndpointService& models);
  ~TransformJobService();
  TransformJobService(const TransformJobService&) = delete;
  TransformJobService& operator=(const TransformJobService&) = delete;

  // CreateTransformJob: the job's ARN. InvalidArgument naming the member, an unknown model or a
  // missing bucket; AlreadyExists with reason "ResourceInUse" for a duplicate name.
  Result<std::string> Create(const nlohmann::json& request);
  // DescribeTransformJob, with live progress while it runs. NotFound when absent.
  Result<TransformJobRecord> Describe(std::string_view name);
  // ListTransformJobs (common/list_page.h semantics; status_equals is a JobStatus).
  Result<ListPage<TransformJobRecord>> List(const ListQuery& query);
  // StopTransformJob. NotFound when absent; FailedPrecondition unless InProgress.
  Status Stop(std::string_view name);
  // The job's log so far ("" before a worker starts it). NotFound when the job is absent.
  Result<std::string> Logs(std::string_view name);

  // arn:aws:sagemaker:<region>:<account>:transform-job/<lower-cased name>.
  std::string Arn(std::string_view name) const;
  // Blocks until no job is queued or running; false if `timeout` passes first.
  bool WaitIdle(std::chrono::milliseconds timeout);

 private:
  struct PrivateTag {};

 public:
  // Use Open.
  TransformJobService(PrivateTag, const TransformJobServiceOptions& options, ObjectStore& store,
                      EndpointService& models, std::unique_ptr<TransformJobStore> jobs);

 private:
  std::int64_t NowMs() const;
  Status Recover();
  void RunOne(const std::string& name, RunningJob<TransformCounters>& job);
  // Ends the job (a job marked Stopping ends Stopped unless it failed).
  void Finish(const std::string& name, JobStatus status, const std::string& reason,
              const TransformProgress* progress);
  std::string Workspace(std::string_view name) const;

  const TransformJobServiceOptions options_;
  SystemClock system_clock_;
  const Clock& clock_;
  ObjectStore& store_;
  EndpointService& models_;
  std::unique_ptr<TransformJobStore> jobs_;
  // Last member: its workers stop before the rest is destroyed. A running job's live counters.
  JobWorkerPool<TransformCounters> pool_;
};

}  // namespace kiln
