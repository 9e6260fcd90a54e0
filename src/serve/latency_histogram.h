// LatencyHistogram: a lock-free latency histogram with Prometheus' cumulative-bucket semantics,
// for the InvokeEndpoint hot path (one relaxed atomic add per bucket hit and one for the sum).
// Bucket bounds are fixed (kLatencyBoundsSeconds, 50 µs .. 10 s) so every histogram in /metrics
// shares them. Snapshot is a plain value that adds up across instances.
//
// Thread-safety: Record and Read are safe from many threads at once.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace kiln {

inline constexpr std::array<double, 17> kLatencyBoundsSeconds = {
    0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
    0.05,    0.1,    0.25,    0.5,    1,     2.5,    5,     10};

struct HistogramSnapshot {
  // counts[i]: observations in (bound[i-1], bound[i]]; the last entry is (10 s, +Inf).
  std::array<std::uint64_t, kLatencyBoundsSeconds.size() + 1> counts{};
  std::uint64_t sum_ns = 0;
  std::uint64_t Count() const;
  void Add(const HistogramSnapshot& other);
};

class LatencyHistogram {
 public:
  void Record(std::chrono::nanoseconds latency);
  HistogramSnapshot Read() const;
  void Add(const HistogramSnapshot& other);

 private:
  std::array<std::atomic<std::uint64_t>, kLatencyBoundsSeconds.size() + 1> counts_{};
  std::atomic<std::uint64_t> sum_ns_{0};
};

}  // namespace kiln
