// Small numeric helpers shared by the feature encoders: missing-value tests, float conversion,
// robust/standard scaling and the stable hash used for text features.
//
// All functions are pure and thread-safe.
#pragma once

#include <cmath>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace kiln {

enum class Scaling;

namespace features_internal {

// A value the pipeline treats as missing: NaN and +-inf (learners cannot use infinities).
inline bool IsMissingValue(double v) { return !std::isfinite(v); }

// `v` as a float, clamped to the finite float range; NaN stays NaN.
float ToFloat(double v);

// x -> clip((x - center) / scale, +-clip); clip 0 disables clipping.
struct Affine {
  double center = 0.0;
  double scale = 1.0;  // never 0

  float Apply(double x, double clip) const;
};

// Median of `values` (any order, all finite). REQUIRES !values.empty().
double Median(std::vector<double> values);

// Scaling statistics of `values` (all finite): standard -> mean/std, robust -> median/IQR (std when
// the IQR is 0), none -> identity. Constant-safe: a zero spread becomes scale 1.
Affine FitScaler(std::span<const double> values, Scaling scaling);

// 64-bit FNV-1a: stable across runs, compilers and machines (unlike std::hash).
std::uint64_t Fnv1a64(std::string_view bytes);

// A deterministic, portable pseudo-random sequence (SplitMix64) for fold assignment.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}
  std::uint64_t Next();
  // Uniform in [0, bound). REQUIRES bound > 0.
  std::uint64_t Below(std::uint64_t bound);

 private:
  std::uint64_t state_;
};

// Assigns each of `n` rows to one of `num_folds` folds of (nearly) equal size, in an order shuffled
// deterministically from `seed`.
std::vector<int> AssignFolds(std::size_t n, int num_folds, std::uint64_t seed);

}  // namespace features_internal
}  // namespace kiln
