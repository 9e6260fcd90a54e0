#include "api/api_router.h"

#include "api/json_errors.h"
#include "api/s3_api.h"
#include "api/s3_errors.h"
#include "auth/sigv4.h"

namespace kiln {

namespace {

const char* S3AuthCode(AuthErrorKind kind, bool presigned) {
  switch (kind) {
    case AuthErrorKind::kMissing:
    case AuthErrorKind::kExpired:
      return "AccessDenied";
    case AuthErrorKind::kMalformed:
      return presigned ? "AuthorizationQueryParametersError" : "AuthorizationHeaderMalformed";
    case AuthErrorKind::kUnsupported:
      return "NotImplemented";
    case AuthErrorKind::kUnknownAccessKey:
      return "InvalidAccessKeyId";
    case AuthErrorKind::kSkewed:
      return "RequestTimeTooSkewed";
    case AuthErrorKind::kSignatureMismatch:
      return "SignatureDoesNotMatch";
    case AuthErrorKind::kPayloadHashMismatch:
      return "XAmzContentSHA256Mismatch";
  }
  return "AccessDenied";
}

// awsJson1_1 / rest-json codes for the same failures.
std::pair<int, const char*> JsonAuthCode(AuthErrorKind kind) {
  switch (kind) {
    case AuthErrorKind::kMissing:
      return {403, "MissingAuthenticationTokenException"};
    case AuthErrorKind::kMalformed:
      return {403, "IncompleteSignatureException"};
    case AuthErrorKind::kUnsupported:
      return {400, "InvalidSignatureException"};
    case AuthErrorKind::kUnknownAccessKey:
      return {403, "UnrecognizedClientException"};
    case AuthErrorKind::kSkewed:
    case AuthErrorKind::kExpired:
    case AuthErrorKind::kSignatureMismatch:
    case AuthErrorKind::kPayloadHashMismatch:
      return {403, "InvalidSignatureException"};
  }
  return {403, "InvalidSignatureException"};
}

bool IsJsonRequest(const HttpRequest& r) { return r.Header("x-amz-target").has_value(); }

bool IsHealthz(const HttpRequest& r) {
  return r.path == "/healthz" && (r.method == "GET" || r.method == "HEAD");
}

// The endpoint name of POST /endpoints/<name>/invocations, or nullopt.
std::optional<std::string_view> InvocationEndpoint(const HttpRequest& r) {
  constexpr std::string_view kPrefix = "/endpoints/", kSuffix = "/invocations";
  const std::string_view path = r.path;
  if (r.method != "POST" || !path.starts_with(kPrefix) || !path.ends_with(kSuffix) ||
      path.size() <= kPrefix.size() + kSuffix.size())
    return std::nullopt;
  return path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size());
}

// The whole body, bounded by `limit`: the server's buffer when it holds it (inline requests),
// else read into `storage`.
Result<std::string_view> WholeBody(HttpRequest& request, std::size_t limit, std::string& storage) {
  if (std::optional<std::string_view> b = request.body->buffered()) {
    if (b->size() > limit) {
      return Status::InvalidArgument("request body is larger than " + std::to_string(limit) +
                                     " bytes")
          .WithReason("EntityTooLarge");
    }
    return *b;
  }
  ASSIGN_OR_RETURN(storage, request.body->ReadAll(limit));
  return std::string_view(storage);
}

HttpResponse AuthFailure(const HttpRequest& r, const AuthError& e, bool presigned, bool json) {
  if (json) {
    auto [status, type] = JsonAuthCode(e.kind);
    return JsonError(status, type, e.message, r.request_id);
  }
  return S3Error(S3AuthCode(e.kind, presigned), e.message, r.path, r);
}

}  // namespace

