#include "automl/tpe_sampler.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <limits>
#include <random>
#include <tuple>
#include <utility>
#include <vector>

namespace kiln {
namespace {

constexpr double kPi = 3.141592653589793238462643383279502884;
constexpr double kLogSqrt2Pi = 0.918938533204672741780329736405617639;  // log(sqrt(2 pi))
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::size_t kMaxGood = 25;          // cap on n_good, as in Optuna
constexpr std::size_t kFullWeightCount = 25;  // newest observations at full kernel weight
constexpr double kPriorWeight = 1.0;

// Aborts on a programmer error (a broken REQUIRES), never on user input.
void Check(bool ok, const char* what) {
  if (ok)
    return;
  std::fprintf(stderr, "TpeSampler: check failed: %s\n", what);
  std::abort();
}

// Uniform and normal draws from raw 64-bit engine output. std::uniform_real_distribution and
// std::normal_distribution are implementation-defined; these give the same numbers everywhere.
class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}

  // In [0, 1), 53 random bits.
  double Uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

  // Standard normal, Box-Muller (one of the pair is used, so no hidden state).
  double Normal() {
    const double u1 = 1.0 - Uniform();  // (0, 1]: log is finite
    const double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * kPi * u2);
  }

  // An index drawn with probability proportional to `weights` (non-negative, positive sum).
  std::size_t Categorical(const std::vector<double>& weights) {
    double total = 0;
    for (double w : weights)
      total += w;
    double u = Uniform() * total;
    std::size_t last_positive = 0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (weights[i] <= 0)
        continue;
      if (u < weights[i])
        return i;
      u -= weights[i];
      last_positive = i;
    }
    return last_positive;  // rounding left u just above the last weight
  }

  // Normal(mu, sigma) truncated to [lo, hi], by rejection. mu lies in [lo, hi] and sigma <= hi - lo
  // here, so a draw is accepted with probability > 1/3; the uniform fallback is never reached in
  // practice but bounds the loop.
  double TruncatedNormal(double mu, double sigma, double lo, double hi) {
    for (int attempt = 0; attempt < 100; ++attempt) {
      const double t = mu + sigma * Normal();
      if (t >= lo && t <= hi)
        return t;
    }
    return lo + (hi - lo) * Uniform();
  }

 private:
  std::mt19937_64 engine_;
};

double LogSumExp(const std::vector<double>& xs) {
  double m = -kInf;
  for (double x : xs)
    m = std::max(m, x);
  if (m == -kInf)
    return -kInf;
  double s = 0;
  for (double x : xs)
    s += std::exp(x - m);
  return m + std::log(s);
}

// log P(za <= Z <= zb) for a standard normal Z, accurate in both tails and for narrow intervals.
double LogNormalMass(double za, double zb) {
  if (zb - za < 1e-6)
    return -0.5 * std::pow(0.5 * (za + zb), 2) - kLogSqrt2Pi + std::log(zb - za);
  const double r = 1.0 / std::sqrt(2.0);
  double p;
  if (za >= 0) {
    p = 0.5 * (std::erfc(za * r) - std::erfc(zb * r));
  } else if (zb <= 0) {
    p = 0.5 * (std::erfc(-zb * r) - std::erfc(-za * r));
  } else {
    p = 1.0 - 0.5 * std::erfc(-za * r) - 0.5 * std::erfc(zb * r);
  }
  return p > 0 ? std::log(p) : -kInf;
}

bool IsNumeric(const ParamSpec& s) { return s.kind != ParamSpec::Kind::kChoice; }

// Internal coordinate of a numeric value: its log on log scales, else itself.
double ToInternal(const ParamSpec& s, double v) { return s.log ? std::log(v) : v; }

// The internal interval a kernel is truncated to: the bounds for floats, the outer edges of the
// end bins for ints.
std::pair<double, double> InternalRange(const ParamSpec& s) {
  if (s.kind == ParamSpec::Kind::kInt) {
    return {ToInternal(s, s.low - 0.5), ToInternal(s, s.high + 0.5)};
  }
  return {ToInternal(s, s.low), ToInternal(s, s.high)};
}

// Clamps v into the parameter's domain and quantizes it; NaN becomes low (the first choice).
double Sanitize(const ParamSpec& s, double v) {
  if (s.kind == ParamSpec::Kind::kChoice) {
    return s.Quantize(std::isnan(v) ? 0.0 : v);
  }
  if (std::isnan(v))
    v = s.low;
  return std::clamp(s.Quantize(std::clamp(v, s.low, s.high)), s.low, s.high);
}

