#include "transform/transform_job_service.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/file_util.h"
#include "jobs/job_control.h"
#include "jobs/job_log.h"
#include "serve/deployment_loader.h"
#include "serve/endpoint_service.h"
#include "serve/predictor.h"
#include "serve/resource_list.h"
#include "serve/resource_names.h"
#include "store/object_store.h"
#include "transform/transform_job_store.h"
#include "transform/transform_request.h"
#include "transform/transform_runner.h"

namespace kiln {

// The live state of a running job: how to stop it and how far it got.
struct TransformRunState {
  explicit TransformRunState(const Clock& clock) : control(clock) {}
  JobControl control;
  TransformCounters counters;
};

namespace {

using nlohmann::json;

constexpr const char* kServerStopped =
    "the Kiln server stopped while the job was running; start it again";

Status CheckBucket(ObjectStore& store, const std::string& field, const std::string& bucket) {
  auto got = store.GetBucket(bucket);
  if (got.ok())
    return Status::Ok();
  if (got.error().code() == StatusCode::kNotFound || got.error().reason() == "NoSuchBucket" ||
      got.error().reason() == "InvalidBucketName") {
    return Status::InvalidArgument(field + ": bucket \"" + bucket +
                                   "\" does not exist in Kiln's store; create it first (aws s3 mb "
                                   "s3://" +
                                   bucket + ")");
  }
  return got.error();
}

}  // namespace

Status TransformJobServiceOptions::Validate() const {
  if (data_dir.empty())
    return Status::InvalidArgument("transform jobs: data_dir is required");
  if (max_concurrent_jobs < 1 || max_concurrent_jobs > 64 || max_workers_per_job < 1 ||
      max_workers_per_job > 64) {
    return Status::InvalidArgument(
        "transform jobs: max_concurrent_jobs and max_workers_per_job must be in 1..64");
  }
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
  for (int i = 0; i < options.max_concurrent_jobs; ++i) {
    service->workers_.emplace_back(
        [s = service.get()](std::stop_token stop) { s->WorkerLoop(stop); });
  }
  return service;
}

TransformJobService::TransformJobService(PrivateTag, const TransformJobServiceOptions& options,
                                         ObjectStore& store, EndpointService& models,
                                         std::unique_ptr<TransformJobStore> jobs)
    : options_(options),
      clock_(options.clock != nullptr ? *options.clock : system_clock_),
      store_(store),
      models_(models),
      jobs_(std::move(jobs)) {}

TransformJobService::~TransformJobService() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutting_down_ = true;
    for (auto& [name, state] : running_)
      state->control.RequestStop(StopCause::kShutdown);
  }
  for (std::jthread& w : workers_)
    w.request_stop();
  workers_.clear();  // joins
}

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
      const bool started = r->start_ms.has_value();
      if (!started && r->status == TransformJobStatus::kInProgress) {
        requeue = true;
        return Status::Ok();
      }
      r->status = started ? TransformJobStatus::kFailed : TransformJobStatus::kStopped;
      if (started)
        r->failure_reason = kServerStopped;
      r->end_ms = now;
      r->last_modified_ms = now;
      return Status::Ok();
    }));
    if (requeue) {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(name);
    } else if (auto log = JobLog::Open(Workspace(name) + "/transform.log", clock_); log.ok()) {
      (*log)->Line(std::string("job marked ended on restart: ") + kServerStopped);
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
      CheckBucket(store_, "TransformInput.DataSource.S3DataSource.S3Uri", spec.input.bucket));
  RETURN_IF_ERROR(CheckBucket(store_, "TransformOutput.S3OutputPath", spec.output.bucket));

  TransformJobRecord r;
  r.name = spec.name;
  r.arn = Arn(spec.name);
  r.request_json = normalized.dump(-1, ' ', false, json::error_handler_t::replace);
  r.status = TransformJobStatus::kInProgress;
  r.model_name = spec.model_name;
  r.model_data_url = model->container.model_data_url;
  r.creation_ms = r.last_modified_ms = NowMs();
  {
    std::lock_guard<std::mutex> lock(mu_);
    Status inserted = jobs_->Insert(r);
    if (inserted.code() == StatusCode::kAlreadyExists) {
      return Status::AlreadyExists(
                 "Job name must be unique within an AWS account and region, "
                 "and a transform job with this name already exists (" +
                 r.arn + ")")
          .WithReason("ResourceInUse");
    }
    RETURN_IF_ERROR(inserted);
    queue_.push_back(r.name);
  }
  cv_.notify_all();
  return r.arn;
}

Result<TransformJobRecord> TransformJobService::Describe(std::string_view name) {
  ASSIGN_OR_RETURN(TransformJobRecord r, jobs_->Get(name));
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = running_.find(name); it != running_.end() && !r.end_ms.has_value())
    r.progress = it->second->counters.Snapshot();
  return r;
}

