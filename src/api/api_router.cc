#include "api/api_router.h"

#include "api/json_errors.h"
#include "api/s3_api.h"
#include "api/s3_errors.h"
#include "auth/sigv4.h"
#include "common/digest.h"

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

HttpResponse AuthFailure(const HttpRequest& r, const AuthError& e, bool presigned, bool json) {
  if (json) {
    auto [status, type] = JsonAuthCode(e.kind);
    return JsonError(status, type, e.message, r.request_id);
  }
  return S3Error(S3AuthCode(e.kind, presigned), e.message, r.path, r);
}

}  // namespace

HttpResponse ApiRouter::Handle(HttpRequest& request) {
  if (request.path == "/healthz" && (request.method == "GET" || request.method == "HEAD")) {
    HttpResponse r;
    r.body = "ok\n";
    r.SetHeader("Content-Type", "text/plain");
    return r;
  }
  std::vector<std::pair<std::string, std::string>> headers = request.headers;
  RequestHead head{request.method, request.target, headers};
  SignatureInfo sig;
  std::optional<AuthError> err = ParseSignature(head, &sig);
  const bool json = IsJsonRequest(request);
  if (err && err->kind == AuthErrorKind::kMissing && options_.insecure_dev) {
    if (auto target = request.Header("x-amz-target")) {
      auto body = request.body->ReadAll(options_.max_json_body);
      if (!body.ok())
        return JsonError(413, "ValidationException", body.error().message(), request.request_id);
      return HandleJson(request, *target, *body);
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
    auto body = request.body->ReadAll(options_.max_json_body);
    if (!body.ok())
      return JsonError(413, "ValidationException", body.error().message(), request.request_id);
    if (auto bad = verifier_.Verify(head, sig, Sha256Hex(*body)))
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
                       "no operation at " + request.method + " " + request.path +
                           " (Application Auto Scaling comes in a later release)",
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
  return JsonError(400, "UnknownOperationException",
                   "Kiln does not serve the operation \"" + std::string(target) + "\" yet",
                   request.request_id);
}

}  // namespace kiln
