// VariantLoad: the load on one production variant as the autoscaler sees it
// (EndpointService::GetVariantLoad). Rates come from a short sliding window (about 10 s,
// EndpointServiceOptions::load_window) and its last 2 s, whichever is larger, so a step in load
// shows within a second or two, and are scaled to a
// minute the way SageMaker's per-minute CloudWatch metrics are. Plain value.
#pragma once

#include <cstdint>

namespace kiln {

struct VariantLoad {
  int current_instances = 0;  // live instances now
  int desired_instances = 0;
  double invocations_per_instance_per_minute =
      0;                                        // window rate scaled to a minute, / max(1, current)
  double concurrent_requests_per_instance = 0;  // mean in-flight (incl. held) / max(1, current)
  std::int64_t waiting_requests = 0;            // held now because the variant has 0 instances
};

}  // namespace kiln
