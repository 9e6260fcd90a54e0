// EndpointScalingTarget: the CapacityTarget the autoscaler scales in `kiln server` — Kiln's
// EndpointService. Load is GetVariantLoad (short sliding windows, see serve/variant_load.h) for
// endpoints that serve (InService or Updating); others (Creating, SystemUpdating, Failed, ...)
// answer FailedPrecondition, so the controller leaves them alone. SetCapacity is
// SetVariantCapacity: the endpoint stays InService while instances load or drain.
//
// Thread-safe (EndpointService is). `endpoints` must outlive it.
#pragma once

#include "autoscale/capacity_target.h"

namespace kiln {

class EndpointService;

class EndpointScalingTarget final : public CapacityTarget {
 public:
  explicit EndpointScalingTarget(EndpointService& endpoints) : endpoints_(endpoints) {}

  Status Exists(std::string_view endpoint, std::string_view variant) const override;
  Result<LoadSample> Load(std::string_view endpoint, std::string_view variant) const override;
  Status SetCapacity(std::string_view endpoint, std::string_view variant, int instances) override;

 private:
  EndpointService& endpoints_;
};

}  // namespace kiln