// The parameter value of internal coordinate t.
double FromInternal(const ParamSpec& s, double t) { return Sanitize(s, s.log ? std::exp(t) : t); }

// Optuna's default_weights: 1 for the newest kFullWeightCount, a linear ramp from 1/n up to 1 for
// the older ones. `n` observations in chronological order.
std::vector<double> KernelWeights(std::size_t n) {
  std::vector<double> w(n, 1.0);
  if (n < kFullWeightCount)
    return w;
  const std::size_t ramp = n - kFullWeightCount;
  const double start = 1.0 / static_cast<double>(n);
  for (std::size_t j = 0; j < ramp; ++j) {
    w[j] = ramp == 1
               ? start
               : start + (1.0 - start) * static_cast<double>(j) / static_cast<double>(ramp - 1);
  }
  return w;
}

// A Parzen estimator: a mixture of kernels, one per observation plus the prior (last), each a
// product of one-dimensional kernels.
class Mixture {
 public:
  // `points` are sanitized observations in chronological order.
  Mixture(const SearchSpace& space, const std::vector<const Point*>& points, bool multivariate) {
    const std::size_t n = points.size();
    std::vector<double> w = KernelWeights(n);
    w.push_back(kPriorWeight);
    double total = 0;
    for (double x : w)
      total += x;
    for (double x : w)
      log_weights_.push_back(std::log(x / total));
    weights_ = std::move(w);

    const std::size_t num_dims = space.params.size();
    dims_.resize(num_dims);
    for (std::size_t d = 0; d < num_dims; ++d) {
      const ParamSpec& s = space.params[d];
      Dim& dim = dims_[d];
      if (!IsNumeric(s)) {
        const std::size_t c = s.choices.size();
        const double base = kPriorWeight / static_cast<double>(n + 1);
        for (const Point* p : points) {
          std::vector<double> row(c, base);
          row[static_cast<std::size_t>((*p)[d])] += 1.0;
          const double sum = 1.0 + base * static_cast<double>(c);
          for (double& x : row)
            x /= sum;
          dim.probs.push_back(std::move(row));
        }
        dim.probs.emplace_back(c, 1.0 / static_cast<double>(c));
        continue;
      }
      std::tie(dim.lo, dim.hi) = InternalRange(s);
      for (const Point* p : points)
        dim.mu.push_back(ToInternal(s, (*p)[d]));
      dim.sigma = Bandwidths(dim.mu, dim.lo, dim.hi, multivariate, num_dims);
      dim.mu.push_back(0.5 * (dim.lo + dim.hi));
      dim.sigma.push_back(dim.hi - dim.lo);
      for (std::size_t i = 0; i < dim.mu.size(); ++i) {
        dim.log_mass.push_back(LogNormalMass((dim.lo - dim.mu[i]) / dim.sigma[i],
                                             (dim.hi - dim.mu[i]) / dim.sigma[i]));
      }
    }
  }

  std::size_t num_kernels() const { return weights_.size(); }
  const std::vector<double>& weights() const { return weights_; }
  double log_weight(std::size_t i) const { return log_weights_[i]; }

  // A value of parameter d (in its own units) drawn from kernel i.
  double Sample(const ParamSpec& s, std::size_t d, std::size_t i, Random& rng) const {
    const Dim& dim = dims_[d];
    if (!IsNumeric(s))
      return static_cast<double>(rng.Categorical(dim.probs[i]));
    return FromInternal(s, rng.TruncatedNormal(dim.mu[i], dim.sigma[i], dim.lo, dim.hi));
  }

  // log density (mass, for ints and choices) of kernel i at value v of parameter d.
  double LogPdf(const ParamSpec& s, std::size_t d, std::size_t i, double v) const {
    const Dim& dim = dims_[d];
    switch (s.kind) {
      case ParamSpec::Kind::kChoice:
        return std::log(dim.probs[i][static_cast<std::size_t>(v)]);
      case ParamSpec::Kind::kInt: {
        const double a = std::max(dim.lo, ToInternal(s, v - 0.5));
        const double b = std::min(dim.hi, ToInternal(s, v + 0.5));
        return LogNormalMass((a - dim.mu[i]) / dim.sigma[i], (b - dim.mu[i]) / dim.sigma[i]) -
               dim.log_mass[i];
      }
      case ParamSpec::Kind::kFloat: {
        const double z = (ToInternal(s, v) - dim.mu[i]) / dim.sigma[i];
        return -0.5 * z * z - kLogSqrt2Pi - std::log(dim.sigma[i]) - dim.log_mass[i];
      }
    }
    return -kInf;
  }

