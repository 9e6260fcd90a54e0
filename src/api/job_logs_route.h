// JobLogsRoute: Kiln's REST route for a job's log, in place of SageMaker's CloudWatch stream —
// `GET /kiln/v1/training-jobs/<name>/logs` and `GET /kiln/v1/transform-jobs/<name>/logs` answer
// the log so far as text/plain (what `kiln logs JOB` prints; empty before a worker starts the
// job). One function for both kinds of job, given the prefix and the service's Logs.
//
// Authentication is ApiRouter's: Kiln routes are served only to requests signed with SigV4 for the
// "sagemaker" service (ApiRouter::SetKilnRoute), as every SageMaker call. An unknown job is 404,
// Kiln's own failure 500, each with the message as text. Thread-safety: stateless; `logs` must be
// thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "http/http_message.h"

namespace kiln {

// The job's log so far; NotFound when there is no such job.
using JobLogsFn = std::function<Result<std::string>(std::string_view name)>;

// The response when `request` is `GET <prefix><name>/logs` (prefix e.g.
// "/kiln/v1/transform-jobs/", name non-empty); nullopt for any other request.
std::optional<HttpResponse> JobLogsRoute(std::string_view prefix, const JobLogsFn& logs,
                                         const HttpRequest& request);

}  // namespace kiln
