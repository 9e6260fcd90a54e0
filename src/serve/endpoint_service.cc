#include "serve/endpoint_service.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <filesystem>
#include <set>

#include "serve/data_capture.h"
#include "serve/internal/lifecycle_worker.h"
#include "serve/resource_names.h"
#include "serve/serving_image.h"
#include "store/object_store.h"

namespace kiln {
namespace {

constexpr int kMaxVariants = 10;

Status NotFoundError(std::string_view what, const std::string& arn) {
  return Status::NotFound("Could not find " + std::string(what) + " \"" + arn + "\".");
}

Status ExistsError(std::string_view what, const std::string& arn) {
  return Status::AlreadyExists("Cannot create already existing " + std::string(what) + " \"" + arn +
                               "\".");
}

// Turns a database AlreadyExists (a name differing only in case holds the ARN) into `exists`.
Status InsertResult(const Status& inserted, const Status& exists) {
  if (inserted.code() == StatusCode::kAlreadyExists)
    return exists;
  return inserted;
}

std::string VariantField(std::size_t i, std::string_view member) {
  return "ProductionVariants." + std::to_string(i + 1) + "." + std::string(member);
}

Status CheckDataCapture(const DataCaptureSpec& c, ObjectStore& store) {
  if (c.initial_sampling_percentage < 0 || c.initial_sampling_percentage > 100) {
    return Status::InvalidArgument("DataCaptureConfig.InitialSamplingPercentage " +
                                   std::to_string(c.initial_sampling_percentage) +
                                   " is outside 0..100");
  }
  if (!c.capture_input && !c.capture_output) {
    return Status::InvalidArgument(
        "DataCaptureConfig.CaptureOptions must name Input, Output or both");
  }
  const std::string& uri = c.destination_s3_uri;
  const std::string bucket = uri.starts_with("s3://") ? uri.substr(5, uri.find('/', 5) - 5) : "";
  if (bucket.empty()) {
    return Status::InvalidArgument("DataCaptureConfig.DestinationS3Uri \"" + uri +
                                   "\" is not an S3 URI; use s3://bucket/prefix");
  }
  Result<BucketInfo> found = store.GetBucket(bucket);
  if (!found.ok()) {
    if (found.error().code() == StatusCode::kNotFound) {
      return Status::InvalidArgument("DataCaptureConfig.DestinationS3Uri " + uri + ": the bucket " +
                                     bucket + " does not exist; create it first");
    }
    return found.error();
  }
  return Status::Ok();
}

}  // namespace

Status EndpointServiceOptions::Validate() const {
  if (scratch_dir.empty())
    return Status::InvalidArgument("EndpointServiceOptions.scratch_dir is required");
  if (account_id.size() != 12 || account_id.find_first_not_of("0123456789") != std::string::npos) {
    return Status::InvalidArgument("EndpointServiceOptions.account_id \"" + account_id +
                                   "\" is not a 12-digit account id");
  }
  if (region.empty())
    return Status::InvalidArgument("EndpointServiceOptions.region is required");
  if (instance_retry_interval.count() < 1)
    return Status::InvalidArgument(
        "EndpointServiceOptions.instance_retry_interval must be positive");
  if (max_payload_bytes == 0 || max_artifact_bytes == 0 || max_instances_per_variant < 1)
    return Status::InvalidArgument("EndpointServiceOptions: limits must be positive");
  if (load_window.count() < 2 || cold_start_timeout.count() < 0 || max_consecutive_faults < 1 ||
      capture_flush_interval.count() < 1) {
    return Status::InvalidArgument(
        "EndpointServiceOptions: load_window must be at least 2 s, cold_start_timeout >= 0, "
        "max_consecutive_faults >= 1 and capture_flush_interval positive");
  }
  return Status::Ok();
}

Result<std::unique_ptr<EndpointService>> EndpointService::Open(Database& db, ObjectStore& store,
                                                               EndpointServiceOptions options) {
  RETURN_IF_ERROR(options.Validate());
  std::error_code ec;
  std::filesystem::create_directories(options.scratch_dir, ec);
  if (ec) {
    return Status::IoError("cannot create the serving scratch dir " + options.scratch_dir + ": " +
                           ec.message());
  }
  ASSIGN_OR_RETURN(std::unique_ptr<EndpointStore> records, EndpointStore::Open(db));
  ASSIGN_OR_RETURN(std::vector<EndpointRecord> endpoints, records->ListEndpoints());
  for (const EndpointRecord& e : endpoints) {
    if (e.status != EndpointStatus::kInService)
      continue;
    // Nothing serves it until the worker has loaded it again.
    RETURN_IF_ERROR(records->UpdateEndpoint(e.name, [](EndpointRecord* r) {
      if (r->status == EndpointStatus::kInService)
        r->status = EndpointStatus::kSystemUpdating;
      return Status::Ok();
    }));
  }
  auto service = std::make_unique<EndpointService>(PrivateTag(), store, std::move(options),
                                                   std::move(records));
  for (const EndpointRecord& e : endpoints) {
    if (e.status != EndpointStatus::kFailed)
      service->worker_->Enqueue(e.name);
  }
  return service;
}

EndpointService::EndpointService(PrivateTag, ObjectStore& store, EndpointServiceOptions options,
                                 std::unique_ptr<EndpointStore> records)
    : store_(store),
      options_(std::move(options)),
      clock_(options_.clock != nullptr ? *options_.clock : system_clock_),
      records_(std::move(records)),
      loader_(store, DeploymentLoaderOptions{options_.scratch_dir, options_.max_artifact_bytes}),
      live_(std::make_shared<const LiveMap>()),
      capture_(std::make_unique<CaptureWriter>(store, clock_, options_.capture_flush_interval,
                                               options_.capture_max_buffered_bytes)),
      instance_worker_(std::make_unique<serve_internal::LifecycleWorker>(
          [this](const std::string& key) { ReconcileVariant(key); })),
      worker_(std::make_unique<serve_internal::LifecycleWorker>(
          [this](const std::string& name) { ProcessEndpoint(name); })),
      retry_thread_([this](std::stop_token stop) {
        std::mutex mu;
        std::condition_variable_any wake;
        std::unique_lock<std::mutex> lock(mu);
        while (!stop.stop_requested()) {
          wake.wait_for(lock, stop, options_.instance_retry_interval, [] { return false; });
          if (!stop.stop_requested())
            RetryShortVariants();
        }
      }) {}

EndpointService::~EndpointService() {
  retry_thread_.request_stop();
  retry_thread_.join();
  worker_.reset();
  instance_worker_.reset();
  capture_.reset();
}

std::int64_t EndpointService::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now().time_since_epoch())
      .count();
}

