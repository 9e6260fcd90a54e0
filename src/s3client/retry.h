// Retry policy shared by the S3 client and the http(s) source: how many times, how long to wait,
// and which failures are worth another try (connection errors, timeouts, 5xx, 429, SlowDown).
//
// The sleep is injected so tests check the schedule without waiting. RetryPolicy is a value;
// copies are independent and each is used by one thread.
#pragma once

#include <chrono>
#include <functional>
#include <string_view>

#include "common/status.h"

namespace kiln {

struct RetryOptions {
  int max_retries = 4;                             // retries after the first attempt
  std::chrono::milliseconds initial_backoff{250};  // doubles each retry
  std::chrono::milliseconds max_backoff{8'000};    // cap for one wait
  // How to wait; default std::this_thread::sleep_for.
  std::function<void(std::chrono::milliseconds)> sleep;

  Status Validate() const;
};

// The wait before retry number `retry` (0-based): initial_backoff * 2^retry, capped.
std::chrono::milliseconds BackoffFor(const RetryOptions& options, int retry);

// Sleeps for BackoffFor(options, retry) through options.sleep (or the real clock).
void SleepBeforeRetry(const RetryOptions& options, int retry);

// True when an HTTP response status / S3 error code is worth retrying: 5xx except 501, 429, and the
// codes S3 uses for throttling and slow clients (SlowDown, RequestTimeout, ...).
bool IsRetryableHttpStatus(int http_status, std::string_view s3_code);

// `status` with " (gave up after N retries)" appended when retries > 0; code and reason are kept.
Status GaveUp(const Status& status, int retries);

}  // namespace kiln
