// TpeSampler: proposes hyperparameter points with the Tree-structured Parzen Estimator
// (Bergstra et al. 2011), following Optuna's TPESampler defaults.
//
// After `startup_trials` uniformly random points, each suggestion splits the observations into a
// "good" group (the n_good lowest losses) and a "bad" group (the rest, plus every failed trial),
// fits a Parzen estimator to each (l(x) to the good, g(x) to the bad), draws `candidates` points
// from l and returns the one maximizing log l(x) - log g(x).
//
//   * n_good(n) = min(ceil(gamma * n), 25) for n observations: a fixed fraction, capped as in
//     Optuna so long searches keep l(x) sharp. Failed trials never count as good.
//   * Each estimator is a mixture with one kernel per observation plus a prior kernel (weight 1,
//     as much as one observation). Kernel weights are 1, except that in a group of more than 25 the
//     older observations ramp down linearly from 1/n (Optuna's default_weights).
//   * Numeric parameters: Gaussian kernels truncated to the bounds, on the log of the value for log
//     parameters. Ints are discrete: a kernel's mass on k is its mass on [k - 0.5, k + 0.5] (on
//     [log(k - 0.5), log(k + 0.5)] for log ints). Univariate bandwidth: the larger distance to a
//     neighbouring observation (the prior's mean in the middle of the range counts as one;
//     the bounds do not), clipped to [range / min(100, n + 2), range] (Optuna's "magic clip"). The
//     prior kernel sits mid-range with bandwidth = range.
//   * Choice parameters: each observation's kernel puts 1 + 1/(n + 1) on its own choice and
//     1/(n + 1) on every other, normalized; the prior kernel is uniform.
//   * Univariate (default): every parameter is proposed independently from its own candidates.
//     Multivariate: a candidate takes all its coordinates from one kernel and is scored on the
//     joint density; numeric bandwidths are then 0.2 * n^(-1/(d + 4)) * range (Scott-like).
//
// Suggested points are inside the space and already quantized (ParamSpec::Quantize: ints integral,
// floats at the 4 significant digits ToHyperParams prints), so the point observed is exactly the
// configuration that was trained. Randomness comes only from std::mt19937_64 (fully specified by
// the standard) with our own uniform/normal transforms, not std::*_distribution, so a seed gives
// bit-identical startup points on any standard library; model-phase points additionally go through
// libm (log, exp, erfc), whose last-bit differences between platforms could rarely flip a choice.
//
// Thread-compatible (not thread-safe): one sampler per search, owned by the search loop.
#pragma once

#include <cstdint>
#include <memory>

#include "automl/search_space.h"
#include "common/status.h"

namespace kiln {

struct TpeOptions {
  int startup_trials = 8;     // uniformly random points before the model kicks in; >= 0
  double gamma = 0.25;        // fraction of observations deemed "good", in (0, 1]; see n_good above
  int candidates = 64;        // points drawn from l(x) per suggestion, best l/g ratio wins; >= 1
  bool multivariate = false;  // score candidates on the joint density instead of per parameter

  // OK when every field is in its documented range; the error names the field.
  Status Validate() const;
};

class TpeSampler {
 public:
  // REQUIRES: space.Validate().ok() and options.Validate().ok() (checked: aborts otherwise;
  // validate user input first).
  TpeSampler(SearchSpace space, std::uint64_t seed, TpeOptions options = {});
  ~TpeSampler();
  TpeSampler(TpeSampler&&) noexcept;
  TpeSampler& operator=(TpeSampler&&) noexcept;

  // Next point to evaluate. Deterministic given the seed and the sequence of calls.
  Point Suggest();

  // Reports the loss (lower is better; callers negate scores) of an evaluated point. NaN/inf loss =
  // failed trial (treated as worst). The point is clamped into the space and quantized.
  // REQUIRES: p.size() == space().params.size() (checked).
  void Observe(const Point& p, double loss);

  // Adds a point to evaluate before any suggestion (e.g. known-good defaults); Suggest returns
  // enqueued points first, in order, clamped into the space and quantized (NaN -> low / first
  // choice). REQUIRES: p.size() == space().params.size() (checked).
  void Enqueue(const Point& p);

  std::size_t num_observations() const;
  const SearchSpace& space() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kiln
