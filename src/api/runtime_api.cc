#include "api/runtime_api.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "api/json_errors.h"
#include "serve/endpoint_service.h"
#include "serve/metrics_render.h"
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

// SageMaker's wording for a header member that breaks its constraint.
std::string Constraint(std::string_view member, std::string_view value, std::string_view rule) {
  std::string shown(value.substr(0, 80));
  return "1 validation error detected: Value '" + shown + "' at '" + std::string(member) +
         "' failed to satisfy constraint: " + std::string(rule);
}

// The optional InvokeEndpoint headers other than TargetVariant: InferenceId (kept for data
// capture), CustomAttributes (accepted; built-in models take no attributes), and the members for
// kinds of endpoint Kiln does not run (multi-model, multi-container direct invocation, Clarify
// explanations), refused with what they are for. Returns the error message, or "" when fine.
std::string CheckOptionalHeaders(const HttpRequest& request, std::string_view endpoint,
                                 InvokeRequest* in) {
  if (std::optional<std::string_view> id = request.Header("X-Amzn-SageMaker-Inference-Id")) {
    if (id->empty() || id->size() > 64)
      return Constraint("inferenceId", *id, "Member must have length between 1 and 64");
    const bool printable = std::all_of(id->begin(), id->end(), [](char c) {
      return static_cast<unsigned char>(c) >= 0x20 && c != 0x7f;
    });
    if (!printable || id->front() == ' ')
      return Constraint("inferenceId", *id,
                        "Member must satisfy regular expression pattern: \\A\\S[\\p{Print}]*\\z");
    in->inference_id = *id;
  }
  if (std::optional<std::string_view> a = request.Header("X-Amzn-SageMaker-Custom-Attributes")) {
    if (a->size() > 1024)
      return Constraint("customAttributes", a->substr(0, 16),
                        "Member must have length less than or equal to 1024");
    if (!std::all_of(a->begin(), a->end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
      return Constraint("customAttributes", *a,
                        "Member must satisfy regular expression pattern: \\p{ASCII}*");
  }
  const std::string name(endpoint);
  if (request.Header("X-Amzn-SageMaker-Target-Model"))
    return "TargetModel is for multi-model endpoints; endpoint " + name +
           " serves one model per production variant (pin a variant with TargetVariant)";
  if (request.Header("X-Amzn-SageMaker-Target-Container-Hostname"))
    return "TargetContainerHostname is for multi-container endpoints with direct invocation; "
           "endpoint " +
           name + " serves one container per production variant";
  if (request.Header("X-Amzn-SageMaker-Enable-Explanations"))
    return "EnableExplanations needs an endpoint config with an ExplainerConfig (SageMaker "
           "Clarify online explainability), which Kiln does not run; explain a model with "
           "`kiln explain`";
  return "";
}

HttpResponse Invoke(EndpointService& service, const HttpRequest& request, std::string_view body,
                    std::chrono::steady_clock::time_point start) {
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
  if (const std::optional<std::string_view> b =
          request.body != nullptr ? request.body->buffered() : std::nullopt;
      b && b->data() == body.data() && b->size() == body.size()) {
    in.body_padding = request.body->buffered_padding();  // the server's own buffer
  }
  in.start = start;
  in.request_id = request.request_id;
  if (const std::string bad = CheckOptionalHeaders(request, endpoint, &in); !bad.empty())
    return ValidationError(bad, request);
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
    if (reason == kInvokeModelNotReady)
      return JsonError(429, "ModelNotReadyException", e.message(), request.request_id);
    return JsonError(500, "InternalFailure", e.message(), request.request_id);
  }
  HttpResponse r;
  r.body = std::move(out->body);
  r.headers.reserve(3);  // distinct names: no SetHeader search, one allocation
  r.headers.emplace_back("Content-Type", std::move(out->content_type));
  r.headers.emplace_back("x-Amzn-Invoked-Production-Variant", std::move(out->variant));
  r.headers.emplace_back("x-amzn-RequestId", request.request_id);
  return r;
}

}  // namespace

HttpResponse HandleInvokeEndpoint(EndpointService& service, const HttpRequest& request,
                                  std::string_view body) {
  const auto start = std::chrono::steady_clock::now();
  try {
    return Invoke(service, request, body, start);
  } catch (const std::exception& e) {
    return JsonError(500, "InternalFailure", std::string("InvokeEndpoint failed: ") + e.what(),
                     request.request_id);
  }
}

HttpResponse HandleMetricsText(const EndpointService& service) {
  HttpResponse r;
  try {
    r.body = RenderPrometheus(service.Metrics());
  } catch (const std::exception& e) {
    return JsonError(500, "InternalFailure", std::string("metrics failed: ") + e.what(), "");
  }
  r.SetHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  return r;
}

std::optional<HttpResponse> EndpointMetricsRoute(const EndpointService& service,
                                                 const HttpRequest& request) {
  constexpr std::string_view kAll = "/kiln/v1/endpoints/metrics";
  constexpr std::string_view kOne = "/kiln/v1/endpoints/";
  constexpr std::string_view kTail = "/metrics";
  const std::string_view path = request.path;
  const bool all = path == kAll;
  if (!all && (!path.starts_with(kOne) || !path.ends_with(kTail) ||
               path.size() <= kOne.size() + kTail.size())) {
    return std::nullopt;
  }
  if (request.method != "GET")
    return JsonError(405, "MethodNotAllowed", "use GET for " + std::string(path),
                     request.request_id);
  HttpResponse r;
  try {
    if (all) {
      r.body = RenderMetricsJson(service.Metrics());
    } else {
      const std::string_view name =
          path.substr(kOne.size(), path.size() - kOne.size() - kTail.size());
      Result<EndpointMetrics> m = service.EndpointMetricsOf(name);
      if (!m.ok()) {
        return JsonError(m.error().code() == StatusCode::kNotFound ? 404 : 400,
                         "ValidationException", m.error().message(), request.request_id);
      }
      r.body = RenderMetricsJson(*m);
    }
  } catch (const std::exception& e) {
    return JsonError(500, "InternalFailure", std::string("metrics failed: ") + e.what(),
                     request.request_id);
  }
  r.SetHeader("Content-Type", "application/json");
  r.SetHeader("x-amzn-RequestId", request.request_id);
  return r;
}

}  // namespace kiln
