#include "api/s3_errors.h"

#include <map>

#include "api/s3_xml.h"

namespace kiln {

int S3ErrorStatus(std::string_view code) {
  static const std::map<std::string_view, int> kStatus = {
      {"AccessDenied", 403},
      {"AuthorizationHeaderMalformed", 400},
      {"AuthorizationQueryParametersError", 400},
      {"BadDigest", 400},
      {"BucketAlreadyExists", 409},
      {"BucketAlreadyOwnedByYou", 409},
      {"BucketNotEmpty", 409},
      {"EntityTooLarge", 400},
      {"EntityTooSmall", 400},
      {"IncompleteBody", 400},
      {"InternalError", 500},
      {"InvalidAccessKeyId", 403},
      {"InvalidArgument", 400},
      {"InvalidBucketName", 400},
      {"InvalidDigest", 400},
      {"InvalidPart", 400},
      {"InvalidPartOrder", 400},
      {"InvalidRange", 416},
      {"InvalidRequest", 400},
      {"KeyTooLongError", 400},
      {"MalformedXML", 400},
      {"MethodNotAllowed", 405},
      {"MissingContentLength", 411},
      {"NoSuchBucket", 404},
      {"NoSuchKey", 404},
      {"NoSuchUpload", 404},
      {"NotImplemented", 501},
      {"PreconditionFailed", 412},
      {"RequestTimeTooSkewed", 403},
      {"SignatureDoesNotMatch", 403},
      {"XAmzContentSHA256Mismatch", 400},
  };
  auto it = kStatus.find(code);
  return it == kStatus.end() ? 400 : it->second;
}

HttpResponse S3Error(std::string_view code, std::string_view message, std::string_view resource,
                     const HttpRequest& request) {
  HttpResponse r;
  r.status = S3ErrorStatus(code);
  r.SetHeader("x-amz-request-id", request.request_id);
  if (request.method == "HEAD")
    return r;  // S3 sends no body on HEAD errors
  XmlWriter w;
  w.Open("Error").Leaf("Code", code).Leaf("Message", message);
  if (!resource.empty())
    w.Leaf("Resource", resource);
  w.Leaf("RequestId", request.request_id).Close("Error");
  r.body = w.Take();
  r.SetHeader("Content-Type", "application/xml");
  return r;
}

HttpResponse S3ErrorFromStatus(const Status& status, std::string_view resource,
                               const HttpRequest& request) {
  std::string code = status.reason();
  if (code.empty()) {
    switch (status.code()) {
      case StatusCode::kInvalidArgument:
        code = "InvalidArgument";
        break;
      case StatusCode::kNotFound:
        code = "NoSuchKey";
        break;
      case StatusCode::kUnimplemented:
        code = "NotImplemented";
        break;
      default:
        code = "InternalError";
    }
  }
  return S3Error(code, status.message(), resource, request);
}

}  // namespace kiln
