// Errors of the awsJson1_1 and rest-json protocols (SageMaker, SageMaker Runtime, Application Auto
// Scaling): `{"__type": "<Code>", "message": "..."}` with the x-amzn-RequestId and
// x-amzn-ErrorType headers botocore reads. Stateless, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "http/http_message.h"

namespace kiln {

HttpResponse JsonError(int status, std::string_view type, std::string_view message,
                       const std::string& request_id);

// Maps a non-OK Status: reason() when set (e.g. "ResourceInUse", "ResourceNotFound"), else
// InvalidArgument/NotFound/AlreadyExists/FailedPrecondition → 400 ValidationException, everything
// else → 500 InternalFailure. Never a 5xx for a user error: botocore retries those.
HttpResponse JsonErrorFromStatus(const Status& status, const std::string& request_id);

}  // namespace kiln
