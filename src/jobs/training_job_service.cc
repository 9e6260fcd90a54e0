#include "jobs/training_job_service.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "jobs/bucket_check.h"
#include "jobs/job_log.h"
#include "jobs/job_restart.h"
#include "jobs/training_job_store.h"
#include "jobs/training_plan.h"
#include "jobs/training_request.h"
#include "jobs/training_runner.h"
#include "learn/hyperparam_text.h"
#include "store/object_store.h"

namespace kiln {
namespace {

using nlohmann::json;

// Ends the open transition and starts `status`.
void AddTransition(TrainingJobRecord* r, const std::string& status, const std::string& message,
                   std::int64_t now, bool final) {
  if (!r->transitions.empty() && !r->transitions.back().end_ms.has_value())
    r->transitions.back().end_ms = now;
  StatusTransition t{status, now, std::nullopt, message};
  if (final)
    t.end_ms = now;
  r->transitions.push_back(std::move(t));
  r->secondary_status = status;
  r->last_modified_ms = now;
}

}  // namespace

Status TrainingJobServiceOptions::Validate() const {
  if (data_dir.empty())
    return Status::InvalidArgument("training jobs: data_dir is required");
  if (max_concurrent_jobs < 1 || max_concurrent_jobs > 64) {
    return Status::InvalidArgument("training jobs: max_concurrent_jobs must be in 1..64, got " +
                                   std::to_string(max_concurrent_jobs));
  }
  if (threads_per_job < 0)
    return Status::InvalidArgument("training jobs: threads_per_job must be ≥ 0");
  if (account_id.size() != 12 || !std::all_of(account_id.begin(), account_id.end(),
                                              [](char c) { return c >= '0' && c <= '9'; })) {
    return Status::InvalidArgument("training jobs: account_id must be 12 digits, got \"" +
                                   account_id + "\"");
  }
  if (region.empty())
    return Status::InvalidArgument("training jobs: region is required");
  return Status::Ok();
}

Result<std::unique_ptr<TrainingJobService>> TrainingJobService::Open(
    const TrainingJobServiceOptions& options, Database& db, ObjectStore& store) {
  RETURN_IF_ERROR(options.Validate());
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) {
    return Status::IoError("training jobs: cannot create " + options.data_dir + ": " +
                           ec.message());
  }
  ASSIGN_OR_RETURN(std::unique_ptr<TrainingJobStore> jobs, TrainingJobStore::Open(db));
  auto service =
      std::make_unique<TrainingJobService>(PrivateTag{}, options, store, std::move(jobs));
  RETURN_IF_ERROR(service->Recover());
  service->pool_.Start(options.max_concurrent_jobs,
                       [s = service.get()](const std::string& name, RunningJob<>& job) {
                         s->RunOne(name, job.control);
                       });
  return service;
}

TrainingJobService::TrainingJobService(PrivateTag, const TrainingJobServiceOptions& options,
                                       ObjectStore& store, std::unique_ptr<TrainingJobStore> jobs)
    : options_(options),
      clock_(options.clock != nullptr ? *options.clock : system_clock_),
      store_(store),
      jobs_(std::move(jobs)),
      pool_(clock_) {
  threads_per_job_ = options.threads_per_job;
  if (threads_per_job_ == 0) {
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    threads_per_job_ = std::max(1, cores / options.max_concurrent_jobs);
  }
}

TrainingJobService::~TrainingJobService() = default;

std::int64_t TrainingJobService::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now().time_since_epoch())
      .count();
}

std::string TrainingJobService::Arn(std::string_view name) const {
  return "arn:aws:sagemaker:" + options_.region + ":" + options_.account_id + ":training-job/" +
         hp::Lower(name);
}

std::string TrainingJobService::Workspace(std::string_view name) const {
  return options_.data_dir + "/" + std::string(name);
}

void TrainingJobService::CleanWorkspace(const std::string& name) const {
  std::error_code ec;
  for (const char* sub : {"/input", "/model"})
    std::filesystem::remove_all(Workspace(name) + sub, ec);
}

Status TrainingJobService::Recover() {
  ASSIGN_OR_RETURN(std::vector<std::string> names, jobs_->Unfinished());
  for (const std::string& name : names) {
    bool requeue = false;
    const std::int64_t now = NowMs();
    RETURN_IF_ERROR(jobs_->Update(name, [&](TrainingJobRecord* r) {
      const RestartAction action = ActionOnRestart(r->status, r->training_start_ms.has_value());
      if (action == RestartAction::kRequeue) {
        requeue = true;
        return Status::Ok();
      }
      if (action == RestartAction::kStop) {
        r->status = JobStatus::kStopped;
        AddTransition(r, "Stopped", "Training job stopped before it started", now, true);
        return Status::Ok();
      }
      r->status = JobStatus::kFailed;
      r->failure_reason = kServerStoppedReason;
      r->training_end_ms = now;
      AddTransition(r, "Failed",
                    std::string("Training job failed. Reason: ") + kServerStoppedReason, now, true);
      return Status::Ok();
    }));
    if (requeue) {
      pool_.Enqueue(name);
      continue;
    }
    CleanWorkspace(name);
    if (auto log = JobLog::Open(Workspace(name) + "/training.log", clock_); log.ok())
      (*log)->Line(std::string("job marked Failed on restart: ") + kServerStoppedReason);
  }
  return Status::Ok();
}

