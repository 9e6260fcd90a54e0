// Random: a seeded generator with reproducible draws. std::mt19937_64's output is standardized but
// the std distributions are not, so draws are derived here: Uniform and Below are identical on
// every platform, Normal on every platform with the same libm. Private to learn/unsupervised.
//
// Thread-safety: owned by one thread.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>

namespace kiln::unsupervised_internal {

class Random {
 public:
  // Streams for different (seed, stream) pairs are unrelated.
  Random(std::uint64_t seed, std::uint64_t stream) : rng_(Mix(seed ^ Mix(stream + 1))) {}

  // Uniform in [0, 1), 53 random bits.
  double Uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }
  // Uniform in [0, n); REQUIRES n > 0.
  std::uint64_t Below(std::uint64_t n) {
    return static_cast<std::uint64_t>(Uniform() * static_cast<double>(n)) % n;
  }
  // Standard normal (Box-Muller).
  double Normal() {
    const double u = 1.0 - Uniform();  // (0, 1]
    return std::sqrt(-2.0 * std::log(u)) * std::cos(2.0 * std::numbers::pi * Uniform());
  }

 private:
  static std::uint64_t Mix(std::uint64_t z) {  // SplitMix64 finalizer
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::mt19937_64 rng_;
};

}  // namespace kiln::unsupervised_internal
