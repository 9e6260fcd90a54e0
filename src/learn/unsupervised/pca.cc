#include "learn/unsupervised/pca.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "learn/hyperparam_text.h"
#include "learn/unsupervised/internal/fit_input.h"
#include "learn/unsupervised/internal/parallel_for.h"
#include "learn/unsupervised/internal/random.h"

namespace kiln {
namespace {

namespace ui = unsupervised_internal;

using RowMatrixD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

constexpr std::size_t kBlockRows = 256;
constexpr std::size_t kTaskRows = 4096;

// Row access to the (sanitized, optionally centered) data in double precision, over fixed row
// ranges so that reductions do not depend on the thread count.
class CenteredRows {
 public:
  CenteredRows(const Matrix& x, std::vector<double> mean, int threads, std::size_t max_tasks)
      : x_(x),
        mean_(std::move(mean)),
        threads_(threads),
        tasks_(std::clamp<std::size_t>((x.rows + kTaskRows - 1) / kTaskRows, 1, max_tasks)) {}

  std::size_t rows() const { return x_.rows; }
  std::size_t cols() const { return x_.cols; }
  std::size_t tasks() const { return tasks_; }
  std::size_t begin(std::size_t task) const { return task * x_.rows / tasks_; }
  std::size_t end(std::size_t task) const { return (task + 1) * x_.rows / tasks_; }
  int threads() const { return threads_; }

  // Rows [b, b + block->rows()) as doubles, centered.
  void Load(std::size_t b, RowMatrixD* block) const {
    const std::size_t d = x_.cols;
    for (Eigen::Index i = 0; i < block->rows(); ++i) {
      const float* r = x_.values.data() + (b + static_cast<std::size_t>(i)) * d;
      for (std::size_t j = 0; j < d; ++j) {
        const double v = std::isfinite(r[j]) ? static_cast<double>(r[j]) : 0.0;
        (*block)(i, static_cast<Eigen::Index>(j)) = v - mean_[j];
      }
    }
  }

  // Calls fn(task, first_row, block) for every block of every task, in parallel over tasks.
  template <typename Fn>
  void ForEachBlock(Fn fn) const {
    ui::ParallelFor(tasks_, threads_, [&](std::size_t task) {
      RowMatrixD block;
      for (std::size_t b = begin(task); b < end(task); b += kBlockRows) {
        const std::size_t n = std::min(kBlockRows, end(task) - b);
        block.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(x_.cols));
        Load(b, &block);
        fn(task, b, block);
      }
    });
  }

  // (X - 1 mean^T) m, rows x m.cols().
  Eigen::MatrixXd Times(const Eigen::MatrixXd& m) const {
    Eigen::MatrixXd out(static_cast<Eigen::Index>(rows()), m.cols());
    ForEachBlock([&](std::size_t, std::size_t b, const RowMatrixD& block) {
      out.middleRows(static_cast<Eigen::Index>(b), block.rows()).noalias() = block * m;
    });
    return out;
  }

  // (X - 1 mean^T)^T m, cols x m.cols().
  Eigen::MatrixXd TransposeTimes(const Eigen::MatrixXd& m) const {
    std::vector<Eigen::MatrixXd> partial(
        tasks_, Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(cols()), m.cols()));
    ForEachBlock([&](std::size_t task, std::size_t b, const RowMatrixD& block) {
      partial[task].noalias() +=
          block.transpose() * m.middleRows(static_cast<Eigen::Index>(b), block.rows());
    });
    for (std::size_t t = 1; t < tasks_; ++t)
      partial[0] += partial[t];
    return partial[0];
  }

  // Sum of squared (centered) values: (n - 1) times the total variance.
  double SquaredSum() const {
    std::vector<double> partial(tasks_, 0.0);
    ForEachBlock([&](std::size_t task, std::size_t, const RowMatrixD& block) {
      partial[task] += block.squaredNorm();
    });
    double s = 0;
    for (double p : partial)
      s += p;
    return s;
  }

 private:
  const Matrix& x_;
  std::vector<double> mean_;
  int threads_;
  std::size_t tasks_;
};

