// ApiRouter: the HttpHandler behind Kiln's one port. It authenticates every request with SigV4 and
// routes it by the signing service (S3; SageMaker and SageMaker Runtime, which both sign as
// "sagemaker"; Application Auto Scaling), as in ../shared/research/sagemaker-api-subset.md §1.0.
// Authentication failures answer in the protocol's own error format. `GET /healthz` answers 200
// and `GET /metrics` (when set) the Prometheus text, both without authentication: health checkers
// and Prometheus scrapers do not sign. InvokeEndpoint, /healthz and /metrics are served inline on
// the HTTP server's I/O threads (ServeInline); everything else (S3, control-plane calls that write
// SQLite, Kiln routes) on a connection thread. Thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "http/http_server.h"

namespace kiln {

class S3Api;
class SigV4Verifier;

// An awsJson1_1 service: (operation, JSON body, request id) -> response.
using JsonService = std::function<HttpResponse(std::string_view operation, std::string_view body,
                                               const std::string& request_id)>;

struct ApiRouterOptions {
  // Accept unsigned requests (local development only; never on a shared machine).
  bool insecure_dev = false;
  std::size_t max_json_body = 16ull << 20;
};

class ApiRouter final : public HttpHandler {
 public:
  // All references must outlive the router. `sagemaker` may be empty (not served yet).
  ApiRouter(const SigV4Verifier& verifier, S3Api& s3, JsonService sagemaker,
            ApiRouterOptions options)
      : verifier_(verifier), s3_(s3), sagemaker_(std::move(sagemaker)), options_(options) {}

  HttpResponse Handle(HttpRequest& request) override;
  // True for InvokeEndpoint (POST /endpoints/<name>/invocations, when the runtime is set and its
  // inline predicate, if any, agrees), GET/HEAD /healthz and GET /metrics (when set).
  bool ServeInline(const HttpRequest& head) const override;

  // Kiln's own REST routes under /kiln/ (e.g. training logs), served to any SigV4-authenticated
  // caller: returns nullopt for paths it does not serve. Set before the server starts.
  using KilnRoute = std::function<std::optional<HttpResponse>(const HttpRequest&)>;
  void SetKilnRoute(KilnRoute route) { kiln_route_ = std::move(route); }

  // SageMaker Runtime (rest-json): POST /endpoints/<name>/invocations, given the request and its
  // body (already read and signature-checked). Set before the server starts.
  using RuntimeService = std::function<HttpResponse(const HttpRequest&, std::string_view body)>;
  void SetRuntime(RuntimeService runtime) { runtime_ = std::move(runtime); }
  // Optional: whether an invocation of endpoint `name` may run on an I/O thread (it must not block
  // there). Unset: every invocation does. Set before the server starts.
  using RuntimeInlinePredicate = std::function<bool(std::string_view endpoint_name)>;
  void SetRuntimeInline(RuntimeInlinePredicate predicate) {
    runtime_inline_ = std::move(predicate);
  }

  // GET /metrics: the Prometheus text exposition, served WITHOUT authentication (scrapers do not
  // sign SigV4; bind the server to a private address or filter the path at a proxy to hide it). It
  // runs on an I/O thread, so it must not block. Unset: /metrics is an ordinary (signed) path.
  // Set before the server starts.
  using MetricsRoute = std::function<HttpResponse(const HttpRequest&)>;
  void SetMetricsRoute(MetricsRoute route) { metrics_ = std::move(route); }

  // Application Auto Scaling (awsJson1_1, X-Amz-Target "AnyScaleFrontendService.<Op>"), given the
  // operation. Unset: its operations answer UnknownOperationException. Set before the server
  // starts.
  void SetAutoScaling(JsonService autoscaling) { autoscaling_ = std::move(autoscaling); }

 private:
  HttpResponse HandleJson(HttpRequest& request, std::string_view target, std::string_view body);

  const SigV4Verifier& verifier_;
  S3Api& s3_;
  JsonService sagemaker_;
  KilnRoute kiln_route_;
  RuntimeService runtime_;
  RuntimeInlinePredicate runtime_inline_;
  MetricsRoute metrics_;
  JsonService autoscaling_;
  const ApiRouterOptions options_;
};

}  // namespace kiln
