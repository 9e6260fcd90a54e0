// SeparatorScanner: finds the next delimiter, '\n' or '"' in a CSV buffer 64 bytes at a time (SSE2
// compares and bit masks where available, a scalar loop otherwise), so splitting short cells costs
// a count-trailing-zeros per cell instead of a branch per byte. Reads only inside [start, end). Not
// thread-safe: one scanner per chunk scan.
#pragma once

#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#include <xmmintrin.h>
#endif

namespace kiln::table_internal {

class SeparatorScanner {
 public:
  SeparatorScanner(const char* start, const char* end, char delimiter)
      : end_(end), delimiter_(delimiter) {
    Seek(start);
  }

  // Restarts at `p`: the next call to Next() returns the first separator at or after `p`.
  void Seek(const char* p) {
    base_ = p;
    if (end_ - p >= 64) {
      mask_ = Mask64(p);
      return;
    }
    mask_ = 0;
    for (int i = 0; p + i < end_; ++i) {
      char c = p[i];
      if (c == delimiter_ || c == '\n' || c == '"')
        mask_ |= std::uint64_t{1} << i;
    }
  }

  // The next separator (delimiter, '\n' or '"') not yet returned, or `end` when there is none.
  // Consumes bits of a 64-byte mask, so successive calls do not depend on each other's loads.
  const char* Next() {
    while (mask_ == 0) {
      if (end_ - base_ <= 64)
        return end_;
      Seek(base_ + 64);
    }
    const char* hit = base_ + static_cast<unsigned>(__builtin_ctzll(mask_));
    mask_ &= mask_ - 1;
    return hit;
  }
  // Next() while the current 64-byte block has separators left (then true), without refilling.
  bool NextInBlock(const char** hit) {
    if (mask_ == 0)
      return false;
    *hit = base_ + static_cast<unsigned>(__builtin_ctzll(mask_));
    mask_ &= mask_ - 1;
    return true;
  }

 private:
  std::uint64_t Mask64(const char* p) const {
#if defined(__SSE2__)
    // The file is read once, front to back, and is far larger than the caches: ask for the data
    // a few blocks ahead (the hardware prefetcher stops at page boundaries).
    _mm_prefetch(p + kPrefetchAhead, _MM_HINT_T0);
    const __m128i d = _mm_set1_epi8(delimiter_);
    const __m128i nl = _mm_set1_epi8('\n');
    const __m128i q = _mm_set1_epi8('"');
    std::uint64_t m = 0;
    for (int i = 0; i < 4; ++i) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
      __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, d), _mm_cmpeq_epi8(v, nl)),
                                 _mm_cmpeq_epi8(v, q));
      m |= static_cast<std::uint64_t>(static_cast<std::uint32_t>(_mm_movemask_epi8(hit)))
           << (16 * i);
    }
    return m;
#else
    std::uint64_t m = 0;
    for (int i = 0; i < 64; ++i) {
      char c = p[i];
      if (c == delimiter_ || c == '\n' || c == '"')
        m |= std::uint64_t{1} << i;
    }
    return m;
#endif
  }

  static constexpr int kPrefetchAhead = 1024;

  const char* end_;
  char delimiter_;
  const char* base_ = nullptr;  // the mask covers [base_, base_ + 64)
  std::uint64_t mask_ = 0;
};

}  // namespace kiln::table_internal
