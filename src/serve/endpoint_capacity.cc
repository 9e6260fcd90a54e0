// EndpointService's live capacity (see endpoint_service.h): building LiveVariants, the instance
// worker's reconciles, SetVariantCapacity, GetVariantLoad for the autoscaler, and the metrics
// snapshots behind /metrics and the JSON metrics API.
#include <algorithm>

#include "serve/endpoint_service.h"
#include "serve/internal/lifecycle_worker.h"

namespace kiln {
namespace {

std::string VariantKey(std::string_view endpoint, std::string_view variant) {
  return std::string(endpoint) + "\n" + std::string(variant);
}

Status VariantNotFound(std::string_view variant, const std::string& endpoint_arn) {
  return Status::NotFound("The variant \"" + std::string(variant) +
                          "\" does not exist in endpoint \"" + endpoint_arn + "\".");
}

}  // namespace

std::shared_ptr<VariantStats> EndpointService::StatsFor(const std::string& endpoint,
                                                        const std::string& variant) {
  std::lock_guard<std::mutex> lock(stats_mu_);
  std::shared_ptr<VariantStats>& stats = stats_[endpoint][variant];
  if (stats == nullptr)
    stats = std::make_shared<VariantStats>(options_.load_window);
  return stats;
}

void EndpointService::ForgetStats(const std::string& endpoint) {
  std::lock_guard<std::mutex> lock(stats_mu_);
  stats_.erase(endpoint);
}

std::shared_ptr<LiveVariant> EndpointService::MakeVariant(const std::string& endpoint,
                                                          const DeployedVariant& variant,
                                                          PredictorFactory factory) {
  LiveVariantOptions o;
  o.cold_start_timeout = options_.cold_start_timeout;
  o.max_consecutive_faults = options_.max_consecutive_faults;
  const std::string key = VariantKey(endpoint, variant.variant_name);
  return std::make_shared<LiveVariant>(variant.variant_name, std::move(factory),
                                       StatsFor(endpoint, variant.variant_name), clock_, o,
                                       [this, key] { instance_worker_->Enqueue(key); });
}

Result<std::shared_ptr<const Deployment>> EndpointService::LoadSpec(const std::string& endpoint,
                                                                    const EndpointSpec& spec) {
  return loader_.Load(spec, NextSeed(), [&](const DeployedVariant& v, PredictorFactory factory) {
    return MakeVariant(endpoint, v, std::move(factory));
  });
}

void EndpointService::ReconcileVariant(const std::string& key) {
  const std::size_t split = key.find('\n');
  const std::shared_ptr<const Deployment> deployment = LiveDeployment(key.substr(0, split));
  if (deployment == nullptr)
    return;
  if (std::optional<std::size_t> i = deployment->Find(key.substr(split + 1))) {
    // A failed load is counted by the variant; held requests and the next change retry it.
    (void)deployment->variants()[*i].live->Reconcile();
  }
}

void EndpointService::RetryShortVariants() {
  const std::shared_ptr<const LiveMap> map = live_.load(std::memory_order_acquire);
  for (const auto& [name, entry] : *map) {
    const std::shared_ptr<const Deployment> d = entry->deployment.load();
    if (d == nullptr)
      continue;
    for (const VariantDeployment& v : d->variants()) {
      if (v.live->live() != v.live->desired())
        instance_worker_->Enqueue(VariantKey(name, v.name));
    }
  }
}

Status EndpointService::SetVariantCapacity(std::string_view endpoint, std::string_view variant,
                                           int instances) {
  std::lock_guard<std::mutex> lock(control_mu_);
  ASSIGN_OR_RETURN(EndpointRecord found, FindEndpointOrError(endpoint));
  const auto has = [&](const EndpointSpec& spec) {
    return std::any_of(spec.variants.begin(), spec.variants.end(),
                       [&](const DeployedVariant& v) { return v.variant_name == variant; });
  };
  if (!has(found.current))
    return VariantNotFound(variant, found.arn);
  if (instances < 0 || instances > options_.max_instances_per_variant) {
    return Status::InvalidArgument("The instance count " + std::to_string(instances) +
                                   " for variant \"" + std::string(variant) + "\" is outside 0.." +
                                   std::to_string(options_.max_instances_per_variant));
  }
  if (found.status == EndpointStatus::kFailed || found.status == EndpointStatus::kDeleting) {
    return Status::InvalidArgument("Cannot scale endpoint \"" + found.arn + "\": it is " +
                                   EndpointStatusName(found.status) + ".");
  }
  const std::int64_t now = NowMs();
  RETURN_IF_ERROR(records_->UpdateEndpoint(endpoint, [&](EndpointRecord* e) {
    for (DeployedVariant& v : e->current.variants) {
      if (v.variant_name == variant)
        v.instance_count = instances;
    }
    if (e->pending && e->pending_kind == PendingKind::kConfig) {
      for (DeployedVariant& v : e->pending->variants) {
        if (v.variant_name == variant)
          v.instance_count = instances;
      }
    }
    e->last_modified_ms = now;
    return Status::Ok();
  }));
  if (const std::shared_ptr<const Deployment> live = LiveDeployment(endpoint)) {
    if (std::optional<std::size_t> i = live->Find(variant))
      live->variants()[*i].live->SetDesired(instances);
  }
  return Status::Ok();
}

namespace {

VariantLoad LoadOf(const LiveVariant& live, std::chrono::system_clock::time_point now) {
  VariantLoad load;
  const std::shared_ptr<const LiveVariant::InstanceSet> set = live.instances();
  load.current_instances = static_cast<int>(set->size());
  load.desired_instances = live.desired();
  load.waiting_requests = live.waiting();
  std::int64_t in_flight = load.waiting_requests;
  for (const std::shared_ptr<ModelInstance>& i : *set)
    in_flight += i->in_flight.load(std::memory_order_relaxed);
  const RateWindow::Rates rates = live.stats().window.Read(now);
  const double per = std::max(1, load.current_instances);
  // The larger of the window's and its last seconds' figures: a step up is seen in a second or
  // two, and scale-in (which needs every figure low for the ScaleInCooldown) stays smoothed.
  load.invocations_per_instance_per_minute =
      std::max(rates.per_second, rates.recent_per_second) * 60 / per;
  load.concurrent_requests_per_instance =
      std::max(
          {rates.mean_concurrency, rates.recent_mean_concurrency, static_cast<double>(in_flight)}) /
      per;
  return load;
}

}  // namespace

Result<VariantLoad> EndpointService::GetVariantLoad(std::string_view endpoint,
                                                    std::string_view variant) const {
  if (const std::shared_ptr<const Deployment> live = LiveDeployment(endpoint)) {
    if (std::optional<std::size_t> i = live->Find(variant))
      return LoadOf(*live->variants()[*i].live, clock_.Now());
  }
  // Not serving (Creating, Failed, ...) or no such variant: answer from the record.
  ASSIGN_OR_RETURN(std::optional<EndpointRecord> e, records_->FindEndpoint(endpoint));
  if (!e)
    return Status::NotFound("Could not find endpoint \"" + Arn("endpoint", endpoint) + "\".");
  for (const DeployedVariant& v : e->current.variants) {
    if (v.variant_name == variant) {
      VariantLoad load;
      load.desired_instances = v.instance_count;
      return load;
    }
  }
  return VariantNotFound(variant, e->arn);
}

EndpointMetrics EndpointService::MetricsOf(const std::string& name,
                                           const Deployment& deployment) const {
  const auto now = clock_.Now();
  EndpointMetrics m;
  m.endpoint = name;
  m.time_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  for (const VariantDeployment& v : deployment.variants()) {
    const LiveVariant& live = *v.live;
    VariantMetrics vm;
    vm.variant = v.name;
    vm.weight = v.weight;
    vm.load = LoadOf(live, now);
    vm.current_instances = vm.load.current_instances;
    vm.desired_instances = vm.load.desired_instances;
    vm.waiting_requests = vm.load.waiting_requests;
    vm.instance_load_failures = live.load_failures();
    vm.instance_replacements = live.replacements();
    vm.totals = live.stats().RetiredTotals();
    for (const std::shared_ptr<ModelInstance>& i : *live.instances()) {
      InstanceMetrics im;
      im.id = i->id();
      im.in_flight = i->in_flight.load(std::memory_order_relaxed);
      im.counters = i->counters.Read();
      vm.totals.Add(im.counters);
      vm.instances.push_back(std::move(im));
    }
    vm.instance_history = live.stats().history.Sample(now);
    m.variants.push_back(std::move(vm));
  }
  return m;
}

std::vector<EndpointMetrics> EndpointService::Metrics() const {
  const std::shared_ptr<const LiveMap> map = live_.load(std::memory_order_acquire);
  std::vector<std::string> names;
  for (const auto& [name, entry] : *map)
    names.push_back(name);
  std::sort(names.begin(), names.end());
  std::vector<EndpointMetrics> out;
  for (const std::string& name : names) {
    if (const std::shared_ptr<const Deployment> d = map->at(name)->deployment.load())
      out.push_back(MetricsOf(name, *d));
  }
  return out;
}

Result<EndpointMetrics> EndpointService::EndpointMetricsOf(std::string_view endpoint) const {
  if (const std::shared_ptr<const Deployment> d = LiveDeployment(endpoint))
    return MetricsOf(std::string(endpoint), *d);
  ASSIGN_OR_RETURN(std::optional<EndpointRecord> e, records_->FindEndpoint(endpoint));
  if (!e)
    return Status::NotFound("Could not find endpoint \"" + Arn("endpoint", endpoint) + "\".");
  EndpointMetrics m;
  m.endpoint = e->name;
  m.time_ms = NowMs();
  return m;
}

}  // namespace kiln
