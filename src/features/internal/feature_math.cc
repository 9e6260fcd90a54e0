#include "features/internal/feature_math.h"

#include <algorithm>
#include <limits>
#include <numeric>

#include "features/feature_pipeline.h"

namespace kiln::features_internal {

float ToFloat(double v) {
  constexpr double kMax = std::numeric_limits<float>::max();
  if (std::isnan(v))
    return std::numeric_limits<float>::quiet_NaN();
  return static_cast<float>(std::clamp(v, -kMax, kMax));
}

float Affine::Apply(double x, double clip) const {
  double z = (x - center) / scale;
  if (clip > 0)
    z = std::clamp(z, -clip, clip);
  return ToFloat(z);
}

double Median(std::vector<double> values) {
  std::size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + mid, values.end());
  double hi = values[mid];
  if (values.size() % 2 == 1)
    return hi;
  double lo = *std::max_element(values.begin(), values.begin() + mid);
  return lo + (hi - lo) / 2;
}

namespace {

// Linear-interpolated quantile of sorted values, q in [0, 1].
double SortedQuantile(const std::vector<double>& sorted, double q) {
  double pos = q * static_cast<double>(sorted.size() - 1);
  std::size_t lo = static_cast<std::size_t>(pos);
  std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  double frac = pos - static_cast<double>(lo);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

// A spread that is zero, subnormal-tiny relative to the data, or not finite cannot be divided by.
bool UsableScale(double spread, double magnitude) {
  return std::isfinite(spread) && spread > 1e-12 * std::max(1.0, std::abs(magnitude));
}

}  // namespace

Affine FitScaler(std::span<const double> values, Scaling scaling) {
  Affine a;
  if (scaling == Scaling::kNone || values.empty())
    return a;
  // Mean and standard deviation with a shifted (numerically stable) two-pass sum.
  double sum = 0.0;
  for (double v : values)
    sum += v;
  double mean = sum / static_cast<double>(values.size());
  double sq = 0.0;
  for (double v : values)
    sq += (v - mean) * (v - mean);
  double stddev = std::sqrt(sq / static_cast<double>(values.size()));
  if (scaling == Scaling::kStandard) {
    a.center = mean;
    a.scale = UsableScale(stddev, mean) ? stddev : 1.0;
    return a;
  }
  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  double median = SortedQuantile(sorted, 0.5);
  double iqr = SortedQuantile(sorted, 0.75) - SortedQuantile(sorted, 0.25);
  a.center = median;
  if (UsableScale(iqr, median)) {
    a.scale = iqr;
  } else {
    a.scale = UsableScale(stddev, mean) ? stddev : 1.0;
  }
  return a;
}

std::uint64_t Fnv1a64(std::string_view bytes) {
  std::uint64_t h = 14695981039346656037ULL;
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

std::uint64_t SplitMix64::Next() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::uint64_t SplitMix64::Below(std::uint64_t bound) {
  // Rejection sampling keeps the draw unbiased.
  std::uint64_t limit =
      std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % bound;
  std::uint64_t x;
  do {
    x = Next();
  } while (x >= limit);
  return x % bound;
}

std::vector<int> AssignFolds(std::size_t n, int num_folds, std::uint64_t seed) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  SplitMix64 rng(seed);
  for (std::size_t i = n; i > 1; --i) {
    std::swap(order[i - 1], order[rng.Below(i)]);
  }
  std::vector<int> fold(n);
  for (std::size_t i = 0; i < n; ++i)
    fold[order[i]] = static_cast<int>(i % num_folds);
  return fold;
}

}  // namespace kiln::features_internal