Result<ListPage<TransformJobRecord>> TransformJobService::List(const ListQuery& query) {
  ASSIGN_OR_RETURN(std::vector<TransformJobRecord> all, jobs_->Summaries());
  return PageOf(std::move(all), query, "ListTransformJobs", [](const TransformJobRecord& r) {
    return ListItem{r.name, r.creation_ms, r.last_modified_ms, TransformJobStatusName(r.status)};
  });
}

Status TransformJobService::Stop(std::string_view name) {
  const std::int64_t now = NowMs();
  RETURN_IF_ERROR(jobs_->Update(name, [&](TransformJobRecord* r) {
    if (r->status != TransformJobStatus::kInProgress) {
      return Status::FailedPrecondition("The transform job \"" + r->name + "\" is " +
                                        TransformJobStatusName(r->status) +
                                        "; only an InProgress job can be stopped.");
    }
    r->status = TransformJobStatus::kStopping;
    r->last_modified_ms = now;
    return Status::Ok();
  }));
  bool was_queued = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = std::find(queue_.begin(), queue_.end(), name);
    if (it != queue_.end()) {
      queue_.erase(it);
      was_queued = true;
    } else if (auto run = running_.find(name); run != running_.end()) {
      run->second->control.RequestStop(StopCause::kUser);
    }
  }
  if (was_queued) {
    Finish(std::string(name), TransformJobStatus::kStopped, "", nullptr);
    cv_.notify_all();
  }
  return Status::Ok();
}

Result<std::string> TransformJobService::Logs(std::string_view name) {
  RETURN_IF_ERROR(jobs_->Get(name).status());
  auto text = ReadFile(Workspace(name) + "/transform.log");
  if (!text.ok() && text.error().code() == StatusCode::kNotFound)
    return std::string();
  return text;
}

bool TransformJobService::WaitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return queue_.empty() && running_.empty(); });
}

void TransformJobService::WorkerLoop(std::stop_token stop) {
  while (true) {
    std::string name;
    std::shared_ptr<TransformRunState> state;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, stop, [&] { return shutting_down_ || !queue_.empty(); });
      if (stop.stop_requested() || shutting_down_)
        return;
      name = queue_.front();
      queue_.pop_front();
      state = std::make_shared<TransformRunState>(clock_);
      running_[name] = state;
    }
    RunOne(name, *state);
    {
      std::lock_guard<std::mutex> lock(mu_);
      running_.erase(name);
    }
    cv_.notify_all();
  }
}

void TransformJobService::Finish(const std::string& name, TransformJobStatus status,
                                 const std::string& reason, const TransformProgress* progress) {
  const std::int64_t now = NowMs();
  (void)jobs_->Update(name, [&](TransformJobRecord* r) {
    if (r->status != TransformJobStatus::kInProgress && r->status != TransformJobStatus::kStopping)
      return Status::Ok();  // already ended
    const bool stopping = r->status == TransformJobStatus::kStopping;
    if (stopping && status != TransformJobStatus::kFailed) {
      r->status = TransformJobStatus::kStopped;
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

void TransformJobService::RunOne(const std::string& name, TransformRunState& state) {
  auto record = jobs_->Get(name);
  if (!record.ok())
    return;
  if (record->status == TransformJobStatus::kStopping) {
    Finish(name, TransformJobStatus::kStopped, "", nullptr);
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
    Finish(name, TransformJobStatus::kFailed, "InternalServerError: " + log.error().message(),
           nullptr);
    return;
  }
  JobLog& job_log = **log;
  job_log.Line("transform job " + name + " (" + record->arn + "), model \"" + record->model_name +
               "\" from " + record->model_data_url);

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
    ctx.control = &state.control;
    ctx.log = &job_log;
    ctx.counters = &state.counters;
    ctx.max_workers = options_.max_workers_per_job;
    ctx.read_chunk_bytes = options_.read_chunk_bytes;
    return RunTransformJob(spec, ctx);
  }();

  const TransformProgress progress = state.counters.Snapshot();
  const StopCause cause = state.control.Check();
  if (outcome.ok()) {
    job_log.Line("Completed: " + std::to_string(progress.records_done) + " records in " +
                 std::to_string(progress.objects_done) + " objects");
    Finish(name, TransformJobStatus::kCompleted, "", &progress);
  } else if (cause == StopCause::kShutdown) {
    job_log.Line(std::string("Failed: ") + kServerStopped);
    Finish(name, TransformJobStatus::kFailed, kServerStopped, &progress);
  } else if (outcome.code() == StatusCode::kCancelled || cause != StopCause::kNone) {
    job_log.Line("Stopped: transform job stopped");
    Finish(name, TransformJobStatus::kStopped, "", &progress);
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
    Finish(name, TransformJobStatus::kFailed, reason, &progress);
  }
}

}  // namespace kiln
