#include "learn/unsupervised/kmeans.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "learn/hyperparam_text.h"
#include "learn/unsupervised/internal/fit_input.h"
#include "learn/unsupervised/internal/nearest_center.h"
#include "learn/unsupervised/internal/parallel_for.h"
#include "learn/unsupervised/internal/random.h"

namespace kiln {
namespace {

namespace ui = unsupervised_internal;

constexpr std::size_t kChunkRows = 4096;

// Squared Euclidean distance between row i of x and a double vector.
double SqDist(const Matrix& x, std::size_t i, const double* c) {
  const float* r = x.values.data() + i * x.cols;
  double s = 0;
  for (std::size_t j = 0; j < x.cols; ++j) {
    const double diff = static_cast<double>(r[j]) - c[j];
    s += diff * diff;
  }
  return s;
}

void CopyRow(const Matrix& x, std::size_t i, double* out) {
  std::copy_n(x.values.data() + i * x.cols, x.cols, out);
}

// One k-means run's outcome.
struct Run {
  std::vector<double> centers;
  double inertia = std::numeric_limits<double>::infinity();
  int iterations = 0;
};

class KMeansFitter {
 public:
  KMeansFitter(const KMeansParams& params, const Matrix& x, const FitContext& ctx)
      : p_(params),
        x_(x),
        ctx_(ctx),
        n_(x.rows),
        d_(x.cols),
        k_(static_cast<std::size_t>(params.k)),
        threads_(std::clamp(ctx.num_threads, 1, 64)),
        chunks_((n_ + kChunkRows - 1) / kChunkRows) {}

  // Runs n_init times and returns the run of lowest inertia (the first among equals).
  Run Fit() {
    const double tol_abs = p_.tol * MeanVariance();
    Run best;
    for (int run = 0; run < p_.n_init; ++run) {
      if (run > 0 && PastDeadline())
        break;
      ui::Random rng(ctx_.seed, static_cast<std::uint64_t>(run));
      std::vector<double> centers = p_.random_init ? RandomInit(rng) : PlusPlusInit(rng);
      Run r = Lloyd(std::move(centers), tol_abs);
      if (r.inertia < best.inertia || best.centers.empty())
        best = std::move(r);
    }
    return best;
  }

 private:
  bool PastDeadline() const { return std::chrono::steady_clock::now() >= ctx_.deadline; }

  double MeanVariance() const {
    std::vector<double> mean(d_, 0.0), var(d_, 0.0);
    for (std::size_t i = 0; i < n_; ++i) {
      for (std::size_t j = 0; j < d_; ++j)
        mean[j] += x_.values[i * d_ + j];
    }
    for (double& m : mean)
      m /= static_cast<double>(n_);
    for (std::size_t i = 0; i < n_; ++i) {
      for (std::size_t j = 0; j < d_; ++j) {
        const double diff = x_.values[i * d_ + j] - mean[j];
        var[j] += diff * diff;
      }
    }
    return std::accumulate(var.begin(), var.end(), 0.0) / static_cast<double>(n_ * d_);
  }

  std::vector<double> RandomInit(ui::Random& rng) const {
    std::vector<std::size_t> order(n_);
    std::iota(order.begin(), order.end(), 0);
    std::vector<double> centers(k_ * d_);
    for (std::size_t c = 0; c < k_; ++c) {
      std::swap(order[c], order[c + rng.Below(n_ - c)]);
      CopyRow(x_, order[c], &centers[c * d_]);
    }
    return centers;
  }

