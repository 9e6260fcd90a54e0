// Retry policy shared by the S3 client and the http(s) source: how many times, how long to wait,
// and which failures are worth another try (connection errors, timeouts, 5xx, 429, SlowDown); the
// retry count of one operation (RetryCounter), and the sink of a download that resumes where it
// broke (ResumingSink).
//
// The sleep is injected so tests check the schedule without waiting. RetryOptions is a value;
// copies are independent and each is used by one thread. RetryCounter and ResumingSink belong to
// the one call that made them.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>

#include "common/status.h"
#include "s3client/http_client.h"

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

// The retries of one operation, counted against options.max_retries:
//   while (true) { r = Attempt(); if (ok) return r;
//                  if (retryable && retry.CanRetry()) { retry.Wait(); continue; }
//                  return retry.GaveUp(error); }
// A download resumed where it broke calls Reset() when an attempt delivered bytes, so breaks that
// each move it forward do not use up the retries.
class RetryCounter {
 public:
  explicit RetryCounter(const RetryOptions& options) : options_(options) {}

  // Whether another attempt is allowed.
  bool CanRetry() const { return retries_ < options_.max_retries; }
  // Sleeps before the next retry (SleepBeforeRetry) and counts it.
  void Wait() { SleepBeforeRetry(options_, retries_++); }
  // Counts from zero again.
  void Reset() { retries_ = 0; }
  int retries() const { return retries_; }
  // GaveUp(status, retries()).
  Status GaveUp(const Status& status) const { return kiln::GaveUp(status, retries_); }

 private:
  const RetryOptions& options_;
  int retries_ = 0;
};

// The caller's sink, wrapped for a download retried from where it broke: it counts the bytes
// delivered (position(), from `offset`), drops the first bytes of a response that repeats what was
// delivered (a server that ignored Range and sends from byte 0, see SkipFirst), and keeps the
// sink's own error apart from the transport's, since that one ends the download.
class ResumingSink {
 public:
  // `sink` must outlive this.
  ResumingSink(std::uint64_t offset, const BodySink& sink);
  ResumingSink(const ResumingSink&) = delete;
  ResumingSink& operator=(const ResumingSink&) = delete;

  // The sink to give each attempt.
  const BodySink& sink() const { return wrapped_; }
  // The offset of the next byte the caller's sink expects.
  std::uint64_t position() const { return position_; }
  // Drops the next `n` bytes the response delivers.
  void SkipFirst(std::uint64_t n) { skip_ = n; }
  // Marks the start of an attempt, for progressed().
  void StartAttempt() { attempt_start_ = position_; }
  // Whether the caller's sink got bytes since StartAttempt().
  bool progressed() const { return position_ > attempt_start_; }
  // The caller's sink's last error (OK while it accepts every chunk).
  const Status& sink_status() const { return sink_status_; }

 private:
  Status Deliver(std::string_view chunk);

  const BodySink& sink_;
  BodySink wrapped_;
  std::uint64_t position_;
  std::uint64_t attempt_start_;
  std::uint64_t skip_ = 0;
  Status sink_status_;
};

}  // namespace kiln