std::string EndpointService::Arn(std::string_view type, std::string_view name) const {
  return SageMakerArn(options_.region, options_.account_id, type, name);
}

void EndpointService::WaitIdle() {
  worker_->WaitIdle();
  instance_worker_->WaitIdle();
}

Status EndpointService::FlushCapture() { return capture_->Flush(); }

// ---- models ----

Result<ModelRecord> EndpointService::CreateModel(ModelRecord m) {
  RETURN_IF_ERROR(CheckResourceName("modelName", m.name));
  const std::string prefix = m.as_containers_list ? "Containers.1." : "PrimaryContainer.";
  const ContainerSpec& c = m.container;
  if (c.image.empty())
    return Status::InvalidArgument(prefix + "Image is required: name a built-in algorithm image");
  RETURN_IF_ERROR(ResolveServingImage(prefix + "Image", c.image).status());
  if (!c.mode.empty() && c.mode != "SingleModel") {
    return Status::InvalidArgument(prefix + "Mode \"" + c.mode +
                                   "\" is not supported; Kiln serves SingleModel containers");
  }
  if (c.model_data_url.empty()) {
    return Status::InvalidArgument(prefix +
                                   "ModelDataUrl is required: built-in algorithms load their "
                                   "model from a model.tar.gz in S3");
  }
  ASSIGN_OR_RETURN(S3ObjectRef loc, ParseS3ObjectUrl(prefix + "ModelDataUrl", c.model_data_url));
  Result<ObjectInfo> head = store_.HeadObject(loc.bucket, loc.key);
  if (!head.ok()) {
    if (head.error().code() == StatusCode::kNotFound) {
      return Status::InvalidArgument("Could not find model data at " + c.model_data_url + ": " +
                                     head.error().message());
    }
    return head.error();
  }
  m.arn = Arn("model", m.name);
  std::lock_guard<std::mutex> lock(control_mu_);
  m.creation_ms = NowMs();
  ASSIGN_OR_RETURN(std::optional<ModelRecord> existing, records_->FindModel(m.name));
  if (existing)
    return ExistsError("model", m.arn);
  RETURN_IF_ERROR(InsertResult(records_->InsertModel(m), ExistsError("model", m.arn)));
  return m;
}