 private:
  struct Dim {
    double lo = 0, hi = 0;                   // numeric: internal truncation range
    std::vector<double> mu, sigma;           // numeric: per kernel, internal coordinates
    std::vector<double> log_mass;            // numeric: log of each kernel's mass inside [lo, hi]
    std::vector<std::vector<double>> probs;  // choice: per kernel, probability of each choice
  };

  // Bandwidths of the observation kernels at `mus` (see the header comment for the rules).
  static std::vector<double> Bandwidths(const std::vector<double>& mus, double lo, double hi,
                                        bool multivariate, std::size_t num_dims) {
    const std::size_t n = mus.size();
    const double range = hi - lo;
    std::vector<double> sigma(n);
    if (multivariate) {
      const double s = 0.2 *
                       std::pow(static_cast<double>(std::max<std::size_t>(n, 1)),
                                -1.0 / static_cast<double>(num_dims + 4)) *
                       range;
      std::fill(sigma.begin(), sigma.end(), s);
    } else {
      // Sort the observations together with the prior's mean; ties keep chronological order.
      std::vector<double> with_prior = mus;
      with_prior.push_back(0.5 * (lo + hi));
      std::vector<std::size_t> order(n + 1);
      for (std::size_t i = 0; i <= n; ++i)
        order[i] = i;
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t a, std::size_t b) { return with_prior[a] < with_prior[b]; });
      std::vector<double> sorted(n + 3);  // lo, sorted means, hi
      sorted[0] = lo;
      for (std::size_t j = 0; j <= n; ++j)
        sorted[j + 1] = with_prior[order[j]];
      sorted[n + 2] = hi;
      for (std::size_t j = 0; j <= n; ++j) {
        double s = std::max(sorted[j + 1] - sorted[j], sorted[j + 2] - sorted[j + 1]);
        // The bounds are not neighbours: the outermost means look inward only.
        if (n >= 1 && j == 0)
          s = sorted[2] - sorted[1];
        if (n >= 1 && j == n)
          s = sorted[n + 1] - sorted[n];
        if (order[j] < n)
          sigma[order[j]] = s;
      }
    }
    const double min_sigma = range / std::min(100.0, static_cast<double>(n + 2));
    for (double& s : sigma)
      s = std::clamp(s, min_sigma, range);
    return sigma;
  }

  std::vector<double> weights_, log_weights_;
  std::vector<Dim> dims_;
};

}  // namespace

Status TpeOptions::Validate() const {
  if (startup_trials < 0) {
    return Status::InvalidArgument("tpe options: startup_trials must be >= 0, got " +
                                   std::to_string(startup_trials));
  }
  if (!(gamma > 0 && gamma <= 1)) {
    return Status::InvalidArgument("tpe options: gamma must be in (0, 1], got " +
                                   std::to_string(gamma));
  }
  if (candidates < 1) {
    return Status::InvalidArgument("tpe options: candidates must be >= 1, got " +
                                   std::to_string(candidates));
  }
  return Status::Ok();
}

class TpeSampler::Impl {
 public:
  Impl(SearchSpace space, std::uint64_t seed, TpeOptions options)
      : space_(std::move(space)), options_(options), rng_(seed) {
    Check(space_.Validate().ok(), "the search space must pass SearchSpace::Validate()");
    Check(options_.Validate().ok(), "the options must pass TpeOptions::Validate()");
  }

  Point Suggest() {
    if (!queue_.empty()) {
      Point p = std::move(queue_.front());
      queue_.pop_front();
      return p;
    }
    if (points_.size() < static_cast<std::size_t>(options_.startup_trials))
      return RandomPoint();
    return ModelPoint();
  }

  void Observe(const Point& p, double loss) {
    points_.push_back(SanitizePoint(p));
    losses_.push_back(loss);
  }

  void Enqueue(const Point& p) { queue_.push_back(SanitizePoint(p)); }

  std::size_t num_observations() const { return points_.size(); }
  const SearchSpace& space() const { return space_; }

 private:
  Point SanitizePoint(const Point& p) const {
    Check(p.size() == space_.params.size(), "a point needs one value per search-space parameter");
    Point out(p.size());
    for (std::size_t d = 0; d < p.size(); ++d)
      out[d] = Sanitize(space_.params[d], p[d]);
    return out;
  }