  // scikit-learn's greedy k-means++.
  std::vector<double> PlusPlusInit(ui::Random& rng) const {
    std::vector<double> centers(k_ * d_);
    CopyRow(x_, rng.Below(n_), centers.data());
    std::vector<double> closest(n_);
    for (std::size_t i = 0; i < n_; ++i)
      closest[i] = SqDist(x_, i, centers.data());
    double potential = std::accumulate(closest.begin(), closest.end(), 0.0);
    const std::size_t trials = 2 + static_cast<std::size_t>(std::log(static_cast<double>(k_)));
    std::vector<double> cumulative(n_);
    std::vector<std::size_t> candidates(trials);
    std::vector<double> trial_closest(trials * n_);
    std::vector<double> chunk_sums(chunks_ * trials);
    std::vector<double> candidate_rows(trials * d_);
    for (std::size_t c = 1; c < k_; ++c) {
      std::partial_sum(closest.begin(), closest.end(), cumulative.begin());
      for (std::size_t t = 0; t < trials; ++t) {
        std::size_t idx = rng.Below(n_);
        if (potential > 0) {
          const double target = rng.Uniform() * cumulative.back();
          idx = static_cast<std::size_t>(
              std::upper_bound(cumulative.begin(), cumulative.end(), target) - cumulative.begin());
          idx = std::min(idx, n_ - 1);
        }
        candidates[t] = idx;
        CopyRow(x_, idx, &candidate_rows[t * d_]);
      }
      ui::ParallelFor(chunks_, threads_, [&](std::size_t chunk) {
        const std::size_t begin = chunk * kChunkRows;
        const std::size_t end = std::min(n_, begin + kChunkRows);
        for (std::size_t t = 0; t < trials; ++t) {
          double sum = 0;
          for (std::size_t i = begin; i < end; ++i) {
            const double v = std::min(closest[i], SqDist(x_, i, &candidate_rows[t * d_]));
            trial_closest[t * n_ + i] = v;
            sum += v;
          }
          chunk_sums[chunk * trials + t] = sum;
        }
      });
      std::size_t best = 0;
      double best_potential = std::numeric_limits<double>::infinity();
      for (std::size_t t = 0; t < trials; ++t) {
        double sum = 0;
        for (std::size_t chunk = 0; chunk < chunks_; ++chunk)
          sum += chunk_sums[chunk * trials + t];
        if (sum < best_potential) {
          best_potential = sum;
          best = t;
        }
      }
      std::copy_n(&trial_closest[best * n_], n_, closest.begin());
      potential = best_potential;
      std::copy_n(&candidate_rows[best * d_], d_, &centers[c * d_]);
    }
    return centers;
  }

  // Assigns every row to its nearest center; returns the inertia (summed in row order).
  double Assign(const ui::CenterSet& centers, std::vector<std::uint32_t>* labels,
                std::vector<double>* sq_dist) const {
    ui::ParallelFor(chunks_, threads_, [&](std::size_t chunk) {
      const std::size_t begin = chunk * kChunkRows;
      const std::size_t end = std::min(n_, begin + kChunkRows);
      ui::NearestCenters(x_, begin, end, centers, labels->data() + begin, sq_dist->data() + begin);
    });
    return std::accumulate(sq_dist->begin(), sq_dist->end(), 0.0);
  }

  // Cluster means; an empty cluster takes the farthest row from its center not yet taken.
  std::vector<double> Update(const std::vector<std::uint32_t>& labels,
                             const std::vector<double>& sq_dist) const {
    std::vector<double> sums(k_ * d_, 0.0);
    std::vector<std::size_t> counts(k_, 0);
    for (std::size_t i = 0; i < n_; ++i) {
      double* s = &sums[labels[i] * d_];
      const float* r = x_.values.data() + i * d_;
      for (std::size_t j = 0; j < d_; ++j)
        s[j] += r[j];
      ++counts[labels[i]];
    }
    std::vector<std::size_t> empty;
    for (std::size_t c = 0; c < k_; ++c) {
      if (counts[c] == 0) {
        empty.push_back(c);
        continue;
      }
      for (std::size_t j = 0; j < d_; ++j)
        sums[c * d_ + j] /= static_cast<double>(counts[c]);
    }
    if (!empty.empty()) {
      std::vector<std::size_t> order(n_);
      std::iota(order.begin(), order.end(), 0);
      auto farther = [&](std::size_t a, std::size_t b) {
        return sq_dist[a] > sq_dist[b] || (sq_dist[a] == sq_dist[b] && a < b);
      };
      std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(empty.size()),
                        order.end(), farther);
      for (std::size_t e = 0; e < empty.size(); ++e)
        CopyRow(x_, order[e], &sums[empty[e] * d_]);
    }
    return sums;
  }

