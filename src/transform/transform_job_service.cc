#include "transform/transform_job_service.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "jobs/bucket_check.h"
#include "jobs/job_control.h"
#include "jobs/job_log.h"
#include "jobs/job_restart.h"
#include "serve/deployment_loader.h"
#include "serve/endpoint_service.h"
#include "serve/predictor.h"
#include "serve/resource_names.h"
#include "store/object_store.h"
#include "transform/progress_checkpoint.h"
#include "transform/transform_job_store.h"
#include "transform/transform_request.h"
#include "transform/transform_runner.h"

namespace kiln {

using nlohmann::json;

Status TransformJobServiceOptions::Validate() const {
  if (data_dir.empty())
    return Status::InvalidArgument("transform jobs: data_dir is required");
  if (max_concurrent_jobs < 1 || max_concurrent_jobs > 64 || max_workers_per_job < 1 ||
      max_workers_per_job > 64) {
    return Status::InvalidArgument(
        "transform jobs: max_concurrent_jobs and max_workers_per_job must be in 1..64");
  }
  if (progress_interval.count() < 0)
    return Status::InvalidArgument("transform jobs: progress_interval must be ≥ 0");
  if (read_chunk_bytes < 1)
    return Status::InvalidArgument("transform jobs: read_chunk_bytes must be ≥ 1");
  if (account_id.size() != 12 || !std::all_of(account_id.begin(), account_id.end(),
                                              [](char c) { return c >= '0' && c <= '9'; })) {
    return Status::InvalidArgument("transform jobs: account_id must be 12 digits");
  }
  if (region.empty())
    return Status::InvalidArgument("transform jobs: region is required");
  return Status::Ok();
}

Result<std::unique_ptr<TransformJobService>> TransformJobService::Open(
    const TransformJobServiceOptions& options, Database& db, ObjectStore& store,
    EndpointService& models) {
  RETURN_IF_ERROR(options.Validate());
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) {
    return Status::IoError("transform jobs: cannot create " + options.data_dir + ": " +
                           ec.message());
  }
  ASSIGN_OR_RETURN(std::unique_ptr<TransformJobStore> jobs, TransformJobStore::Open(db));
  auto service =
      std::make_unique<TransformJobService>(PrivateTag{}, options, store, models, std::move(jobs));
  RETURN_IF_ERROR(service->Recover());
  service->pool_.Start(
      options.max_concurrent_jobs,
      [s = service.get()](const std::string& name, RunningJob<TransformCounters>& job) {
        s->RunOne(name, job);
      });
  return service;
}

TransformJobService::TransformJobService(PrivateTag, const TransformJobServiceOptions& options,
                                         ObjectStore& store, EndpointService& models,
                                         std::unique_ptr<TransformJobStore> jobs)
    : options_(options),
      clock_(options.clock != nullptr ? *options.clock : system_clock_),
      store_(store),
      models_(models),
      jobs_(std::move(jobs)),
      pool_(clock_) {}

TransformJobService::~TransformJobService() = default;

std::int64_t TransformJobService::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now().time_since_epoch())
      .count();
}

std::string TransformJobService::Arn(std::string_view name) const {
  return SageMakerArn(options_.region, options_.account_id, "transform-job", name);
}

std::string TransformJobService::Workspace(std::string_view name) const {
  return options_.data_dir + "/" + std::string(name);
}

Status TransformJobService::Recover() {
  ASSIGN_OR_RETURN(std::vector<std::string> names, jobs_->Unfinished());
  for (const std::string& name : names) {
    bool requeue = false;
    const std::int64_t now = NowMs();
    RETURN_IF_ERROR(jobs_->Update(name, [&](TransformJobRecord* r) {
      const RestartAction action = ActionOnRestart(r->status, r->start_ms.has_value());
      if (action == RestartAction::kRequeue) {
        requeue = true;
        return Status::Ok();
      }
      r->status = action == RestartAction::kFail ? JobStatus::kFailed : JobStatus::kStopped;
      if (action == RestartAction::kFail)
        r->failure_reason = kServerStoppedReason;
      r->end_ms = now;
      r->last_modified_ms = now;
      return Status::Ok();
    }));
    if (requeue) {
      pool_.Enqueue(name);
    } else if (auto log = JobLog::Open(Workspace(name) + "/transform.log", clock_); log.ok()) {
      (*log)->Line(std::string("job marked ended on restart: ") + kServerStoppedReason);
    }
  }
  return Status::Ok();
}