Result<ModelRecord> EndpointService::DescribeModel(std::string_view name) {
  ASSIGN_OR_RETURN(std::optional<ModelRecord> m, records_->FindModel(name));
  if (!m)
    return NotFoundError("model", Arn("model", name));
  return std::move(*m);
}

Status EndpointService::DeleteModel(std::string_view name) {
  std::lock_guard<std::mutex> lock(control_mu_);
  ASSIGN_OR_RETURN(bool removed, records_->DeleteModel(name));
  return removed ? Status::Ok() : NotFoundError("model", Arn("model", name));
}

Result<ListPage<ModelRecord>> EndpointService::ListModels(const ListQuery& query) {
  ASSIGN_OR_RETURN(std::vector<ModelRecord> all, records_->ListModels());
  return PageOf(std::move(all), query, "ListModels", [](const ModelRecord& m) {
    return ListItem{m.name, m.creation_ms, m.creation_ms, ""};
  });
}

// ---- endpoint configs ----

Result<EndpointConfigRecord> EndpointService::CreateEndpointConfig(EndpointConfigRecord c) {
  RETURN_IF_ERROR(CheckResourceName("endpointConfigName", c.name));
  if (c.variants.empty() || c.variants.size() > kMaxVariants) {
    return Status::InvalidArgument("ProductionVariants must hold 1 to " +
                                   std::to_string(kMaxVariants) + " variants, not " +
                                   std::to_string(c.variants.size()));
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < c.variants.size(); ++i) {
    VariantSpec& v = c.variants[i];
    RETURN_IF_ERROR(CheckResourceName("variantName", v.variant_name));
    if (!names.insert(v.variant_name).second) {
      return Status::InvalidArgument("VariantName \"" + v.variant_name +
                                     "\" appears more than once; variant names must be unique");
    }
    RETURN_IF_ERROR(CheckResourceName("modelName", v.model_name));
    if (v.serverless_memory_mb.has_value() || v.serverless_max_concurrency.has_value())
      v.initial_instance_count = std::max(1, v.initial_instance_count);
    // 0 is a Kiln extension: the variant starts scaled to zero.
    if (v.initial_instance_count < 0 ||
        v.initial_instance_count > options_.max_instances_per_variant) {
      return Status::InvalidArgument(VariantField(i, "InitialInstanceCount") + " " +
                                     std::to_string(v.initial_instance_count) + " is outside 0.." +
                                     std::to_string(options_.max_instances_per_variant));
    }
    if (!std::isfinite(v.initial_variant_weight) || v.initial_variant_weight < 0) {
      return Status::InvalidArgument(VariantField(i, "InitialVariantWeight") +
                                     " must be a number >= 0");
    }
    ASSIGN_OR_RETURN(std::optional<ModelRecord> model, records_->FindModel(v.model_name));
    if (!model)
      return NotFoundError("model", Arn("model", v.model_name));
  }
  if (c.data_capture)
    RETURN_IF_ERROR(CheckDataCapture(*c.data_capture, store_));
  c.arn = Arn("endpoint-config", c.name);
  std::lock_guard<std::mutex> lock(control_mu_);
  c.creation_ms = NowMs();
  ASSIGN_OR_RETURN(std::optional<EndpointConfigRecord> existing, records_->FindConfig(c.name));
  if (existing)
    return ExistsError("endpoint configuration", c.arn);
  RETURN_IF_ERROR(
      InsertResult(records_->InsertConfig(c), ExistsError("endpoint configuration", c.arn)));
  return c;
}

