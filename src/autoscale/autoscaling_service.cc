#include "autoscale/autoscaling_service.h"

#include <cmath>

#include "common/digest.h"
#include "meta/database.h"

namespace kiln {
namespace {

constexpr int kMaxCooldownSeconds = 86400;

Status Invalid(std::string message) {
  return Status::InvalidArgument(std::move(message)).WithReason(kValidationException);
}

std::string TargetWords(std::string_view resource_id) {
  return std::string("service namespace: ") + kSageMakerNamespace +
         ", resource ID: " + std::string(resource_id) +
         ", scalable dimension: " + kVariantDimension;
}

std::string Uuid() {
  const std::string hex = HexEncode(RandomBytes(16));
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

Status CheckPolicyName(std::string_view name) {
  if (name.empty() || name.size() > 256)
    return Invalid("PolicyName must be 1 to 256 characters long");
  for (unsigned char c : name)
    if (c < 0x20 || c > 0x7e || c == ':' || c == '/')
      return Invalid("PolicyName \"" + std::string(name) +
                     "\" may hold only printable ASCII characters other than ':' and '/'");
  return Status::Ok();
}

Status CheckCooldown(const char* field, const std::optional<int>& seconds) {
  if (seconds && (*seconds < 0 || *seconds > kMaxCooldownSeconds))
    return Invalid(std::string(field) + " must be between 0 and " +
                   std::to_string(kMaxCooldownSeconds) + " seconds, not " +
                   std::to_string(*seconds));
  return Status::Ok();
}

}  // namespace

Status AutoScalingOptions::Validate() const {
  if (max_capacity < 1)
    return Status::InvalidArgument("autoscaling max_capacity must be at least 1");
  if (max_policies_per_target < 1 || max_targets < 1)
    return Status::InvalidArgument("autoscaling limits must be at least 1");
  if (account_id.size() != 12)
    return Status::InvalidArgument("autoscaling account_id must have 12 digits");
  return controller.Validate();
}

Result<std::unique_ptr<AutoScalingService>> AutoScalingService::Open(Database& db,
                                                                     CapacityTarget& capacity,
                                                                     AutoScalingOptions options) {
  RETURN_IF_ERROR(options.Validate());
  ASSIGN_OR_RETURN(std::unique_ptr<ScalingStore> store, ScalingStore::Open(db));
  auto service = std::make_unique<AutoScalingService>(PrivateTag(), capacity, std::move(options),
                                                      std::move(store));
  RETURN_IF_ERROR(service->store_
                      ->FailUnfinishedActivities(service->NowMs(),
                                                 "The Kiln server stopped while the activity ran.")
                      .status());
  return service;
}

AutoScalingService::AutoScalingService(PrivateTag, CapacityTarget& capacity,
                                       AutoScalingOptions options,
                                       std::unique_ptr<ScalingStore> store)
    : capacity_(capacity),
      options_(std::move(options)),
      clock_(options_.clock != nullptr ? *options_.clock : system_clock_),
      store_(std::move(store)),
      controller_(
          std::make_unique<ScalingController>(*store_, capacity_, clock_, options_.controller)) {}

AutoScalingService::~AutoScalingService() { controller_->Stop(); }

void AutoScalingService::StartScaling() { controller_->Start(); }
void AutoScalingService::StopScaling() { controller_->Stop(); }

std::int64_t AutoScalingService::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now().time_since_epoch())
      .count();
}

Result<ScalableTarget> AutoScalingService::FindTargetOrError(std::string_view resource_id) {
  ASSIGN_OR_RETURN(std::optional<ScalableTarget> found, store_->FindTarget(resource_id));
  if (!found)
    return Status::NotFound("No scalable target registered for " + TargetWords(resource_id))
        .WithReason(kObjectNotFoundException);
  return std::move(*found);
}

