// ForestRandom: a small, fast, portable pseudo-random generator (xoshiro256**, seeded through
// SplitMix64) with its own uniform draws, so a forest trained from a seed is the same on every
// platform and standard library.
//
// Not thread-safe: one generator per thread (per tree).
#pragma once

#include <cstdint>

namespace kiln {

// One step of SplitMix64: a well-mixed 64-bit value of `x`.
inline std::uint64_t SplitMix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

class ForestRandom {
 public:
  explicit ForestRandom(std::uint64_t seed) {
    for (std::uint64_t& s : s_) {
      seed = SplitMix64(seed);
      s = seed;
    }
  }

  std::uint64_t Next() {
    const std::uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n); REQUIRES n > 0. Lemire's multiply-shift (bias < n / 2^64, negligible).
  std::uint64_t Below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }

  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  static std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace kiln