Result<EndpointConfigRecord> EndpointService::DescribeEndpointConfig(std::string_view name) {
  ASSIGN_OR_RETURN(std::optional<EndpointConfigRecord> c, records_->FindConfig(name));
  if (!c)
    return NotFoundError("endpoint configuration", Arn("endpoint-config", name));
  return std::move(*c);
}

Status EndpointService::DeleteEndpointConfig(std::string_view name) {
  std::lock_guard<std::mutex> lock(control_mu_);
  ASSIGN_OR_RETURN(bool removed, records_->DeleteConfig(name));
  return removed ? Status::Ok()
                 : NotFoundError("endpoint configuration", Arn("endpoint-config", name));
}

Result<ListPage<EndpointConfigRecord>> EndpointService::ListEndpointConfigs(
    const ListQuery& query) {
  ASSIGN_OR_RETURN(std::vector<EndpointConfigRecord> all, records_->ListConfigs());
  return PageOf(std::move(all), query, "ListEndpointConfigs", [](const EndpointConfigRecord& c) {
    return ListItem{c.name, c.creation_ms, c.creation_ms, ""};
  });
}

// ---- endpoints ----

Result<EndpointSpec> EndpointService::ResolveConfig(std::string_view config_name) {
  ASSIGN_OR_RETURN(EndpointConfigRecord config, DescribeEndpointConfig(config_name));
  EndpointSpec spec;
  spec.config_name = config.name;
  for (const VariantSpec& v : config.variants) {
    ASSIGN_OR_RETURN(ModelRecord model, DescribeModel(v.model_name));
    DeployedVariant dv;
    dv.variant_name = v.variant_name;
    dv.model_name = model.name;
    dv.container = model.container;
    dv.instance_type = v.instance_type;
    dv.instance_count = v.initial_instance_count;
    dv.weight = v.initial_variant_weight;
    spec.variants.push_back(std::move(dv));
  }
  spec.data_capture = config.data_capture;
  return spec;
}

Result<EndpointRecord> EndpointService::FindEndpointOrError(std::string_view name) {
  ASSIGN_OR_RETURN(std::optional<EndpointRecord> e, records_->FindEndpoint(name));
  if (!e)
    return NotFoundError("endpoint", Arn("endpoint", name));
  return std::move(*e);
}

Result<EndpointRecord> EndpointService::CreateEndpoint(std::string_view name,
                                                       std::string_view config_name,
                                                       KeyValues tags) {
  RETURN_IF_ERROR(CheckResourceName("endpointName", name));
  RETURN_IF_ERROR(CheckResourceName("endpointConfigName", config_name));
  EndpointRecord e;
  e.name = std::string(name);
  e.arn = Arn("endpoint", name);
  e.tags = std::move(tags);
  std::lock_guard<std::mutex> lock(control_mu_);
  ASSIGN_OR_RETURN(std::optional<EndpointRecord> existing, records_->FindEndpoint(name));
  if (existing)
    return ExistsError("endpoint", e.arn);
  ASSIGN_OR_RETURN(e.current, ResolveConfig(config_name));
  e.status = EndpointStatus::kCreating;
  e.generation = 1;
  e.creation_ms = e.last_modified_ms = NowMs();
  RETURN_IF_ERROR(InsertResult(records_->InsertEndpoint(e), ExistsError("endpoint", e.arn)));
  worker_->Enqueue(e.name);
  return e;
}

Result<EndpointRecord> EndpointService::DescribeEndpoint(std::string_view name) {
  // Under the control mutex: a commit writes the record and publishes its deployment under it, so
  // an endpoint Described as InService on a config also serves it.
  std::lock_guard<std::mutex> lock(control_mu_);
  ASSIGN_OR_RETURN(EndpointRecord e, FindEndpointOrError(name));
  if (const std::shared_ptr<const Deployment> live = LiveDeployment(name)) {
    for (DeployedVariant& v : e.current.variants) {
      if (std::optional<std::size_t> i = live->Find(v.variant_name)) {
        const VariantDeployment& d = live->variants()[*i];
        v.live_instances = d.live->live();
        v.live_desired_instances = d.live->desired();
        v.weight = d.weight;
      }
    }
  }
  return e;
}

