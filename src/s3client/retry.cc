// Retry schedule and retryable statuses (see retry.h). Thread-safe.
#include "s3client/retry.h"

#include <algorithm>
#include <thread>

namespace kiln {

Status RetryOptions::Validate() const {
  if (max_retries < 0 || max_retries > 20)
    return Status::InvalidArgument("max_retries must be from 0 to 20");
  if (initial_backoff.count() < 0 || max_backoff < initial_backoff)
    return Status::InvalidArgument("backoff must satisfy 0 <= initial_backoff <= max_backoff");
  return Status::Ok();
}

std::chrono::milliseconds BackoffFor(const RetryOptions& options, int retry) {
  std::chrono::milliseconds wait = options.initial_backoff;
  for (int i = 0; i < retry && wait < options.max_backoff; ++i)
    wait *= 2;
  return std::min(wait, options.max_backoff);
}

void SleepBeforeRetry(const RetryOptions& options, int retry) {
  const std::chrono::milliseconds wait = BackoffFor(options, retry);
  if (options.sleep)
    options.sleep(wait);
  else
    std::this_thread::sleep_for(wait);
}

bool IsRetryableHttpStatus(int http_status, std::string_view s3_code) {
  if (s3_code == "SlowDown" || s3_code == "RequestTimeout" || s3_code == "InternalError" ||
      s3_code == "ServiceUnavailable" || s3_code == "Throttling")
    return true;
  return http_status == 429 || (http_status >= 500 && http_status != 501);
}

ResumingSink::ResumingSink(std::uint64_t offset, const BodySink& sink)
    : sink_(sink),
      wrapped_([this](std::string_view chunk) { return Deliver(chunk); }),
      position_(offset),
      attempt_start_(offset) {}

Status ResumingSink::Deliver(std::string_view chunk) {
  if (skip_ > 0) {
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(skip_, chunk.size()));
    skip_ -= n;
    chunk.remove_prefix(n);
  }
  if (chunk.empty())
    return Status::Ok();
  position_ += chunk.size();
  sink_status_ = sink_(chunk);
  return sink_status_;
}

Status GaveUp(const Status& status, int retries) {
  if (status.ok() || retries <= 0)
    return status;
  return Status(status.code(),
                status.message() + " (gave up after " + std::to_string(retries) + " retries)")
      .WithReason(status.reason());
}

}  // namespace kiln
