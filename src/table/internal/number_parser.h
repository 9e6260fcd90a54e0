// Number parsing for cells: strict decimal syntax, no locale, no allocation. Integers and reals are
// what type inference accepts as numbers: "12", "-3.25", "+1", ".5", "1e5"; never "nan", "inf",
// " 1" or "1,5". Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace kiln::table_internal {

// Largest integer magnitude kept as "integer" (2^53: every such value is exact as a double).
inline constexpr std::int64_t kMaxExactInteger = 9007199254740992LL;

// [+-]?[0-9]+ with magnitude <= kMaxExactInteger. Leading zeros are allowed ("007" is 7).
bool ParseInteger(std::string_view s, std::int64_t* out);

// [+-]? (digits [. digits*] | . digits) ([eE] [+-]? digits)?, finite as a double. Texts longer than
// 1024 bytes are not numbers.
bool ParseNumber(std::string_view s, double* out);

namespace number_internal {

inline constexpr std::uint64_t kZeroDigits = 0x3030303030303030ULL;  // "00000000"

// Whether all 8 bytes of `w` are ASCII digits.
inline bool AreEightDigits(std::uint64_t w) {
  return ((w & 0xF0F0F0F0F0F0F0F0ULL) |
          (((w + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) >> 4)) == 0x3333333333333333ULL;
}

// The value of 8 ASCII digits loaded little-endian (the first digit in the lowest byte).
inline std::uint32_t EightDigitsValue(std::uint64_t w) {
  w -= kZeroDigits;
  w = w * 10 + (w >> 8);
  w = (((w & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
       (((w >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
      32;
  return static_cast<std::uint32_t>(w);
}

// The k (1..8) bytes at p as the last digits of 8, led by '0's. Loads a whole word when 8 bytes
// from p are inside the buffer.
inline std::uint64_t LoadDigitWord(const char* p, std::size_t k, const char* buffer_end) {
  std::uint64_t w = 0;
  if (buffer_end - p >= 8)
    std::memcpy(&w, p, 8);
  else
    std::memcpy(&w, p, k);
  const unsigned shift = static_cast<unsigned>(8 * (8 - k));
  return (w << shift) | (kZeroDigits & ~(~std::uint64_t{0} << shift));
}

// The value of the k (1..4) digits at p, or -1 when one is not a digit: 32-bit words, whose
// constants are immediates (the common short count: "0", "41", "118").
inline std::int32_t ShortDigitsValue(const char* p, std::size_t k, const char* buffer_end) {
  std::uint32_t w = 0;
  if (buffer_end - p >= 4)
    std::memcpy(&w, p, 4);
  else
    std::memcpy(&w, p, k);
  const unsigned shift = static_cast<unsigned>(8 * (4 - k));
  w = (w << shift) | (0x30303030U & ~(~0U << shift));
  if (((w & 0xF0F0F0F0U) | (((w + 0x06060606U) & 0xF0F0F0F0U) >> 4)) != 0x33333333U)
    return -1;
  w -= 0x30303030U;
  w = w * 10 + (w >> 8);  // byte 0: digits 1-2, byte 2: digits 3-4
  return static_cast<std::int32_t>((w & 0xFF) * 100 + ((w >> 16) & 0xFF));
}

}  // namespace number_internal

// [0-9]{1,15} at p (n bytes), read a word at a time: the common integer cell. `buffer_end` bounds
// the buffer holding the text; word loads may read bytes after the text but never past it. Always
// inlined: the loops calling it keep its constants in registers.
[[gnu::always_inline]] inline bool ParsePlainDigits(const char* p, std::size_t n,
                                                    const char* buffer_end, std::uint64_t* out) {
  using namespace number_internal;
  if (n - 1 >= 15)  // n == 0 wraps around
    return false;
  if (n <= 4) {
    std::int32_t v = ShortDigitsValue(p, n, buffer_end);
    *out = static_cast<std::uint64_t>(v);
    return v >= 0;
  }
  if (n <= 8) {
    std::uint64_t w = LoadDigitWord(p, n, buffer_end);
    if (!AreEightDigits(w))
      return false;
    *out = EightDigitsValue(w);
    return true;
  }
  std::uint64_t hi = LoadDigitWord(p, n - 8, buffer_end);
  std::uint64_t lo;
  std::memcpy(&lo, p + n - 8, 8);
  if (!(AreEightDigits(hi) & AreEightDigits(lo)))
    return false;
  *out = std::uint64_t{EightDigitsValue(hi)} * 100000000 + EightDigitsValue(lo);
  return true;
}

}  // namespace kiln::table_internal
