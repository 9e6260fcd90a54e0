#include "serve/rate_window.h"

#include <algorithm>

namespace kiln {
namespace {

std::int64_t Ns(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

constexpr std::int64_t kSecond = 1'000'000'000;

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) { return a / b - (a % b < 0 ? 1 : 0); }

}  // namespace

RateWindow::RateWindow(std::chrono::seconds window)
    : seconds_(std::max<std::int64_t>(1, window.count())),
      ring_(std::make_unique<Bucket[]>(static_cast<std::size_t>(seconds_ + 1))) {}

void RateWindow::Record(std::chrono::system_clock::time_point now, std::chrono::nanoseconds busy) {
  const std::int64_t second = FloorDiv(Ns(now), kSecond);
  const std::int64_t n = seconds_ + 1;
  Bucket& b = ring_[static_cast<std::size_t>((second % n + n) % n)];
  std::int64_t stamped = b.second.load(std::memory_order_acquire);
  if (stamped != second) {
    if (stamped < second && b.second.compare_exchange_strong(stamped, second)) {
      b.count.store(0, std::memory_order_relaxed);
      b.busy_ns.store(0, std::memory_order_relaxed);
    } else if (b.second.load(std::memory_order_acquire) != second) {
      return;  // a stale record for a bucket already reused: drop it
    }
  }
  b.count.fetch_add(1, std::memory_order_relaxed);
  b.busy_ns.fetch_add(std::max<std::int64_t>(0, busy.count()), std::memory_order_relaxed);
}

RateWindow::Rates RateWindow::Read(std::chrono::system_clock::time_point now) const {
  const std::int64_t ns = Ns(now);
  const std::int64_t second = FloorDiv(ns, kSecond);
  // The window: the current (partial) second and the seconds_ - 1 full ones before it.
  const std::int64_t first = second - seconds_ + 1;
  const std::int64_t recent = std::min(seconds_, kRecentSeconds);
  const std::int64_t first_recent = second - recent + 1;
  std::int64_t count = 0, busy = 0, recent_count = 0, recent_busy = 0;
  for (std::int64_t i = 0; i <= seconds_; ++i) {
    const Bucket& b = ring_[static_cast<std::size_t>(i)];
    const std::int64_t s = b.second.load(std::memory_order_acquire);
    if (s < first || s > second)
      continue;
    const std::int64_t c = b.count.load(std::memory_order_relaxed);
    const std::int64_t t = b.busy_ns.load(std::memory_order_relaxed);
    count += c;
    busy += t;
    if (s >= first_recent) {
      recent_count += c;
      recent_busy += t;
    }
  }
  const std::int64_t partial_ns = ns - second * kSecond;
  const double span_ns = static_cast<double>((seconds_ - 1) * kSecond + partial_ns);
  const double recent_span_ns = static_cast<double>((recent - 1) * kSecond + partial_ns);
  Rates r;
  if (span_ns > 0) {
    r.per_second = static_cast<double>(count) * 1e9 / span_ns;
    r.mean_concurrency = static_cast<double>(busy) / span_ns;
  }
  if (recent_span_ns > 0) {
    r.recent_per_second = static_cast<double>(recent_count) * 1e9 / recent_span_ns;
    r.recent_mean_concurrency = static_cast<double>(recent_busy) / recent_span_ns;
  }
  return r;
}

}  // namespace kiln