Result<std::string> TrainingJobService::Create(const json& request) {
  json normalized;
  ASSIGN_OR_RETURN(TrainingJobSpec spec, ParseTrainingJobRequest(request, &normalized));
  RETURN_IF_ERROR(PlanTraining(spec).status());
  RETURN_IF_ERROR(CheckBucketExists(store_, "OutputDataConfig.S3OutputPath", spec.output.bucket));
  for (const ChannelSpec& c : spec.channels) {
    if (c.url.empty())
      RETURN_IF_ERROR(CheckBucketExists(store_, "InputDataConfig channel \"" + c.name + "\" S3Uri",
                                        c.source.bucket));
  }
  TrainingJobRecord r;
  r.name = spec.name;
  r.arn = Arn(spec.name);
  r.request_json = normalized.dump(-1, ' ', false, json::error_handler_t::replace);
  r.status = JobStatus::kInProgress;
  r.model_artifacts = spec.ModelArtifact().Uri();
  r.creation_ms = r.last_modified_ms = NowMs();
  RETURN_IF_ERROR(pool_.EnqueueIf(r.name, [&](std::size_t running, std::size_t queued) {
    const bool pending = running + queued >= static_cast<std::size_t>(options_.max_concurrent_jobs);
    const std::string busy_text =
        std::to_string(running) + " of " + std::to_string(options_.max_concurrent_jobs);
    AddTransition(&r, pending ? "Pending" : "Starting",
                  pending ? "Waiting for a free training slot (" + busy_text + " running, " +
                                std::to_string(queued) + " queued)"
                          : "Preparing the instances for training",
                  r.creation_ms, false);
    Status inserted = jobs_->Insert(r);
    if (inserted.code() == StatusCode::kAlreadyExists) {
      return Status::AlreadyExists(
                 "Training job names must be unique within an AWS account and region, and a "
                 "training job with this name already exists (" +
                 r.arn + ")")
          .WithReason("ResourceInUse");
    }
    return inserted;
  }));
  return r.arn;
}

Result<TrainingJobRecord> TrainingJobService::Describe(std::string_view name) {
  return jobs_->Get(name);
}

Result<ListPage<TrainingJobRecord>> TrainingJobService::List(const ListQuery& query) {
  ASSIGN_OR_RETURN(std::vector<TrainingJobRecord> all, jobs_->Summaries());
  return PageOf(std::move(all), query, "ListTrainingJobs", [](const TrainingJobRecord& j) {
    return ListItem{j.name, j.creation_ms, j.last_modified_ms, JobStatusName(j.status)};
  });
}

Status TrainingJobService::Stop(std::string_view name) {
  const std::int64_t now = NowMs();
  RETURN_IF_ERROR(jobs_->Update(name, [&](TrainingJobRecord* r) {
    RETURN_IF_ERROR(CheckStoppable(r->status, "training", r->name));
    r->status = JobStatus::kStopping;
    AddTransition(r, "Stopping", "Stopping the training job", now, false);
    return Status::Ok();
  }));
  pool_.Stop(name, [&] {
    Finish(std::string(name), JobStatus::kStopped, "Stopped",
           "Training job stopped before it started", "", {});
  });
  return Status::Ok();
}

Result<std::string> TrainingJobService::Logs(std::string_view name) {
  RETURN_IF_ERROR(jobs_->Get(name).status());
  return ReadJobLog(Workspace(name) + "/training.log");
}

bool TrainingJobService::WaitIdle(std::chrono::milliseconds timeout) {
  return pool_.WaitIdle(timeout);
}

void TrainingJobService::Advance(const std::string& name, const std::string& status,
                                 const std::string& message) {
  const std::int64_t now = NowMs();
  (void)jobs_->Update(name, [&](TrainingJobRecord* r) {
    if (r->status == JobStatus::kInProgress)
      AddTransition(r, status, message, now, false);
    return Status::Ok();
  });
}

