// PartPipeline: overlaps reading a stream with uploading its parts. The reader fills one part
// buffer while a worker thread uploads the previous one, so a remote-to-Kiln import moves at the
// speed of the slower side instead of the sum, with at most two part buffers in memory.
//
// Parts are uploaded one at a time, in the order pushed (resume state stays a prefix). The first
// upload error is kept: later pushes return it at once and the rest are dropped.
//
// Thread-safe between one pushing thread and the worker it owns (a std::jthread joined by the
// destructor, after the part in flight finishes).
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "common/status.h"

namespace kiln {

class PartPipeline {
 public:
  // `upload` runs on the worker thread, once per pushed part, in order.
  explicit PartPipeline(std::function<Status(const std::string& part)> upload);
  ~PartPipeline();
  PartPipeline(const PartPipeline&) = delete;
  PartPipeline& operator=(const PartPipeline&) = delete;

  // Hands `buffer` to the worker and gives back an empty one (a recycled buffer when available).
  // Blocks while the worker is still uploading the previous part. Returns the first upload error.
  Status Push(std::string& buffer);

  // Waits until every pushed part is uploaded; returns the first upload error.
  Status Drain();

 private:
  void Work(std::stop_token stop);

  std::function<Status(const std::string&)> upload_;
  std::mutex mu_;
  std::condition_variable_any cv_;
  std::optional<std::string> pending_;  // GUARDED_BY(mu_): pushed, not yet uploaded
  bool busy_ = false;                   // GUARDED_BY(mu_): the worker is uploading a part
  std::string spare_;                   // GUARDED_BY(mu_): an uploaded buffer to reuse
  Status error_;                        // GUARDED_BY(mu_)
  std::jthread worker_;                 // last: starts after the fields it uses exist
};

}  // namespace kiln
