// Data capture (SageMaker's DataCaptureConfig): a sample of an endpoint's requests and responses
// written to Kiln's store as JSON Lines, one record per request in SageMaker's capture format:
//   {"captureData":{"endpointInput":{"observedContentType":"text/csv","mode":"INPUT",
//    "data":"1,2","encoding":"CSV"},"endpointOutput":{...,"mode":"OUTPUT",...}},
//    "eventMetadata":{"eventId":"...","inferenceTime":"2026-12-01T22:00:00Z"},"eventVersion":"0"}
// Objects go to <DestinationS3Uri>/<endpoint>/<variant>/yyyy/mm/dd/hh/<mm-ss-mmm>-<id>.jsonl
// (UTC hour of the inference), one per flush and hour.
//
// CaptureWriter keeps the request path cheap: Submit copies the sampled bytes into a queue (one
// short lock); a background thread formats and writes them at least every flush interval and at
// destruction. When more than max_buffered_bytes wait, new records are dropped and counted.
//
// Thread-safety: thread-safe. `store` and `clock` must outlive the writer.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>

#include "common/clock.h"
#include "common/status.h"
#include "serve/endpoint_types.h"

namespace kiln {

class ObjectStore;

struct CaptureEvent {
  std::string destination;  // DestinationS3Uri
  std::string endpoint;
  std::string variant;
  std::int64_t time_ms = 0;  // inference time, unix ms
  std::string event_id;
  std::string inference_id;  // the request's InferenceId; empty: none
  bool has_input = false;
  std::string input_type;
  std::string input_encoding;  // "CSV", "JSON" or "BASE64"
  std::string input;
  bool has_output = false;
  std::string output_type;
  std::string output_encoding;
  std::string output;
};

// "CSV", "JSON" or "BASE64": how `content_type` is written under `spec`'s
// CaptureContentTypeHeader (SageMaker's defaults: text/csv is CSV, application/json JSON).
std::string CaptureEncoding(const DataCaptureSpec& spec, std::string_view content_type);

// One JSON Lines record (no newline) for `event`; BASE64 data is encoded here.
std::string CaptureRecordJson(const CaptureEvent& event);

// The object key (within the destination's bucket) for records of `event`'s endpoint and variant
// in its hour, `unique` distinguishing objects of the same flush.
std::string CaptureObjectKey(std::string_view prefix, const CaptureEvent& event,
                             std::int64_t flush_ms, std::string_view unique);

class CaptureWriter {
 public:
  CaptureWriter(ObjectStore& store, const Clock& clock, std::chrono::milliseconds flush_interval,
                std::size_t max_buffered_bytes);
  CaptureWriter(const CaptureWriter&) = delete;
  CaptureWriter& operator=(const CaptureWriter&) = delete;
  ~CaptureWriter();  // writes what is buffered, then stops

  void Submit(CaptureEvent event);
  // Writes everything submitted so far; the first error (records of a failed object are counted
  // as dropped).
  Status Flush();

  std::uint64_t written() const;  // records written
  std::uint64_t dropped() const;  // records lost: buffer full or a write failed

 private:
  void Run(std::stop_token stop);

  ObjectStore& store_;
  const Clock& clock_;
  const std::chrono::milliseconds interval_;
  const std::size_t max_bytes_;
  std::mutex flush_mu_;  // one Flush at a time
  mutable std::mutex mu_;
  std::condition_variable_any wake_;
  std::deque<CaptureEvent> queue_;  // GUARDED_BY(mu_)
  std::size_t queued_bytes_ = 0;    // GUARDED_BY(mu_)
  std::uint64_t written_ = 0;       // GUARDED_BY(mu_)
  std::uint64_t dropped_ = 0;       // GUARDED_BY(mu_)
  std::uint64_t objects_ = 0;       // GUARDED_BY(flush_mu_): makes object names unique
  std::jthread thread_;             // last
};

}  // namespace kiln
