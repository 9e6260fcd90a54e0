#include "api/runtime_api.h"

#include <nlohmann/json.hpp>

#include "api/json_errors.h"
#include "serve/endpoint_service.h"
#include "serve/resource_names.h"

namespace kiln {
namespace {

constexpr std::string_view kPrefix = "/endpoints/";
constexpr std::string_view kSuffix = "/invocations";

HttpResponse ValidationError(std::string_view message, const HttpRequest& request) {
  return JsonError(400, "ValidationError", message, request.request_id);
}

// SageMaker's answer when the model container replies with an error status.
HttpResponse ModelError(int original_status, const std::string& message,
                        const EndpointService& service, std::string_view endpoint,
                        const HttpRequest& request) {
  const EndpointServiceOptions& o = service.options();
  const char* kind = original_status >= 500 ? "server" : "client";
  nlohmann::json body = {
      {"__type", "ModelError"},
      {"message", "Received " + std::string(kind) + " error (" + std::to_string(original_status) +
                      ") from primary with message \"" + message +
                      "\". See the Kiln server's log for more information."},
      {"OriginalStatusCode", original_status},
      {"OriginalMessage", message},
      {"LogStreamArn", "arn:aws:logs:" + o.region + ":" + o.account_id +
                           ":log-group:/aws/sagemaker/Endpoints/" + std::string(endpoint)}};
  HttpResponse r;
  r.status = 424;
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  r.SetHeader("Content-Type", "application/json");
  r.SetHeader("x-amzn-RequestId", request.request_id);
  r.SetHeader("x-amzn-ErrorType", "ModelError");
  return r;
}

HttpResponse Invoke(EndpointService& service, const HttpRequest& request, std::string_view body) {
  std::string_view path = request.path;
  if (!path.starts_with(kPrefix) || !path.ends_with(kSuffix) ||
      path.size() <= kPrefix.size() + kSuffix.size()) {
    return ValidationError("the path is not /endpoints/{EndpointName}/invocations", request);
  }
  const std::string_view endpoint =
      path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size());
  if (Status named = CheckResourceName("endpointName", endpoint); !named.ok())
    return ValidationError(named.message(), request);
  InvokeRequest in;
  in.endpoint_name = endpoint;
  in.target_variant = request.Header("X-Amzn-SageMaker-Target-Variant").value_or("");
  in.content_type = request.Header("Content-Type").value_or("");
  in.accept = request.Header("Accept").value_or("");
  in.body = body;
  Result<InvokeResponse> out = service.Invoke(in);
  if (!out.ok()) {
    const Status& e = out.error();
    const std::string& reason = e.reason();
    if (reason == kInvokeValidationError)
      return ValidationError(e.message(), request);
    if (reason == kInvokeUnsupportedMediaType)
      return ModelError(415, e.message(), service, endpoint, request);
    if (reason == kInvokeNotAcceptable)
      return ModelError(406, e.message(), service, endpoint, request);
    if (reason == kInvokeModelError)
      return ModelError(500, e.message(), service, endpoint, request);
    return JsonError(500, "InternalFailure", e.message(), request.request_id);
  }
  HttpResponse r;
  r.body = std::move(out->body);
  r.SetHeader("Content-Type", out->content_type);
  r.SetHeader("x-Amzn-Invoked-Production-Variant", out->variant);
  r.SetHeader("x-amzn-RequestId", request.request_id);
  return r;
}

}  // namespace

HttpResponse HandleInvokeEndpoint(EndpointService& service, const HttpRequest& request,
                                  std::string_view body) {
  try {
    return Invoke(service, request, body);
  } catch (const std::exception& e) {
    return JsonError(500, "InternalFailure", std::string("InvokeEndpoint failed: ") + e.what(),
                     request.request_id);
  }
}

}  // namespace kiln
