// ApiRouter: the HttpHandler behind Kiln's one port. It authenticates every request with SigV4 and
// routes it by the signing service (S3; SageMaker and SageMaker Runtime, which both sign as
// "sagemaker"; Application Auto Scaling), as in ../shared/research/sagemaker-api-subset.md §1.0.
// Authentication failures answer in the protocol's own error format. `GET /healthz` answers 200
// without authentication. Thread-safe.
#pragma once

#include <functional>
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

 private:
  HttpResponse HandleJson(HttpRequest& request, std::string_view target, std::string_view body);

  const SigV4Verifier& verifier_;
  S3Api& s3_;
  JsonService sagemaker_;
  const ApiRouterOptions options_;
};

}  // namespace kiln
