// SageMaker Runtime's InvokeEndpoint (rest-json, research note §1.3): the HTTP request becomes an
// EndpointService::Invoke call and its answer or error the HTTP response.
//
//   200   the model's output; Content-Type, x-Amzn-Invoked-Production-Variant, x-amzn-RequestId
//   400   ValidationError: unknown or not-serving endpoint, unknown target variant, body over
//         6 MiB, a malformed row (Kiln's choice: named line and column)
//   424   ModelError {message, OriginalStatusCode, OriginalMessage, LogStreamArn}: Content-Type
//         not spoken (415), no acceptable Accept type (406), the model failed (500)
//   429   ModelNotReadyException: the variant was scaled to zero and no instance started within
//         the cold-start timeout (or its model failed to load); retry later
//   500   InternalFailure: a Kiln bug
// The error code travels in x-amzn-ErrorType (rest-json reads it) and in the body's __type.
// The request's start time, taken first thing here, is the base of the overhead latency metric.
//
// Also Kiln's endpoint metrics: GET /metrics (Prometheus text) and the JSON metrics API,
//   GET /kiln/v1/endpoints/<name>/metrics   one endpoint (404 ValidationException if unknown)
//   GET /kiln/v1/endpoints/metrics          every serving endpoint
// Thread-safe (stateless; the service is thread-safe). Never throws.
#pragma once

#include <optional>
#include <string_view>

#include "http/http_message.h"

namespace kiln {

class EndpointService;

// POST /endpoints/{name}/invocations (the router has already verified the SigV4 signature and
// read the body).
HttpResponse HandleInvokeEndpoint(EndpointService& service, const HttpRequest& request,
                                  std::string_view body);

// GET /metrics: every serving endpoint's metrics in Prometheus' text format.
HttpResponse HandleMetricsText(const EndpointService& service);

// The JSON metrics API above; nullopt for paths it does not serve.
std::optional<HttpResponse> EndpointMetricsRoute(const EndpointService& service,
                                                 const HttpRequest& request);

}  // namespace kiln
