// How far a batch-transform job got: TransformProgress, a snapshot (stored with the job and shown
// as DescribeTransformJob's KilnProgress, Kiln's extension: docs/api.md), and TransformCounters,
// the live atomics a running job's threads add to. Counts are of input objects (found, finished),
// records predicted and input bytes (as stored; read so far).
//
// TransformProgress is a plain value. TransformCounters is thread-safe (relaxed atomics; a
// snapshot's fields are each current, not one instant's).
#pragma once

#include <atomic>
#include <cstdint>

namespace kiln {

struct TransformProgress {
  std::uint64_t objects_total = 0;  // input objects found (0 until listed)
  std::uint64_t objects_done = 0;   // .out objects written
  std::uint64_t records_done = 0;   // records predicted
  std::uint64_t bytes_total = 0;    // stored bytes of the input objects
  std::uint64_t bytes_done = 0;     // stored bytes read so far

  bool operator==(const TransformProgress&) const = default;
};

struct TransformCounters {
  std::atomic<std::uint64_t> objects_total{0};
  std::atomic<std::uint64_t> objects_done{0};
  std::atomic<std::uint64_t> records_done{0};
  std::atomic<std::uint64_t> bytes_total{0};
  std::atomic<std::uint64_t> bytes_done{0};

  TransformProgress Snapshot() const {
    return {objects_total.load(), objects_done.load(), records_done.load(), bytes_total.load(),
            bytes_done.load()};
  }
};

}  // namespace kiln