Result<std::string> TransformJobService::Create(const json& request) {
  json normalized;
  ASSIGN_OR_RETURN(TransformJobSpec spec, ParseTransformJobRequest(request, &normalized));
  Result<ModelRecord> model = models_.DescribeModel(spec.model_name);
  if (!model.ok()) {
    if (model.error().code() == StatusCode::kNotFound) {
      return Status::InvalidArgument(
          "Could not find model \"" +
          SageMakerArn(options_.region, options_.account_id, "model", spec.model_name) +
          "\". Create it first with CreateModel.");
    }
    return model.error();
  }
  RETURN_IF_ERROR(
      CheckBucketExists(store_, "TransformInput.DataSource.S3DataSource.S3Uri", spec.input.bucket));
  RETURN_IF_ERROR(CheckBucketExists(store_, "TransformOutput.S3OutputPath", spec.output.bucket));

  TransformJobRecord r;
  r.name = spec.name;
  r.arn = Arn(spec.name);
  r.request_json = normalized.dump(-1, ' ', false, json::error_handler_t::replace);
  r.status = JobStatus::kInProgress;
  r.model_name = spec.model_name;
  r.model_data_url = model->container.model_data_url;
  r.creation_ms = r.last_modified_ms = NowMs();
  RETURN_IF_ERROR(pool_.EnqueueIf(r.name, [&](std::size_t, std::size_t) {
    Status inserted = jobs_->Insert(r);
    if (inserted.code() == StatusCode::kAlreadyExists) {
      return Status::AlreadyExists(
                 "Job name must be unique within an AWS account and region, "
                 "and a transform job with this name already exists (" +
                 r.arn + ")")
          .WithReason("ResourceInUse");
    }
    return inserted;
  }));
  return r.arn;
}

Result<TransformJobRecord> TransformJobService::Describe(std::string_view name) {
  ASSIGN_OR_RETURN(TransformJobRecord r, jobs_->Get(name));
  if (!r.end_ms.has_value())
    pool_.ReadLive(name, [&](const TransformCounters& live) { r.progress = live.Snapshot(); });
  return r;
}

Result<ListPage<TransformJobRecord>> TransformJobService::List(const ListQuery& query) {
  ASSIGN_OR_RETURN(std::vector<TransformJobRecord> all, jobs_->Summaries());
  return PageOf(std::move(all), query, "ListTransformJobs", [](const TransformJobRecord& r) {
    return ListItem{r.name, r.creation_ms, r.last_modified_ms, JobStatusName(r.status)};
  });
}

Status TransformJobService::Stop(std::string_view name) {
  const std::int64_t now = NowMs();
  RETURN_IF_ERROR(jobs_->Update(name, [&](TransformJobRecord* r) {
    RETURN_IF_ERROR(CheckStoppable(r->status, "transform", r->name));
    r->status = JobStatus::kStopping;
    r->last_modified_ms = now;
    return Status::Ok();
  }));
  pool_.Stop(name, [&] { Finish(std::string(name), JobStatus::kStopped, "", nullptr); });
  return Status::Ok();
}

Result<std::string> TransformJobService::Logs(std::string_view name) {
  RETURN_IF_ERROR(jobs_->Get(name).status());
  return ReadJobLog(Workspace(name) + "/transform.log");
}

bool TransformJobService::WaitIdle(std::chrono::milliseconds timeout) {
  return pool_.WaitIdle(timeout);
}

void TransformJobService::Finish(const std::string& name, JobStatus status,
                                 const std::string& reason, const TransformProgress* progress) {
  const std::int64_t now = NowMs();
  (void)jobs_->Update(name, [&](TransformJobRecord* r) {
    if (!IsUnfinished(r->status))
      return Status::Ok();  // already ended
    const bool stopping = r->status == JobStatus::kStopping;
    if (stopping && status != JobStatus::kFailed) {
      r->status = JobStatus::kStopped;
    } else {
      r->status = status;
      r->failure_reason = reason;
    }
    r->end_ms = now;
    r->last_modified_ms = now;
    if (progress != nullptr)
      r->progress = *progress;
    return Status::Ok();
  });
}

