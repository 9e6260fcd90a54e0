// EndpointService's lifecycle worker callbacks (see endpoint_service.h): Creating -> InService |
// Failed, Updating -> InService (new deployment, or the old one with a FailureReason), Deleting ->
// gone, and reloading after a restart.
#include "serve/endpoint_service.h"

namespace kiln {
namespace {

// Stamps variants loaded now; a variant kept from `before` (capacity change) keeps its time.
void StampDeployed(EndpointSpec* spec, const EndpointSpec* before, std::int64_t now) {
  for (DeployedVariant& v : spec->variants) {
    v.deployed_ms = now;
    if (before == nullptr)
      continue;
    for (const DeployedVariant& old : before->variants) {
      if (old.variant_name == v.variant_name && ModelIdentity(old) == ModelIdentity(v) &&
          old.deployed_ms > 0) {
        v.deployed_ms = old.deployed_ms;
      }
    }
  }
}

}  // namespace

std::uint64_t EndpointService::NextSeed() {
  return options_.routing_seed + 0x9e3779b97f4a7c15ULL * deployments_.fetch_add(1);
}

void EndpointService::ProcessEndpoint(const std::string& name) {
  Result<std::optional<EndpointRecord>> found = records_->FindEndpoint(name);
  if (!found.ok())
    return;  // the database failed; the endpoint keeps its state until it changes again
  if (!found->has_value()) {
    std::lock_guard<std::mutex> lock(control_mu_);
    Unpublish(name);
    return;
  }
  const EndpointRecord& record = **found;
  switch (record.status) {
    case EndpointStatus::kDeleting: {
      std::lock_guard<std::mutex> lock(control_mu_);
      Unpublish(name);
      ForgetStats(name);
      // Deleting is final (nothing else changes the record); if the database refuses, the next
      // Open removes it.
      (void)records_->DeleteEndpoint(name);
      return;
    }
    case EndpointStatus::kCreating:
    case EndpointStatus::kSystemUpdating:
      Deploy(record);
      return;
    case EndpointStatus::kInService:
      if (LiveDeployment(name) == nullptr)
        Deploy(record);  // after a restart
      return;
    case EndpointStatus::kUpdating:
      RollOut(record);
      return;
    case EndpointStatus::kFailed:
      return;
  }
}

void EndpointService::Commit(const std::string& name, std::int64_t generation,
                             const std::function<void(EndpointRecord*)>& change,
                             std::shared_ptr<const Deployment> deployment) {
  std::lock_guard<std::mutex> lock(control_mu_);
  EndpointSpec committed;
  const Status written = records_->UpdateEndpoint(name, [&](EndpointRecord* e) {
    if (e->generation != generation)
      return Status::Cancelled("superseded");  // a newer change queued the endpoint again
    change(e);
    committed = e->current;
    return Status::Ok();
  });
  if (!written.ok() || deployment == nullptr)
    return;
  // Counts set (SetVariantCapacity) while the deployment loaded win over what it loaded; published
  // first, so the instance worker reconciles these variants.
  Publish(name, deployment);
  for (const DeployedVariant& v : committed.variants) {
    if (std::optional<std::size_t> i = deployment->Find(v.variant_name))
      deployment->variants()[*i].live->SetDesired(v.instance_count);
  }
}

void EndpointService::Deploy(const EndpointRecord& record) {
  Result<std::shared_ptr<const Deployment>> loaded = LoadSpec(record.name, record.current);
  const std::int64_t now = NowMs();
  if (!loaded.ok()) {
    const std::string reason = loaded.error().message();
    Commit(
        record.name, record.generation,
        [&](EndpointRecord* e) {
          e->status = EndpointStatus::kFailed;
          e->failure_reason = reason;
          e->last_modified_ms = now;
        },
        nullptr);
    return;
  }
  const bool first = record.status == EndpointStatus::kCreating;
  Commit(
      record.name, record.generation,
      [&](EndpointRecord* e) {
        e->status = EndpointStatus::kInService;
        e->failure_reason.clear();
        if (first) {
          StampDeployed(&e->current, nullptr, now);
          e->last_modified_ms = now;
        }
      },
      std::move(loaded).value());
}

void EndpointService::RollOut(const EndpointRecord& record) {
  std::shared_ptr<const Deployment> live = LiveDeployment(record.name);
  if (live == nullptr) {
    // A restart interrupted the update: serve the old deployment again while the new one loads.
    Result<std::shared_ptr<const Deployment>> old = LoadSpec(record.name, record.current);
    if (old.ok()) {
      live = *old;
      Commit(
          record.name, record.generation, [](EndpointRecord*) {}, live);
    }
  }
  if (!record.pending.has_value()) {
    Commit(
        record.name, record.generation,
        [&](EndpointRecord* e) {
          e->status = live != nullptr ? EndpointStatus::kInService : EndpointStatus::kFailed;
          e->pending_kind = PendingKind::kNone;
        },
        nullptr);
    return;
  }
  const EndpointSpec& target = *record.pending;
  const bool capacity = record.pending_kind == PendingKind::kCapacity;
  Result<std::shared_ptr<const Deployment>> loaded = LoadSpec(record.name, target);
  const std::int64_t now = NowMs();
  if (!loaded.ok()) {
    const std::string reason =
        (capacity ? std::string("Updating the weights and capacities failed")
                  : "Updating to endpoint config \"" + target.config_name + "\" failed") +
        (live != nullptr ? "; the endpoint still serves endpoint config \"" +
                               record.current.config_name + "\": "
                         : ": ") +
        loaded.error().message();
    Commit(
        record.name, record.generation,
        [&](EndpointRecord* e) {
          e->status = live != nullptr ? EndpointStatus::kInService : EndpointStatus::kFailed;
          e->failure_reason = reason;
          e->pending.reset();
          e->pending_kind = PendingKind::kNone;
          e->last_modified_ms = now;
        },
        nullptr);
    return;
  }
  Commit(
      record.name, record.generation,
      [&](EndpointRecord* e) {
        EndpointSpec next = std::move(*e->pending);
        StampDeployed(&next, capacity ? &e->current : nullptr, now);
        e->current = std::move(next);
        e->pending.reset();
        e->pending_kind = PendingKind::kNone;
        e->status = EndpointStatus::kInService;
        e->failure_reason.clear();
        e->last_modified_ms = now;
      },
      std::move(loaded).value());
}

}  // namespace kiln