void TrainingJobService::Finish(const std::string& name, JobStatus status,
                                const std::string& secondary, const std::string& message,
                                const std::string& failure_reason,
                                const std::vector<std::pair<std::string, double>>& metrics) {
  const std::int64_t now = NowMs();
  (void)jobs_->Update(name, [&](TrainingJobRecord* r) {
    if (!IsUnfinished(r->status))
      return Status::Ok();  // already ended
    const bool stopping = r->status == JobStatus::kStopping;
    if (stopping && status != JobStatus::kFailed) {
      r->status = JobStatus::kStopped;
      AddTransition(r, "Stopped", "Training job stopped", now, true);
    } else {
      r->status = status;
      r->failure_reason = failure_reason;
      AddTransition(r, secondary, message, now, true);
    }
    if (r->training_start_ms.has_value())
      r->training_end_ms = now;
    if (r->status == JobStatus::kCompleted) {
      r->final_metrics.clear();
      for (const auto& [metric, value] : metrics)
        r->final_metrics.push_back({metric, value, now});
    }
    return Status::Ok();
  });
}

void TrainingJobService::RunOne(const std::string& name, JobControl& control) {
  auto record = jobs_->Get(name);
  if (!record.ok())
    return;
  if (record->status == JobStatus::kStopping) {
    Finish(name, JobStatus::kStopped, "Stopped", "Training job stopped", "", {});
    return;
  }
  const std::string workspace = Workspace(name);
  std::error_code ec;
  std::filesystem::create_directories(workspace, ec);
  auto log = JobLog::Open(workspace + "/training.log", clock_);
  if (!log.ok()) {
    const std::string reason = "InternalServerError: " + log.error().message();
    Finish(name, JobStatus::kFailed, "Failed", "Training job failed. Reason: " + reason, reason,
           {});
    return;
  }
  JobLog& job_log = **log;
  job_log.Line("training job " + name + " (" + record->arn + ")");

  Result<TrainingJobSpec> spec = Status::Internal("unparsed");
  try {
    spec = ParseTrainingJobRequest(json::parse(record->request_json), nullptr);
  } catch (const json::exception& e) {
    spec = Status::Internal(std::string("the stored request does not parse: ") + e.what());
  }
  Result<TrainingPlan> plan = spec.ok() ? PlanTraining(*spec) : Result<TrainingPlan>(spec.error());

  const auto start = clock_.Now();
  const std::int64_t start_ms = NowMs();
  if (spec.ok())
    control.SetMaxEnd(start + std::chrono::seconds(spec->max_runtime_seconds));
  (void)jobs_->Update(name, [&](TrainingJobRecord* r) {
    r->training_start_ms = start_ms;
    if (r->status == JobStatus::kInProgress && r->secondary_status == "Pending")
      AddTransition(r, "Starting", "Preparing the instances for training", start_ms, false);
    r->last_modified_ms = start_ms;
    return Status::Ok();
  });

  Result<std::vector<std::pair<std::string, double>>> metrics =
      plan.ok() ? Status::Internal("not run") : plan.error();
  if (plan.ok()) {
    RunContext ctx;
    ctx.store = &store_;
    ctx.clock = &clock_;
    ctx.workspace = workspace;
    ctx.threads = threads_per_job_;
    ctx.control = &control;
    ctx.log = &job_log;
    ctx.progress = [&](const std::string& status, const std::string& message) {
      job_log.Line(status + ": " + message);
      Advance(name, status, message);
    };
    metrics = RunTrainingJob(*spec, *plan, ctx);
  }

  // The workspace is cleaned and the log written before the job is marked ended, so whoever sees
  // the final status also sees its final log and no leftover input.
  CleanWorkspace(name);
  const StopCause cause = control.Check();
  if (metrics.ok()) {
    job_log.Line("Completed: training job completed");
    Finish(name, JobStatus::kCompleted, "Completed", "Training job completed", "", *metrics);
  } else if (metrics.error().code() == StatusCode::kCancelled || cause != StopCause::kNone) {
    if (cause == StopCause::kMaxRuntime) {
      const std::string why = "Training job stopped: it ran longer than MaxRuntimeInSeconds (" +
                              std::to_string(spec->max_runtime_seconds) + " s)";
      job_log.Line("MaxRuntimeExceeded: " + why);
      Finish(name, JobStatus::kStopped, "MaxRuntimeExceeded", why, "", {});
    } else if (cause == StopCause::kShutdown) {
      job_log.Line(std::string("Failed: ") + kServerStoppedReason);
      Finish(name, JobStatus::kFailed, "Failed",
             std::string("Training job failed. Reason: ") + kServerStoppedReason,
             kServerStoppedReason, {});
    } else {
      job_log.Line("Stopped: training job stopped");
      Finish(name, JobStatus::kStopped, "Stopped", "Training job stopped", "", {});
    }
  } else {
    const std::string& reason = metrics.error().message();
    job_log.Line("Failed: " + reason);
    Finish(name, JobStatus::kFailed, "Failed", "Training job failed. Reason: " + reason, reason,
           {});
  }
}

}  // namespace kiln