namespace {

Status RequireInService(const EndpointRecord& e, std::string_view operation) {
  switch (e.status) {
    case EndpointStatus::kInService:
      return Status::Ok();
    case EndpointStatus::kFailed:
      return Status::InvalidArgument(std::string(operation) + ": endpoint \"" + e.arn +
                                     "\" is Failed (" + e.failure_reason +
                                     "); delete it and create it again.");
    default:
      return Status::InvalidArgument("Cannot update in-progress endpoint \"" + e.arn + "\".");
  }
}

}  // namespace

Result<EndpointRecord> EndpointService::UpdateEndpoint(std::string_view name,
                                                       std::string_view config_name) {
  RETURN_IF_ERROR(CheckResourceName("endpointConfigName", config_name));
  std::lock_guard<std::mutex> lock(control_mu_);
  ASSIGN_OR_RETURN(EndpointRecord found, FindEndpointOrError(name));
  RETURN_IF_ERROR(RequireInService(found, "UpdateEndpoint"));
  ASSIGN_OR_RETURN(EndpointSpec spec, ResolveConfig(config_name));
  return StartUpdate(name, "UpdateEndpoint", spec, PendingKind::kConfig);
}

Result<EndpointRecord> EndpointService::UpdateEndpointWeightsAndCapacities(
    std::string_view name, const std::vector<DesiredVariantCapacity>& desired) {
  if (desired.empty())
    return Status::InvalidArgument("DesiredWeightsAndCapacities must name at least one variant");
  std::lock_guard<std::mutex> lock(control_mu_);
  ASSIGN_OR_RETURN(EndpointRecord found, FindEndpointOrError(name));
  RETURN_IF_ERROR(RequireInService(found, "UpdateEndpointWeightsAndCapacities"));
  EndpointSpec spec = found.current;
  for (std::size_t i = 0; i < desired.size(); ++i) {
    const DesiredVariantCapacity& d = desired[i];
    const std::string field = "DesiredWeightsAndCapacities." + std::to_string(i + 1) + ".";
    auto it =
        std::find_if(spec.variants.begin(), spec.variants.end(),
                     [&](const DeployedVariant& v) { return v.variant_name == d.variant_name; });
    if (it == spec.variants.end()) {
      return Status::InvalidArgument("The variant \"" + d.variant_name +
                                     "\" does not exist in endpoint \"" + found.arn + "\".");
    }
    if (d.weight) {
      if (!std::isfinite(*d.weight) || *d.weight < 0)
        return Status::InvalidArgument(field + "DesiredWeight must be a number >= 0");
      it->weight = *d.weight;
    }
    if (d.instance_count) {
      if (*d.instance_count < 0 || *d.instance_count > options_.max_instances_per_variant) {
        return Status::InvalidArgument(field + "DesiredInstanceCount " +
                                       std::to_string(*d.instance_count) + " is outside 0.." +
                                       std::to_string(options_.max_instances_per_variant));
      }
      it->instance_count = *d.instance_count;
    }
  }
  // Live: weights swap in a Deployment over the same instances; counts go to the variants.
  const std::int64_t now = NowMs();
  EndpointRecord out;
  RETURN_IF_ERROR(records_->UpdateEndpoint(name, [&](EndpointRecord* e) {
    RETURN_IF_ERROR(RequireInService(*e, "UpdateEndpointWeightsAndCapacities"));
    for (DeployedVariant& v : e->current.variants) {
      for (const DeployedVariant& n : spec.variants) {
        if (n.variant_name == v.variant_name) {
          v.weight = n.weight;
          v.instance_count = n.instance_count;
        }
      }
    }
    e->last_modified_ms = now;
    out = *e;
    return Status::Ok();
  }));
  if (const std::shared_ptr<const Deployment> live = LiveDeployment(name)) {
    std::vector<double> weights;
    for (const VariantDeployment& v : live->variants()) {
      double w = v.weight;
      for (const DeployedVariant& n : spec.variants) {
        if (n.variant_name == v.name) {
          w = n.weight;
          v.live->SetDesired(n.instance_count);
        }
      }
      weights.push_back(w);
    }
    Publish(out.name, live->WithWeights(weights, NextSeed()));
  }
  return out;
}