Eigen::MatrixXd Orthonormalize(const Eigen::MatrixXd& m) {
  Eigen::HouseholderQR<Eigen::MatrixXd> qr(m);
  return qr.householderQ() * Eigen::MatrixXd::Identity(m.rows(), m.cols());
}

// Columns of `vectors` (d x >= k) become rows of the component matrix, signed so that the entry
// of largest magnitude is positive.
std::vector<double> SignedComponents(const Eigen::MatrixXd& vectors, std::size_t k) {
  const std::size_t d = static_cast<std::size_t>(vectors.rows());
  std::vector<double> out(k * d);
  for (std::size_t c = 0; c < k; ++c) {
    const auto v = vectors.col(static_cast<Eigen::Index>(c));
    Eigen::Index top = 0;
    for (Eigen::Index j = 1; j < v.size(); ++j) {
      if (std::abs(v(j)) > std::abs(v(top)))
        top = j;
    }
    const double sign = v(top) < 0 ? -1.0 : 1.0;
    for (std::size_t j = 0; j < d; ++j)
      out[c * d + j] = sign * v(static_cast<Eigen::Index>(j));
  }
  return out;
}

// Columns of eigenvectors (or singular vectors) ordered by decreasing value, and the values.
struct Spectrum {
  Eigen::MatrixXd vectors;
  std::vector<double> values;  // variance along each vector, times (n - 1)
};

Spectrum Regular(const CenteredRows& data, std::size_t k) {
  const auto d = static_cast<Eigen::Index>(data.cols());
  std::vector<Eigen::MatrixXd> partial(data.tasks(), Eigen::MatrixXd::Zero(d, d));
  data.ForEachBlock([&](std::size_t task, std::size_t, const RowMatrixD& block) {
    partial[task].selfadjointView<Eigen::Lower>().rankUpdate(block.transpose());
  });
  for (std::size_t t = 1; t < partial.size(); ++t)
    partial[0] += partial[t];
  Eigen::MatrixXd gram = partial[0].selfadjointView<Eigen::Lower>();
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(gram);
  Spectrum s;
  s.vectors.resize(d, static_cast<Eigen::Index>(k));
  for (std::size_t c = 0; c < k; ++c) {
    const Eigen::Index idx = d - 1 - static_cast<Eigen::Index>(c);  // ascending eigenvalues
    s.vectors.col(static_cast<Eigen::Index>(c)) = solver.eigenvectors().col(idx);
    s.values.push_back(std::max(0.0, solver.eigenvalues()(idx)));
  }
  return s;
}

Spectrum Randomized(const CenteredRows& data, std::size_t k, std::uint64_t seed) {
  const std::size_t limit = std::min(data.rows(), data.cols());
  const auto l = static_cast<Eigen::Index>(std::min(k + 10, limit));
  const int power_iterations = static_cast<double>(k) < 0.1 * static_cast<double>(limit) ? 7 : 4;
  ui::Random rng(seed, 0);
  Eigen::MatrixXd omega(static_cast<Eigen::Index>(data.cols()), l);
  for (Eigen::Index j = 0; j < omega.cols(); ++j) {
    for (Eigen::Index i = 0; i < omega.rows(); ++i)
      omega(i, j) = rng.Normal();
  }
  Eigen::MatrixXd q = Orthonormalize(data.Times(omega));
  for (int it = 0; it < power_iterations; ++it) {
    q = Orthonormalize(data.Times(Orthonormalize(data.TransposeTimes(q))));
  }
  // B = Q^T A = (A^T Q)^T; the right singular vectors of B are the left ones of A^T Q.
  const Eigen::MatrixXd bt = data.TransposeTimes(q);
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(bt, Eigen::ComputeThinU);
  Spectrum s;
  s.vectors = svd.matrixU().leftCols(static_cast<Eigen::Index>(k));
  for (std::size_t c = 0; c < k; ++c) {
    const double sv = svd.singularValues()(static_cast<Eigen::Index>(c));
    s.values.push_back(sv * sv);
  }
  return s;
}

}  // namespace

