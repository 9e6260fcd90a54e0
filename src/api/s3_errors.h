// S3's error responses: the XML body (<Error><Code>…) with the HTTP status each code has, and the
// mapping from a Kiln Status (by its reason token, else its code) to them. HEAD responses carry no
// body, as on AWS (boto3 then reports the bare status, e.g. "404"). Stateless, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "http/http_message.h"

namespace kiln {

// The HTTP status S3 uses for an error code (400 for codes it does not know).
int S3ErrorStatus(std::string_view code);

HttpResponse S3Error(std::string_view code, std::string_view message, std::string_view resource,
                     const HttpRequest& request);

// Maps a non-OK Status to an S3 error: reason() when it names an S3 code, else by code
// (InvalidArgument → InvalidArgument, NotFound → NoSuchKey, Unimplemented → NotImplemented,
// everything else → InternalError 500).
HttpResponse S3ErrorFromStatus(const Status& status, std::string_view resource,
                               const HttpRequest& request);

}  // namespace kiln