Result<EndpointRecord> EndpointService::StartUpdate(std::string_view name,
                                                    std::string_view operation,
                                                    const EndpointSpec& spec, PendingKind kind) {
  const std::int64_t now = NowMs();
  EndpointRecord out;
  RETURN_IF_ERROR(records_->UpdateEndpoint(name, [&](EndpointRecord* e) {
    RETURN_IF_ERROR(RequireInService(*e, operation));
    e->status = EndpointStatus::kUpdating;
    e->pending = spec;
    e->pending_kind = kind;
    e->pending_start_ms = now;
    e->last_modified_ms = now;
    ++e->generation;
    out = *e;
    return Status::Ok();
  }));
  worker_->Enqueue(out.name);
  return out;
}

Status EndpointService::DeleteEndpoint(std::string_view name) {
  std::lock_guard<std::mutex> lock(control_mu_);
  ASSIGN_OR_RETURN(EndpointRecord found, FindEndpointOrError(name));
  const std::int64_t now = NowMs();
  RETURN_IF_ERROR(records_->UpdateEndpoint(name, [&](EndpointRecord* e) {
    e->status = EndpointStatus::kDeleting;
    e->last_modified_ms = now;
    ++e->generation;
    return Status::Ok();
  }));
  Unpublish(found.name);
  worker_->Enqueue(found.name);
  return Status::Ok();
}

Result<ListPage<EndpointRecord>> EndpointService::ListEndpoints(const ListQuery& query) {
  ASSIGN_OR_RETURN(std::vector<EndpointRecord> all, records_->ListEndpoints());
  return PageOf(std::move(all), query, "ListEndpoints", [](const EndpointRecord& e) {
    return ListItem{e.name, e.creation_ms, e.last_modified_ms, EndpointStatusName(e.status)};
  });
}

// ---- the live map ----

void EndpointService::Publish(const std::string& name,
                              std::shared_ptr<const Deployment> deployment) {
  const std::shared_ptr<const LiveMap> map = live_.load();
  if (auto it = map->find(name); it != map->end()) {
    const Deployment* next = deployment.get();
    const std::shared_ptr<const Deployment> old = it->second->deployment.exchange(deployment);
    RetireReplaced(old.get(), next);
    return;
  }
  auto entry = std::make_shared<LiveEndpoint>();
  entry->deployment.store(std::move(deployment));
  auto copy = std::make_shared<LiveMap>(*map);
  copy->emplace(name, std::move(entry));
  live_.store(std::move(copy));
}

void EndpointService::Unpublish(const std::string& name) {
  const std::shared_ptr<const LiveMap> map = live_.load();
  const auto it = map->find(name);
  if (it == map->end())
    return;
  const std::shared_ptr<const Deployment> old = it->second->deployment.load();
  auto copy = std::make_shared<LiveMap>(*map);
  copy->erase(name);
  live_.store(std::move(copy));
  RetireReplaced(old.get(), nullptr);
}

void EndpointService::RetireReplaced(const Deployment* old, const Deployment* next) {
  if (old == nullptr)
    return;
  for (const VariantDeployment& v : old->variants()) {
    const bool kept = next != nullptr &&
                      std::any_of(next->variants().begin(), next->variants().end(),
                                  [&](const VariantDeployment& n) { return n.live == v.live; });
    if (!kept)
      v.live->Retire();
  }
}

std::shared_ptr<const Deployment> EndpointService::LiveDeployment(std::string_view name) const {
  const std::shared_ptr<const LiveMap> map = live_.load(std::memory_order_acquire);
  const auto it = map->find(name);
  if (it == map->end())
    return nullptr;
  return it->second->deployment.load(std::memory_order_acquire);
}

}  // namespace kiln