Result<PcaParams> PcaParams::Parse(const HyperParams& params) {
  PcaParams p;
  ASSIGN_OR_RETURN(std::optional<std::string> k,
                   hp::AliasedValue(params, "num_components", "n_components"));
  if (k) {
    const std::string name = params.count("num_components") ? "num_components" : "n_components";
    ASSIGN_OR_RETURN(p.num_components, hp::ParsePositiveInt(name, *k));
  }
  for (const auto& [name, value] : params) {
    if (name == "num_components" || name == "n_components") {
      continue;
    } else if (name == "subtract_mean") {
      ASSIGN_OR_RETURN(p.subtract_mean, hp::ParseBool(name, value));
    } else if (name == "algorithm_mode") {
      const std::string v = hp::Lower(value);
      if (v != "regular" && v != "randomized")
        return hp::BadValue(name, value, "\"regular\" or \"randomized\"");
      p.randomized = v == "randomized";
    } else if (name == "feature_dim") {
      ASSIGN_OR_RETURN(p.feature_dim, hp::ParsePositiveInt(name, value));
    } else if (name == "extra_components" || name == "mini_batch_size") {
      return Status::InvalidArgument("hyperparameter \"" + name +
                                     "\" is not supported by kiln's pca (it fits on the whole "
                                     "data set at once); remove it");
    } else {
      static constexpr const char* kNames[] = {
          "algorithm_mode", "feature_dim", "num_components (alias n_components)", "subtract_mean"};
      return hp::UnknownName(name, "pca", kNames);
    }
  }
  return p;
}

Result<std::unique_ptr<PcaModel>> FitPca(const PcaParams& params, const Matrix& x,
                                         const FitContext& ctx) {
  RETURN_IF_ERROR(ui::CheckFitInput("pca", params.feature_dim, x, ctx));
  const std::size_t limit = std::min(x.rows, x.cols);
  const std::size_t k = params.num_components == 0
                            ? std::min<std::size_t>(10, limit)
                            : static_cast<std::size_t>(params.num_components);
  if (k > limit) {
    return Status::InvalidArgument("hyperparameter \"num_components\": " + std::to_string(k) +
                                   " exceeds min(rows " + std::to_string(x.rows) + ", columns " +
                                   std::to_string(x.cols) + ") = " + std::to_string(limit) +
                                   "; lower it");
  }
  const std::size_t d = x.cols;
  std::vector<double> mean(d, 0.0);
  if (params.subtract_mean) {
    for (std::size_t i = 0; i < x.rows; ++i) {
      for (std::size_t j = 0; j < d; ++j) {
        const float v = x.values[i * d + j];
        mean[j] += std::isfinite(v) ? v : 0.0f;
      }
    }
    for (double& m : mean)
      m /= static_cast<double>(x.rows);
  }
  // Regular mode keeps one d x d partial Gram matrix per task: at most 16, and at most 256 MB.
  const std::size_t gram_bytes = 8 * d * d;
  const std::size_t max_tasks =
      params.randomized ? 16
                        : std::clamp<std::size_t>((std::size_t{256} << 20) / gram_bytes, 1, 16);
  const int threads = std::clamp(ctx.num_threads, 1, 64);
  const CenteredRows data(x, mean, threads, max_tasks);
  const Spectrum spectrum = params.randomized ? Randomized(data, k, ctx.seed) : Regular(data, k);
  const double dof = static_cast<double>(std::max<std::size_t>(x.rows - 1, 1));

  PcaModel::State s;
  s.subtract_mean = params.subtract_mean;
  s.randomized = params.randomized;
  s.num_features = d;
  s.num_components = k;
  s.total_variance = data.SquaredSum() / dof;
  s.mean = std::move(mean);
  for (double v : spectrum.values)
    s.explained_variance.push_back(v / dof);
  s.components = SignedComponents(spectrum.vectors, k);
  return std::make_unique<PcaModel>(std::move(s));
}

}  // namespace kiln