  Run Lloyd(std::vector<double> centers, double tol_abs) const {
    std::vector<std::uint32_t> labels(n_), previous(n_);
    std::vector<double> sq_dist(n_);
    auto set = std::make_unique<ui::CenterSet>(std::move(centers), k_, d_);
    double inertia = Assign(*set, &labels, &sq_dist);
    int iterations = 0;
    for (int it = 1; it <= p_.max_iter && !PastDeadline(); ++it) {
      std::vector<double> next = Update(labels, sq_dist);
      double shift = 0;
      for (std::size_t i = 0; i < next.size(); ++i) {
        const double diff = next[i] - set->centers()[i];
        shift += diff * diff;
      }
      set = std::make_unique<ui::CenterSet>(std::move(next), k_, d_);
      previous.swap(labels);
      inertia = Assign(*set, &labels, &sq_dist);
      iterations = it;
      if (labels == previous || shift <= tol_abs)
        break;
    }
    return Run{set->centers(), inertia, iterations};
  }

  const KMeansParams& p_;
  const Matrix& x_;
  const FitContext& ctx_;
  std::size_t n_;
  std::size_t d_;
  std::size_t k_;
  int threads_;
  std::size_t chunks_;
};

}  // namespace

Result<KMeansParams> KMeansParams::Parse(const HyperParams& params) {
  KMeansParams p;
  ASSIGN_OR_RETURN(std::optional<std::string> k, hp::AliasedValue(params, "k", "n_clusters"));
  if (k) {
    ASSIGN_OR_RETURN(p.k, hp::ParsePositiveInt(params.count("k") ? "k" : "n_clusters", *k));
  }
  ASSIGN_OR_RETURN(std::optional<std::string> init,
                   hp::AliasedValue(params, "init", "init_method"));
  if (init) {
    const std::string v = hp::Lower(*init);
    if (v == "k-means++" || v == "kmeans++") {
      p.random_init = false;
    } else if (v == "random") {
      p.random_init = true;
    } else {
      return hp::BadValue(params.count("init") ? "init" : "init_method", *init,
                          "\"k-means++\" or \"random\"");
    }
  }
  for (const auto& [name, value] : params) {
    if (name == "k" || name == "n_clusters" || name == "init" || name == "init_method") {
      continue;
    } else if (name == "n_init") {
      ASSIGN_OR_RETURN(p.n_init, hp::ParsePositiveInt(name, value));
    } else if (name == "max_iter") {
      ASSIGN_OR_RETURN(p.max_iter, hp::ParsePositiveInt(name, value));
    } else if (name == "tol") {
      ASSIGN_OR_RETURN(p.tol, hp::ParseDouble(name, value));
      if (p.tol < 0)
        return hp::MustBeAtLeast(name, value, "0");
    } else if (name == "feature_dim") {
      ASSIGN_OR_RETURN(p.feature_dim, hp::ParsePositiveInt(name, value));
    } else if (name == "mini_batch_size") {
      return Status::InvalidArgument(
          "hyperparameter \"mini_batch_size\": kiln's kmeans runs full-batch Lloyd iterations and "
          "does not use mini-batches; remove it");
    } else {
      static constexpr const char* kNames[] = {
          "feature_dim", "init (alias init_method)", "k (alias n_clusters)", "max_iter", "n_init",
          "tol"};
      return hp::UnknownName(name, "kmeans", kNames);
    }
  }
  return p;
}

Result<std::unique_ptr<KMeansModel>> FitKMeans(const KMeansParams& params, const Matrix& x,
                                               const FitContext& ctx) {
  RETURN_IF_ERROR(ui::CheckFitInput("kmeans", params.feature_dim, x, ctx));
  if (static_cast<std::size_t>(params.k) > x.rows) {
    return Status::InvalidArgument("hyperparameter \"k\": " + std::to_string(params.k) +
                                   " exceeds the " + std::to_string(x.rows) +
                                   " training rows; lower k or add rows");
  }
  const bool finite =
      std::all_of(x.values.begin(), x.values.end(), [](float v) { return std::isfinite(v); });
  Matrix sanitized;
  if (!finite) {
    sanitized = x;
    for (float& v : sanitized.values) {
      if (!std::isfinite(v))
        v = 0.0f;
    }
  }
  KMeansFitter fitter(params, finite ? x : sanitized, ctx);
  Run best = fitter.Fit();
  return std::make_unique<KMeansModel>(std::move(best.centers), static_cast<std::size_t>(params.k),
                                       x.cols, best.iterations, best.inertia);
}

}  // namespace kiln
