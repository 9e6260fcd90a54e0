// CapacityTarget: what the autoscaler scales — the live load of an endpoint variant and a way to
// set its instance count. EndpointCapacity adapts Kiln's EndpointService to it; unit tests use an
// in-memory fake. Implementations must be thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

#include "common/status.h"

namespace kiln {

// One sample of a variant's load, as the serving side measures it.
struct LoadSample {
  int current_instances = 0;  // live, serving instances
  int desired_instances = 0;  // what was last asked for (loading instances included)
  double invocations_per_instance_per_minute = 0;  // over a short sliding window, per minute
  double concurrent_requests_per_instance = 0;
  std::int64_t waiting_requests = 0;  // held because the variant has no instance
};

class CapacityTarget {
 public:
  virtual ~CapacityTarget() = default;
  // OK when the endpoint exists and has the variant; NotFound with a message naming what is
  // missing otherwise.
  virtual Status Exists(std::string_view endpoint, std::string_view variant) const = 0;
  virtual Result<LoadSample> Load(std::string_view endpoint, std::string_view variant) const = 0;
  // Asks for `instances` instances (0 allowed); returns once the change is accepted (instances may
  // still be loading: Load().current_instances shows when they serve).
  virtual Status SetCapacity(std::string_view endpoint, std::string_view variant,
                             int instances) = 0;
};

}  // namespace kiln
