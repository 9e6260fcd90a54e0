// ValueStats: what counting a number column's distinct values needs to know, gathered while the
// values are stored (in registers, not read back from memory): their range, whether all are whole,
// and, while all are whole numbers in [0, kSmall) (counts, ages, small codes: most integer
// columns), which ones occur. Stats of consecutive chunks merge; NaN (missing) is never counted.
// Not thread-safe: one per column per chunk.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

namespace kiln::table_internal {

class ValueStats {
 public:
  static constexpr std::uint64_t kSmall = 1024;

  // Adds integers in a tight loop: the range lives in locals (registers, as integers: cheaper
  // dependency chains than doubles) until Finish() merges it into the stats. The stats themselves
  // may take other values meanwhile.
  class IntegerBatch {
   public:
    explicit IntegerBatch(ValueStats* stats) : stats_(stats), seen_(stats->seen_.data()) {}
    // The value -magnitude (negative) or +magnitude, |value| <= 2^53.
    void Add(std::uint64_t magnitude, bool negative) {
      const auto v = static_cast<std::int64_t>(magnitude);
      const std::int64_t value = negative ? -v : v;
      lo_ = std::min(lo_, value);
      hi_ = std::max(hi_, value);
      // -0 is 0; another negative number is not small.
      small_or_ |= magnitude | (negative && magnitude != 0 ? kSmall : 0);
      seen_[magnitude & (kSmall - 1)] = true;
    }
    void Finish() {
      if (lo_ <= hi_) {
        stats_->lo_ = std::min(stats_->lo_, static_cast<double>(lo_));
        stats_->hi_ = std::max(stats_->hi_, static_cast<double>(hi_));
      }
      stats_->small_or_ |= small_or_;
    }

   private:
    ValueStats* stats_;
    std::int64_t lo_ = std::numeric_limits<std::int64_t>::max();
    std::int64_t hi_ = std::numeric_limits<std::int64_t>::min();
    std::uint64_t small_or_ = 0;
    bool* seen_;  // not a char type: its stores cannot alias the caller's output
  };
  // Any value; NaN is ignored.
  void Add(double d) {
    if (std::isnan(d))
      return;
    lo_ = std::min(lo_, d);
    hi_ = std::max(hi_, d);
    const bool whole = d == std::floor(d);
    integral_ = integral_ && whole;
    if (whole && d >= 0 && d < static_cast<double>(kSmall)) {
      const auto v = static_cast<std::uint64_t>(d);
      small_or_ |= v;
      seen_[v] = true;
    } else {
      small_or_ |= kSmall;
    }
  }
  // Adds the stats of other values (another chunk's).
  void Merge(const ValueStats& other) {
    lo_ = std::min(lo_, other.lo_);
    hi_ = std::max(hi_, other.hi_);
    integral_ = integral_ && other.integral_;
    small_or_ |= other.small_or_;
    for (std::size_t i = 0; i < kSmall; ++i)
      seen_[i] = seen_[i] || other.seen_[i];
  }
  // Forgets every value (they were dropped).
  void Clear() { *this = ValueStats(); }

  bool empty() const { return lo_ > hi_; }
  double lo() const { return lo_; }
  double hi() const { return hi_; }
  bool integral() const { return integral_; }
  // Whether every value is a whole number in [0, kSmall); then small_distinct() counts them.
  bool small() const { return small_or_ < kSmall; }
  std::size_t small_distinct() const {
    return static_cast<std::size_t>(std::count(seen_.begin(), seen_.end(), true));
  }

 private:
  double lo_ = std::numeric_limits<double>::infinity();
  double hi_ = -std::numeric_limits<double>::infinity();
  bool integral_ = true;
  std::uint64_t small_or_ = 0;  // OR of the small values; kSmall or more once one is not small
  std::array<bool, kSmall> seen_{};
};

}  // namespace kiln::table_internal
