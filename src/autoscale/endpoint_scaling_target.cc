#include "autoscale/endpoint_scaling_target.h"

#include "serve/endpoint_service.h"
#include "serve/variant_load.h"

namespace kiln {

Status EndpointScalingTarget::Exists(std::string_view endpoint, std::string_view variant) const {
  return endpoints_.GetVariantLoad(endpoint, variant).status();
}

Result<LoadSample> EndpointScalingTarget::Load(std::string_view endpoint,
                                               std::string_view variant) const {
  ASSIGN_OR_RETURN(EndpointRecord record, endpoints_.DescribeEndpoint(endpoint));
  if (record.status != EndpointStatus::kInService && record.status != EndpointStatus::kUpdating)
    return Status::FailedPrecondition("endpoint \"" + std::string(endpoint) + "\" is " +
                                      EndpointStatusName(record.status) + ", not serving");
  ASSIGN_OR_RETURN(VariantLoad load, endpoints_.GetVariantLoad(endpoint, variant));
  LoadSample sample;
  sample.current_instances = load.current_instances;
  sample.desired_instances = load.desired_instances;
  sample.invocations_per_instance_per_minute = load.invocations_per_instance_per_minute;
  sample.concurrent_requests_per_instance = load.concurrent_requests_per_instance;
  sample.waiting_requests = load.waiting_requests;
  return sample;
}

Status EndpointScalingTarget::SetCapacity(std::string_view endpoint, std::string_view variant,
                                          int instances) {
  return endpoints_.SetVariantCapacity(endpoint, variant, instances);
}

}  // namespace kiln