Result<ScalableTarget> AutoScalingService::RegisterScalableTarget(
    const RegisterTargetRequest& request) {
  ASSIGN_OR_RETURN(VariantRef ref, ParseVariantResourceId(request.resource_id));
  std::lock_guard lock(control_mu_);
  const Status exists = capacity_.Exists(ref.endpoint, ref.variant);
  if (!exists.ok()) {
    if (exists.code() != StatusCode::kNotFound)
      return exists;
    return Invalid("Could not register scalable target " + request.resource_id + ": " +
                   exists.message());
  }
  ASSIGN_OR_RETURN(std::optional<ScalableTarget> old, store_->FindTarget(request.resource_id));
  ScalableTarget t;
  if (old) {
    t = std::move(*old);
  } else {
    if (!request.min_capacity || !request.max_capacity)
      return Invalid(
          "MinCapacity and MaxCapacity are required to register the new scalable target " +
          request.resource_id);
    ASSIGN_OR_RETURN(std::vector<ScalableTarget> all, store_->ListTargets());
    if (static_cast<int>(all.size()) >= options_.max_targets)
      return Status::FailedPrecondition("Kiln allows at most " +
                                        std::to_string(options_.max_targets) +
                                        " scalable targets; deregister one first")
          .WithReason(kLimitExceededException);
    t.resource_id = request.resource_id;
    t.arn = "arn:aws:application-autoscaling:" + options_.region + ":" + options_.account_id +
            ":scalable-target/" + HexEncode(RandomBytes(18));
    t.creation_ms = NowMs();
  }
  t.min_capacity = request.min_capacity.value_or(t.min_capacity);
  t.max_capacity = request.max_capacity.value_or(t.max_capacity);
  if (request.role_arn)
    t.role_arn = *request.role_arn;
  if (t.role_arn.empty())
    t.role_arn = "arn:aws:iam::" + options_.account_id +
                 ":role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/"
                 "AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint";
  if (request.dynamic_scaling_in_suspended)
    t.suspended.dynamic_scaling_in_suspended = *request.dynamic_scaling_in_suspended;
  if (request.dynamic_scaling_out_suspended)
    t.suspended.dynamic_scaling_out_suspended = *request.dynamic_scaling_out_suspended;
  if (request.scheduled_scaling_suspended)
    t.suspended.scheduled_scaling_suspended = *request.scheduled_scaling_suspended;
  if (t.min_capacity < 0)
    return Invalid("MinCapacity must be at least 0, not " + std::to_string(t.min_capacity));
  if (t.max_capacity < t.min_capacity)
    return Invalid("MaxCapacity (" + std::to_string(t.max_capacity) +
                   ") must not be less than MinCapacity (" + std::to_string(t.min_capacity) + ")");
  if (t.max_capacity > options_.max_capacity)
    return Invalid("MaxCapacity " + std::to_string(t.max_capacity) + " is above the " +
                   std::to_string(options_.max_capacity) + " instances Kiln allows per variant");
  if (t.max_capacity < 1)
    return Invalid("MaxCapacity must be at least 1");
  RETURN_IF_ERROR(store_->PutTarget(t));
  controller_->Wake();
  return t;
}

Result<std::vector<ScalableTarget>> AutoScalingService::DescribeScalableTargets() {
  return store_->ListTargets();
}

Status AutoScalingService::DeregisterScalableTarget(std::string_view resource_id) {
  std::lock_guard lock(control_mu_);
  ASSIGN_OR_RETURN(bool removed, store_->DeleteTarget(resource_id));
  if (!removed)
    return Status::NotFound("No scalable target found for " + TargetWords(resource_id))
        .WithReason(kObjectNotFoundException);
  controller_->Forget(std::string(resource_id));
  return Status::Ok();
}

Result<ScalingPolicy> AutoScalingService::PutScalingPolicy(ScalingPolicy policy) {
  RETURN_IF_ERROR(CheckPolicyName(policy.policy_name));
  if (policy.metric_type != kInvocationsPerInstance &&
      policy.metric_type != kConcurrentRequestsPerModel)
    return Invalid("PredefinedMetricType \"" + policy.metric_type +
                   "\" is not a SageMaker variant metric Kiln measures; use " +
                   kInvocationsPerInstance + " or " + kConcurrentRequestsPerModel);
  if (!std::isfinite(policy.target_value) || policy.target_value <= 0)
    return Invalid("TargetValue must be a positive number");
  RETURN_IF_ERROR(CheckCooldown("ScaleOutCooldown", policy.scale_out_cooldown_s));
  RETURN_IF_ERROR(CheckCooldown("ScaleInCooldown", policy.scale_in_cooldown_s));
  std::lock_guard lock(control_mu_);
  RETURN_IF_ERROR(FindTargetOrError(policy.resource_id).status());
  ASSIGN_OR_RETURN(std::vector<ScalingPolicy> existing, store_->ListPolicies(policy.resource_id));
  const ScalingPolicy* same = nullptr;
  for (const ScalingPolicy& p : existing)
    if (p.policy_name == policy.policy_name)
      same = &p;
  if (same != nullptr) {
    policy.arn = same->arn;
    policy.creation_ms = same->creation_ms;
  } else {
    if (static_cast<int>(existing.size()) >= options_.max_policies_per_target)
      return Status::FailedPrecondition(
                 "Kiln allows at most " + std::to_string(options_.max_policies_per_target) +
                 " scaling policies per scalable target; " + policy.resource_id + " has them")
          .WithReason(kLimitExceededException);
    policy.arn = "arn:aws:autoscaling:" + options_.region + ":" + options_.account_id +
                 ":scalingPolicy:" + Uuid() + ":resource/" + kSageMakerNamespace + "/" +
                 policy.resource_id + ":policyName/" + policy.policy_name;
    policy.creation_ms = NowMs();
  }
  RETURN_IF_ERROR(store_->PutPolicy(policy));
  controller_->Wake();
  return policy;
}

Result<std::vector<ScalingPolicy>> AutoScalingService::DescribeScalingPolicies(
    std::optional<std::string_view> resource_id) {
  return store_->ListPolicies(resource_id);
}

Status AutoScalingService::DeleteScalingPolicy(std::string_view resource_id,
                                               std::string_view policy_name) {
  std::lock_guard lock(control_mu_);
  ASSIGN_OR_RETURN(bool removed, store_->DeletePolicy(resource_id, policy_name));
  if (!removed)
    return Status::NotFound("No scaling policy found for " + TargetWords(resource_id) +
                            ", policy name: " + std::string(policy_name))
        .WithReason(kObjectNotFoundException);
  return Status::Ok();
}

Result<std::vector<ScalingActivity>> AutoScalingService::DescribeScalingActivities(
    std::optional<std::string_view> resource_id) {
  return store_->ListActivities(resource_id);
}

}  // namespace kiln
