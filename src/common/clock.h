// Clock: wall time behind an interface, so signature windows, timeouts and the autoscaler are
// tested without sleeping. SystemClock is the real one; ManualClock is set by tests. Both
// thread-safe.
#pragma once

#include <atomic>
#include <chrono>

namespace kiln {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::now();
  }
};

// A clock that moves only when told to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::chrono::system_clock::time_point start) : ns_(ToNs(start)) {}
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds(ns_.load())));
  }
  void Set(std::chrono::system_clock::time_point t) { ns_.store(ToNs(t)); }
  void Advance(std::chrono::nanoseconds d) { ns_.fetch_add(d.count()); }

 private:
  static long long ToNs(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  }
  std::atomic<long long> ns_;
};

}  // namespace kiln
