// The model, endpoint-config and endpoint operations of the SageMaker API (awsJson1_1, research
// note §1.2, §2.5): JSON requests in, EndpointService calls, JSON responses out.
//
//   CreateModel DescribeModel DeleteModel ListModels
//   CreateEndpointConfig DescribeEndpointConfig DeleteEndpointConfig ListEndpointConfigs
//   CreateEndpoint DescribeEndpoint UpdateEndpoint UpdateEndpointWeightsAndCapacities
//   DeleteEndpoint ListEndpoints
//
// Timestamps are epoch seconds (JSON numbers); errors are `{"__type", "message"}` through
// JsonErrorFromStatus, so not-found and duplicates are 400 ValidationException as the boto3
// waiters expect. Thread-safe (stateless; the service is thread-safe).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/http_message.h"

namespace kiln {

class EndpointService;

// Handles the model / endpoint-config / endpoint operations of the SageMaker API. Returns nullopt
// when `operation` is not one of them (the dispatcher then tries others).
std::optional<HttpResponse> HandleEndpointOperation(EndpointService& service,
                                                    std::string_view operation,
                                                    std::string_view body,
                                                    const std::string& request_id);

}  // namespace kiln
