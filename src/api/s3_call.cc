// Request parsing and response builders shared by S3Api's handlers (api/internal/s3_call.h).
#include "api/internal/s3_call.h"

#include "api/s3_api.h"
#include "auth/sigv4.h"

namespace kiln {

Status ParseCall(const HttpRequest& request, S3Api::Call* call) {
  const std::string& path = request.path;
  if (path.empty() || path[0] != '/')
    return Status::InvalidArgument("the request path must start with '/'")
        .WithReason("InvalidRequest");
  const std::size_t slash = path.find('/', 1);
  call->bucket =
      UriDecode(path.substr(1, slash == std::string::npos ? std::string::npos : slash - 1));
  if (slash != std::string::npos && slash + 1 < path.size()) {
    call->key = UriDecode(path.substr(slash + 1));
    call->has_key = true;
  }
  const std::string& q = request.query;
  std::size_t start = 0;
  while (start < q.size()) {
    std::size_t amp = q.find('&', start);
    if (amp == std::string::npos)
      amp = q.size();
    const std::string part = q.substr(start, amp - start);
    if (!part.empty()) {
      const std::size_t eq = part.find('=');
      const std::string name = UriDecode(part.substr(0, eq));
      call->query[name] = eq == std::string::npos ? std::string() : UriDecode(part.substr(eq + 1));
    }
    start = amp + 1;
  }
  return Status::Ok();
}

HttpResponse Empty(const S3Api::Call& c, int status) {
  HttpResponse r;
  r.status = status;
  r.SetHeader("x-amz-request-id", c.req.request_id);
  return r;
}

HttpResponse XmlResponse(const S3Api::Call& c, std::string xml) {
  HttpResponse r = Empty(c, 200);
  r.SetHeader("Content-Type", "application/xml");
  r.body = std::move(xml);
  return r;
}

}  // namespace kiln
