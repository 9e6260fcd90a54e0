// AutoScalingService: Application Auto Scaling for Kiln's endpoint variants — the control plane
// (scalable targets, target-tracking policies, activities; ScalingStore) and the autoscaler that
// acts on it (ScalingController). src/api/autoscaling_api.cc adapts it to the wire.
//
// Validation happens here, in the service's own words: a ResourceId must name an existing
// endpoint and variant (ValidationException, as on AWS); MinCapacity ≤ MaxCapacity ≤
// max_capacity; a policy needs a registered target (ObjectNotFoundException), a positive
// TargetValue and one of the two predefined SageMaker metrics (the API edge refuses StepScaling
// and customized metrics before they get here). Errors carry the exception name as
// Status::reason().
//
// Thread-safety: thread-safe. Control-plane calls are serialized by one mutex, so two of them
// never interleave (ConcurrentUpdateException is never needed). `db` and `capacity` must outlive
// the service.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "autoscale/capacity_target.h"
#include "autoscale/scaling_controller.h"
#include "autoscale/scaling_store.h"
#include "autoscale/scaling_types.h"
#include "common/clock.h"

namespace kiln {

class Database;

struct AutoScalingOptions {
  std::string region = "us-east-1";
  std::string account_id = "000000000000";
  int max_capacity = 16;             // the most instances a variant may have (serve's limit)
  int max_policies_per_target = 50;  // AWS's quota
  int max_targets = 3000;            // AWS's quota per namespace
  ScalingControllerOptions controller;
  const Clock* clock = nullptr;  // null: the system clock
  Status Validate() const;
};

// RegisterScalableTarget's input: absent members keep the registered values.
struct RegisterTargetRequest {
  std::string resource_id;
  std::optional<int> min_capacity;
  std::optional<int> max_capacity;
  std::optional<std::string> role_arn;
  std::optional<bool> dynamic_scaling_in_suspended;
  std::optional<bool> dynamic_scaling_out_suspended;
  std::optional<bool> scheduled_scaling_suspended;
};

class AutoScalingService {
 public:
  // Opens the store (migrations), fails activities a previous process left running, and builds
  // the controller (not started).
  static Result<std::unique_ptr<AutoScalingService>> Open(Database& db, CapacityTarget& capacity,
                                                          AutoScalingOptions options);
  AutoScalingService(const AutoScalingService&) = delete;
  AutoScalingService& operator=(const AutoScalingService&) = delete;
  ~AutoScalingService();

  // Starts the autoscaler's thread (StopScaling, or destroying the service, stops it).
  void StartScaling();
  void StopScaling();

  Result<ScalableTarget> RegisterScalableTarget(const RegisterTargetRequest& request);
  Result<std::vector<ScalableTarget>> DescribeScalableTargets();
  Status DeregisterScalableTarget(std::string_view resource_id);

  // Creates or (same name on the same target) updates a policy; fills in ARN and creation time.
  Result<ScalingPolicy> PutScalingPolicy(ScalingPolicy policy);
  Result<std::vector<ScalingPolicy>> DescribeScalingPolicies(
      std::optional<std::string_view> resource_id);
  Status DeleteScalingPolicy(std::string_view resource_id, std::string_view policy_name);

  // Newest first.
  Result<std::vector<ScalingActivity>> DescribeScalingActivities(
      std::optional<std::string_view> resource_id);

  ScalingController& controller() { return *controller_; }
  const AutoScalingOptions& options() const { return options_; }

 private:
  struct PrivateTag {
    explicit PrivateTag() = default;
  };

 public:
  // Use Open.
  AutoScalingService(PrivateTag, CapacityTarget& capacity, AutoScalingOptions options,
                     std::unique_ptr<ScalingStore> store);

 private:
  std::int64_t NowMs() const;
  Result<ScalableTarget> FindTargetOrError(std::string_view resource_id);

  CapacityTarget& capacity_;
  const AutoScalingOptions options_;
  const SystemClock system_clock_;
  const Clock& clock_;
  const std::unique_ptr<ScalingStore> store_;
  std::mutex control_mu_;                          // serializes control-plane changes
  std::unique_ptr<ScalingController> controller_;  // last: stopped first
};

}  // namespace kiln
