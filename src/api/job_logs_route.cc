#include "api/job_logs_route.h"

#include <utility>

namespace kiln {

std::optional<HttpResponse> JobLogsRoute(std::string_view prefix, const JobLogsFn& logs,
                                         const HttpRequest& request) {
  static constexpr std::string_view kSuffix = "/logs";
  const std::string_view path = request.path;
  if (request.method != "GET" || !path.starts_with(prefix) ||
      path.size() <= prefix.size() + kSuffix.size() || !path.ends_with(kSuffix))
    return std::nullopt;
  const std::string_view name =
      path.substr(prefix.size(), path.size() - prefix.size() - kSuffix.size());
  HttpResponse r;
  r.SetHeader("x-amzn-RequestId", request.request_id);
  Result<std::string> text = logs(name);
  if (!text.ok()) {
    r.status = text.error().code() == StatusCode::kNotFound ? 404 : 500;
    r.body = text.error().message() + "\n";
  } else {
    r.body = std::move(*text);
  }
  r.SetHeader("Content-Type", "text/plain; charset=utf-8");
  return r;
}

}  // namespace kiln
