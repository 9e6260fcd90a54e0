// An ObjectSource reading an http:// or https:// URL: HEAD describes it, GET streams it, and a
// download that breaks midway continues with `Range: bytes=N-` (or, from a server without range
// support, re-reads and skips), checking ETag / Last-Modified so a changed file is never spliced.
// Redirects (301, 302, 303, 307, 308) are followed. Not thread-safe.
#pragma once

#include <memory>

#include "s3client/http_client.h"
#include "s3client/object_source.h"
#include "s3client/retry.h"
#include "s3client/url.h"

namespace kiln {

struct HttpSourceOptions {
  HttpClientOptions http;
  RetryOptions retry;
  int max_redirects = 5;
};

std::unique_ptr<ObjectSource> NewHttpSource(Url url, HttpSourceOptions options);

}  // namespace kiln