bool ApiRouter::ServeInline(const HttpRequest& head) const {
  if (IsHealthz(head))
    return true;
  if (metrics_ && head.path == "/metrics" && head.method == "GET")
    return true;
  if (!runtime_ || head.Header("x-amz-target"))
    return false;
  const std::optional<std::string_view> endpoint = InvocationEndpoint(head);
  return endpoint && (!runtime_inline_ || runtime_inline_(*endpoint));
}

HttpResponse ApiRouter::Handle(HttpRequest& request) {
  if (IsHealthz(request)) {
    HttpResponse r;
    r.body = "ok\n";
    r.SetHeader("Content-Type", "text/plain");
    return r;
  }
  if (metrics_ && request.path == "/metrics" && request.method == "GET")
    return metrics_(request);
  const RequestHead head{request.method, request.target, request.headers};
  SignatureInfo sig;
  std::optional<AuthError> err = ParseSignature(head, &sig);
  const bool json = IsJsonRequest(request);
  std::string body_storage;
  if (err && err->kind == AuthErrorKind::kMissing && options_.insecure_dev) {
    if (auto target = request.Header("x-amz-target")) {
      auto body = WholeBody(request, options_.max_json_body, body_storage);
      if (!body.ok())
        return JsonError(413, "ValidationException", body.error().message(), request.request_id);
      return HandleJson(request, *target, *body);
    }
    if (runtime_ && request.path.starts_with("/endpoints/")) {
      auto body = WholeBody(request, options_.max_json_body, body_storage);
      if (!body.ok())
        return JsonError(413, "ValidationException", body.error().message(), request.request_id);
      return runtime_(request, *body);
    }
    return s3_.Handle(request, nullptr);
  }
  if (err)
    return AuthFailure(request, *err, sig.presigned, json);

  if (sig.service == "s3") {
    if (auto bad = verifier_.Verify(head, sig, sig.payload_hash))
      return AuthFailure(request, *bad, sig.presigned, false);
    return s3_.Handle(request, &sig);
  }
  if (sig.service == "sagemaker" || sig.service == "application-autoscaling") {
    // JSON services sign the body's hash: read it (bounded) before verifying.
    auto body = WholeBody(request, options_.max_json_body, body_storage);
    if (!body.ok())
      return JsonError(413, "ValidationException", body.error().message(), request.request_id);
    if (auto bad = verifier_.Verify(head, sig, verifier_.PayloadHash(*body)))
      return AuthFailure(request, *bad, false, true);
    auto target = request.Header("x-amz-target");
    if (!target && runtime_ && request.path.rfind("/endpoints/", 0) == 0)
      return runtime_(request, *body);
    if (!target && kiln_route_ && request.path.rfind("/kiln/", 0) == 0) {
      if (auto r = kiln_route_(request))
        return std::move(*r);
    }
    if (!target) {
      return JsonError(404, "UnknownOperationException",
                       "no operation at " + request.method + " " + request.path,
                       request.request_id);
    }
    return HandleJson(request, *target, *body);
  }
  return json ? JsonError(400, "UnknownServiceException",
                          "Kiln does not serve the \"" + sig.service + "\" service",
                          request.request_id)
              : S3Error("InvalidRequest", "Kiln does not serve the \"" + sig.service + "\" service",
                        request.path, request);
}

}  // namespace kiln

namespace kiln {

HttpResponse ApiRouter::HandleJson(HttpRequest& request, std::string_view target,
                                   std::string_view body) {
  const std::size_t dot = target.find('.');
  const std::string_view prefix = target.substr(0, dot);
  const std::string_view operation =
      dot == std::string_view::npos ? std::string_view() : target.substr(dot + 1);
  if (prefix == "SageMaker" && sagemaker_)
    return sagemaker_(operation, body, request.request_id);
  if (prefix == "AnyScaleFrontendService" && autoscaling_)
    return autoscaling_(operation, body, request.request_id);
  return JsonError(400, "UnknownOperationException",
                   "Kiln does not serve the operation \"" + std::string(target) + "\" yet",
                   request.request_id);
}

}  // namespace kiln
