#include "serve/latency_histogram.h"

#include <algorithm>

namespace kiln {
namespace {

constexpr std::array<std::int64_t, kLatencyBoundsSeconds.size()> BoundsNs() {
  std::array<std::int64_t, kLatencyBoundsSeconds.size()> ns{};
  for (std::size_t i = 0; i < ns.size(); ++i)
    ns[i] = static_cast<std::int64_t>(kLatencyBoundsSeconds[i] * 1e9 + 0.5);
  return ns;
}

constexpr auto kBoundsNs = BoundsNs();

}  // namespace

std::uint64_t HistogramSnapshot::Count() const {
  std::uint64_t n = 0;
  for (std::uint64_t c : counts)
    n += c;
  return n;
}

void HistogramSnapshot::Add(const HistogramSnapshot& other) {
  for (std::size_t i = 0; i < counts.size(); ++i)
    counts[i] += other.counts[i];
  sum_ns += other.sum_ns;
}

void LatencyHistogram::Record(std::chrono::nanoseconds latency) {
  const std::int64_t ns = std::max<std::int64_t>(0, latency.count());
  const std::size_t i = static_cast<std::size_t>(
      std::lower_bound(kBoundsNs.begin(), kBoundsNs.end(), ns) - kBoundsNs.begin());
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<std::uint64_t>(ns), std::memory_order_relaxed);
}

HistogramSnapshot LatencyHistogram::Read() const {
  HistogramSnapshot s;
  for (std::size_t i = 0; i < counts_.size(); ++i)
    s.counts[i] = counts_[i].load(std::memory_order_relaxed);
  s.sum_ns = sum_ns_.load(std::memory_order_relaxed);
  return s;
}

void LatencyHistogram::Add(const HistogramSnapshot& other) {
  for (std::size_t i = 0; i < counts_.size(); ++i)
    counts_[i].fetch_add(other.counts[i], std::memory_order_relaxed);
  sum_ns_.fetch_add(other.sum_ns, std::memory_order_relaxed);
}

}  // namespace kiln
