// The records of Application Auto Scaling as Kiln keeps them (scalable targets, target-tracking
// policies, scaling activities) and the names they use on the wire, as plain values: persisted by
// ScalingStore, validated by AutoScalingService, rendered by src/api/autoscaling_api.cc.
//
// Kiln scales one kind of resource, as SageMaker does: the instance count of an endpoint's
// production variant (namespace "sagemaker", ResourceId "endpoint/<name>/variant/<variant>",
// dimension "sagemaker:variant:DesiredInstanceCount"). Thread-safety: plain values.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kiln {

inline constexpr char kSageMakerNamespace[] = "sagemaker";
inline constexpr char kVariantDimension[] = "sagemaker:variant:DesiredInstanceCount";
inline constexpr char kInvocationsPerInstance[] = "SageMakerVariantInvocationsPerInstance";
inline constexpr char kConcurrentRequestsPerModel[] =
    "SageMakerVariantConcurrentRequestsPerModelHighResolution";

// Error reasons (Status::reason()) in Application Auto Scaling's words; the API edge answers them
// as the `__type` of a 400.
inline constexpr char kValidationException[] = "ValidationException";
inline constexpr char kObjectNotFoundException[] = "ObjectNotFoundException";
inline constexpr char kLimitExceededException[] = "LimitExceededException";
inline constexpr char kInvalidNextTokenException[] = "InvalidNextTokenException";

using TimePoint = std::chrono::system_clock::time_point;

// An endpoint variant named by a ResourceId.
struct VariantRef {
  std::string endpoint;
  std::string variant;
  bool operator==(const VariantRef&) const = default;
};

// Parses "endpoint/<name>/variant/<variant>" (SageMaker's name rules for both parts); the error
// (InvalidArgument, reason ValidationException) says what is wrong and what the form is.
Result<VariantRef> ParseVariantResourceId(std::string_view resource_id);
std::string VariantResourceId(const VariantRef& ref);

struct SuspendedState {
  bool dynamic_scaling_in_suspended = false;
  bool dynamic_scaling_out_suspended = false;
  bool scheduled_scaling_suspended = false;
  bool operator==(const SuspendedState&) const = default;
};

struct ScalableTarget {
  std::string resource_id;  // the key (namespace and dimension are fixed)
  int min_capacity = 0;
  int max_capacity = 0;
  std::string role_arn;
  SuspendedState suspended;
  std::string arn;  // ScalableTargetARN
  std::int64_t creation_ms = 0;
};

// A TargetTrackingScaling policy on a predefined SageMaker metric (the only kind Kiln runs).
struct ScalingPolicy {
  std::string resource_id;
  std::string policy_name;
  std::string arn;          // PolicyARN
  std::string metric_type;  // kInvocationsPerInstance or kConcurrentRequestsPerModel
  std::string resource_label;
  double target_value = 0;
  std::optional<int> scale_out_cooldown_s;  // as given; absent means AWS's default (300 s)
  std::optional<int> scale_in_cooldown_s;
  bool disable_scale_in = false;
  std::int64_t creation_ms = 0;
};

inline constexpr int kDefaultCooldownSeconds = 300;

enum class ActivityStatus {
  kPending,
  kInProgress,
  kSuccessful,
  kOverridden,
  kUnfulfilled,
  kFailed
};
const char* ActivityStatusName(ActivityStatus status);
std::optional<ActivityStatus> ParseActivityStatus(std::string_view name);

struct ScalingActivity {
  std::string activity_id;
  std::string resource_id;
  std::string description;  // "Setting desired instance count to 3."
  std::string cause;        // why (the policy, its metric and target)
  std::int64_t start_ms = 0;
  std::optional<std::int64_t> end_ms;
  ActivityStatus status = ActivityStatus::kInProgress;
  std::string status_message;
  int from_capacity = 0;
  int to_capacity = 0;
};

}  // namespace kiln