void TransformJobService::RunOne(const std::string& name, RunningJob<TransformCounters>& job) {
  auto record = jobs_->Get(name);
  if (!record.ok())
    return;
  if (record->status == JobStatus::kStopping) {
    Finish(name, JobStatus::kStopped, "", nullptr);
    return;
  }
  const std::string workspace = Workspace(name);
  std::error_code ec;
  std::filesystem::create_directories(workspace, ec);
  const std::int64_t start_ms = NowMs();
  (void)jobs_->Update(name, [&](TransformJobRecord* r) {
    r->start_ms = start_ms;
    r->last_modified_ms = start_ms;
    return Status::Ok();
  });
  auto log = JobLog::Open(workspace + "/transform.log", clock_);
  if (!log.ok()) {
    Finish(name, JobStatus::kFailed, "InternalServerError: " + log.error().message(), nullptr);
    return;
  }
  JobLog& job_log = **log;
  job_log.Line("transform job " + name + " (" + record->arn + "), model \"" + record->model_name +
               "\" from " + record->model_data_url);

  ProgressCheckpoint checkpoint(
      job.live, clock_, options_.progress_interval,
      [&](const TransformProgress& progress) { return jobs_->SaveProgress(name, progress); });
  Status outcome = [&]() -> Status {
    json request = json::parse(record->request_json, nullptr, false);
    if (request.is_discarded())
      return Status::Internal("InternalServerError: the stored request does not parse");
    ASSIGN_OR_RETURN(TransformJobSpec spec, ParseTransformJobRequest(request, nullptr));
    DeploymentLoader loader(store_, DeploymentLoaderOptions{workspace});
    Result<std::vector<TarEntry>> files = loader.FetchArtifact(record->model_data_url);
    if (!files.ok()) {
      return Status::FailedPrecondition("ClientError: model \"" + record->model_name +
                                        "\": " + files.error().message());
    }
    Result<std::unique_ptr<const Predictor>> predictor =
        LoadPredictor(*files, PredictorOptions{workspace});
    if (!predictor.ok()) {
      return Status::FailedPrecondition("ClientError: model \"" + record->model_name + "\" (" +
                                        record->model_data_url +
                                        "): " + predictor.error().message());
    }
    job_log.Line("model: " + (*predictor)->Describe());
    TransformRunContext ctx;
    ctx.store = &store_;
    ctx.predictor = predictor->get();
    ctx.control = &job.control;
    ctx.log = &job_log;
    ctx.counters = &job.live;
    ctx.checkpoint = &checkpoint;
    ctx.max_workers = options_.max_workers_per_job;
    ctx.read_chunk_bytes = options_.read_chunk_bytes;
    return RunTransformJob(spec, ctx);
  }();

  const TransformProgress progress = job.live.Snapshot();
  const StopCause cause = job.control.Check();
  if (outcome.ok()) {
    job_log.Line("Completed: " + std::to_string(progress.records_done) + " records in " +
                 std::to_string(progress.objects_done) + " objects");
    Finish(name, JobStatus::kCompleted, "", &progress);
  } else if (cause == StopCause::kShutdown) {
    job_log.Line(std::string("Failed: ") + kServerStoppedReason);
    Finish(name, JobStatus::kFailed, kServerStoppedReason, &progress);
  } else if (outcome.code() == StatusCode::kCancelled || cause != StopCause::kNone) {
    job_log.Line("Stopped: transform job stopped");
    Finish(name, JobStatus::kStopped, "", &progress);
  } else {
    std::string reason = outcome.message();
    if (reason.rfind("ClientError: ", 0) != 0 && reason.rfind("AlgorithmError: ", 0) != 0 &&
        reason.rfind("InternalServerError: ", 0) != 0) {
      const bool client = outcome.code() == StatusCode::kInvalidArgument ||
                          outcome.code() == StatusCode::kFailedPrecondition ||
                          outcome.code() == StatusCode::kNotFound;
      reason = (client ? "ClientError: " : "InternalServerError: ") + reason;
    }
    if (reason.size() > 1024)
      reason = reason.substr(0, 1021) + "...";
    job_log.Line("Failed: " + reason);
    Finish(name, JobStatus::kFailed, reason, &progress);
  }
}

}  // namespace kiln
