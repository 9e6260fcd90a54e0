#include "autoscale/scaling_decision.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace kiln {
namespace {

constexpr int kMaxWanted = 1 << 20;  // far above any MaxCapacity; keeps the arithmetic in range

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.4g", v);
  return buf;
}

std::string MetricCause(const PolicyState& p, const LoadSample& load, int want, double headroom) {
  std::string s = "policy " + p.name + ": " + p.metric_type + " is " +
                  Number(PolicyMetric(p, load)) + " per instance on " +
                  std::to_string(load.current_instances) + " live instance(s)";
  if (load.waiting_requests > 0)
    s += ", " + std::to_string(load.waiting_requests) + " request(s) waiting";
  s += "; target " + Number(p.target_value);
  if (headroom != 1)
    s += " (scale-in keeps " + Number((1 - headroom) * 100) + "% headroom)";
  return s + " -> " + std::to_string(want) + " instance(s)";
}

}  // namespace

PolicyState PolicyStateOf(const ScalingPolicy& policy) {
  PolicyState p;
  p.name = policy.policy_name;
  p.metric_type = policy.metric_type;
  p.target_value = policy.target_value;
  p.scale_out_cooldown =
      std::chrono::seconds(policy.scale_out_cooldown_s.value_or(kDefaultCooldownSeconds));
  p.scale_in_cooldown =
      std::chrono::seconds(policy.scale_in_cooldown_s.value_or(kDefaultCooldownSeconds));
  p.disable_scale_in = policy.disable_scale_in;
  return p;
}

double PolicyMetric(const PolicyState& policy, const LoadSample& load) {
  return policy.metric_type == kConcurrentRequestsPerModel
             ? load.concurrent_requests_per_instance
             : load.invocations_per_instance_per_minute;
}

int WantedCapacity(const PolicyState& policy, const LoadSample& load, double headroom) {
  const double metric = std::max(0.0, PolicyMetric(policy, load));
  if (load.current_instances <= 0)
    return load.waiting_requests > 0 || metric > 0 ? 1 : 0;
  const double total = metric * load.current_instances;
  if (!(policy.target_value > 0) || !(headroom > 0))
    return load.current_instances;  // no usable target: keep what serves
  const double wanted = std::ceil(total / (policy.target_value * headroom) - 1e-9);
  int n = wanted >= kMaxWanted ? kMaxWanted : static_cast<int>(std::max(0.0, wanted));
  if (load.waiting_requests > 0)
    n = std::max(n, 1);
  return n;
}

Decision Decide(const TargetState& target, const std::vector<PolicyState>& policies,
                const LoadSample& load, TimePoint now) {
  Decision d;
  d.next = target;
  const int capacity = load.desired_instances;
  d.from = d.to = capacity;
  const auto act = [&](Decision::Action action, int to, const PolicyState* policy,
                       std::string cause) {
    d.action = action;
    d.to = to;
    d.policy = policy != nullptr ? policy->name : "";
    d.cause = std::move(cause);
    (action == Decision::Action::kScaleOut ? d.next.last_scale_out : d.next.last_scale_in) = now;
    d.next.low_since.reset();
    return d;
  };
  const auto clamp = [&](int n) {
    return std::clamp(n, target.min_capacity, std::max(target.min_capacity, target.max_capacity));
  };

  if (target.applied_capacity == 0 && capacity > 0 && capacity <= target.max_capacity) {
    act(Decision::Action::kScaleOut, capacity, nullptr,
        "the variant asks for " + std::to_string(capacity) +
            " instance(s) after the autoscaler set 0: a request arrived and was held (not "
            "failed) while one started, or another client set the count");
    d.from = 0;
    return d;
  }
  if (capacity < target.min_capacity)
    return act(Decision::Action::kScaleOut, target.min_capacity, nullptr,
               "the desired instance count " + std::to_string(capacity) + " is below MinCapacity " +
                   std::to_string(target.min_capacity));
  if (capacity > target.max_capacity)
    return act(Decision::Action::kScaleIn, clamp(target.max_capacity), nullptr,
               "the desired instance count " + std::to_string(capacity) + " is above MaxCapacity " +
                   std::to_string(target.max_capacity));
  if (policies.empty()) {
    d.next.low_since.reset();
    return d;
  }

  // Scale-out: the largest want among the policies not cooling down.
  const PolicyState* out_policy = nullptr;
  int out_to = capacity;
  bool any_wants_more = false;
  for (const PolicyState& p : policies) {
    const int want = clamp(WantedCapacity(p, load, 1.0));
    if (want <= capacity)
      continue;
    any_wants_more = true;
    const bool from_zero = capacity == 0;
    const bool cooling =
        target.last_scale_out && now - *target.last_scale_out < p.scale_out_cooldown;
    if (target.suspended.dynamic_scaling_out_suspended || (cooling && !from_zero))
      continue;
    if (want > out_to) {
      out_to = want;
      out_policy = &p;
    }
  }
  if (out_policy != nullptr)
    return act(Decision::Action::kScaleOut, out_to, out_policy,
               MetricCause(*out_policy, load, out_to, 1.0));
  if (any_wants_more || target.suspended.dynamic_scaling_in_suspended) {
    d.next.low_since.reset();
    return d;
  }

  // Scale-in: only when every policy wants fewer, for long enough.
  const PolicyState* in_policy = nullptr;
  int in_to = target.min_capacity;
  std::chrono::seconds cooldown{0};
  for (const PolicyState& p : policies) {
    const int want =
        p.disable_scale_in ? capacity : clamp(WantedCapacity(p, load, kScaleInHeadroom));
    if (want >= capacity) {
      d.next.low_since.reset();
      return d;
    }
    if (in_policy == nullptr || want > in_to) {
      in_to = want;
      in_policy = &p;
    }
    cooldown = std::max(cooldown, p.scale_in_cooldown);
  }
  if (!d.next.low_since)
    d.next.low_since = now;
  if (now - *d.next.low_since < cooldown)
    return d;
  if (target.last_scale_in && now - *target.last_scale_in < cooldown)
    return d;
  return act(Decision::Action::kScaleIn, in_to, in_policy,
             MetricCause(*in_policy, load, in_to, kScaleInHeadroom));
}

}  // namespace kiln