  Point RandomPoint() {
    Point p(space_.params.size());
    for (std::size_t d = 0; d < p.size(); ++d) {
      const ParamSpec& s = space_.params[d];
      if (!IsNumeric(s)) {
        const auto n = static_cast<double>(s.choices.size());
        p[d] = std::min(std::floor(rng_.Uniform() * n), n - 1);
      } else {
        const auto [lo, hi] = InternalRange(s);
        p[d] = FromInternal(s, lo + (hi - lo) * rng_.Uniform());
      }
    }
    return p;
  }

  Point ModelPoint() {
    // Good: the n_good lowest finite losses (ties: earlier first). Bad: the rest, failures
    // included.
    std::vector<std::size_t> finite;
    for (std::size_t i = 0; i < losses_.size(); ++i) {
      if (std::isfinite(losses_[i]))
        finite.push_back(i);
    }
    std::stable_sort(finite.begin(), finite.end(),
                     [&](std::size_t a, std::size_t b) { return losses_[a] < losses_[b]; });
    const auto wanted =
        static_cast<std::size_t>(std::ceil(options_.gamma * static_cast<double>(points_.size())));
    const std::size_t n_good = std::min({wanted, kMaxGood, finite.size()});
    std::vector<bool> is_good(points_.size(), false);
    for (std::size_t j = 0; j < n_good; ++j)
      is_good[finite[j]] = true;
    std::vector<const Point*> good, bad;
    for (std::size_t i = 0; i < points_.size(); ++i) {
      (is_good[i] ? good : bad).push_back(&points_[i]);
    }
    const Mixture l(space_, good, options_.multivariate);
    const Mixture g(space_, bad, options_.multivariate);

    Point out(space_.params.size());
    if (options_.multivariate) {
      std::vector<std::size_t> all(out.size());
      for (std::size_t d = 0; d < all.size(); ++d)
        all[d] = d;
      PickBest(all, l, g, &out);
    } else {
      for (std::size_t d = 0; d < out.size(); ++d)
        PickBest({d}, l, g, &out);
    }
    return out;
  }

  // Draws options_.candidates values of the parameters `dims` from l, each candidate from one
  // kernel, and writes into *out the candidate maximizing log l - log g over those parameters
  // (the first one on ties).
  void PickBest(const std::vector<std::size_t>& dims, const Mixture& l, const Mixture& g,
                Point* out) {
    std::vector<double> candidate(dims.size()), best(dims.size());
    double best_score = -kInf;
    for (int c = 0; c < options_.candidates; ++c) {
      const std::size_t k = rng_.Categorical(l.weights());
      for (std::size_t j = 0; j < dims.size(); ++j) {
        candidate[j] = l.Sample(space_.params[dims[j]], dims[j], k, rng_);
      }
      const double score = LogDensity(l, dims, candidate) - LogDensity(g, dims, candidate);
      if (c == 0 || score > best_score) {
        best_score = score;
        best = candidate;
      }
    }
    for (std::size_t j = 0; j < dims.size(); ++j)
      (*out)[dims[j]] = best[j];
  }

  // log of the mixture's joint density over parameters `dims` at `values`.
  double LogDensity(const Mixture& m, const std::vector<std::size_t>& dims,
                    const std::vector<double>& values) const {
    std::vector<double> terms(m.num_kernels());
    for (std::size_t i = 0; i < terms.size(); ++i) {
      double t = m.log_weight(i);
      for (std::size_t j = 0; j < dims.size(); ++j) {
        t += m.LogPdf(space_.params[dims[j]], dims[j], i, values[j]);
      }
      terms[i] = t;
    }
    return LogSumExp(terms);
  }

  SearchSpace space_;
  TpeOptions options_;
  Random rng_;
  std::deque<Point> queue_;
  std::vector<Point> points_;  // observed, sanitized, chronological
  std::vector<double> losses_;
};

TpeSampler::TpeSampler(SearchSpace space, std::uint64_t seed, TpeOptions options)
    : impl_(std::make_unique<Impl>(std::move(space), seed, options)) {}
TpeSampler::~TpeSampler() = default;
TpeSampler::TpeSampler(TpeSampler&&) noexcept = default;
TpeSampler& TpeSampler::operator=(TpeSampler&&) noexcept = default;

Point TpeSampler::Suggest() { return impl_->Suggest(); }
void TpeSampler::Observe(const Point& p, double loss) { impl_->Observe(p, loss); }
void TpeSampler::Enqueue(const Point& p) { impl_->Enqueue(p); }
std::size_t TpeSampler::num_observations() const { return impl_->num_observations(); }
const SearchSpace& TpeSampler::space() const { return impl_->space(); }

}  // namespace kiln
