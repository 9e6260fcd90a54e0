#include "learn/linear/least_squares.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/QR>
#include <algorithm>
#include <atomic>
#include <cmath>

#include "learn/linear/row_tasks.h"

namespace kiln {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using RowMajorXd = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowMajorXf = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

constexpr std::size_t kBlockRows = 256;

// Sufficient statistics, all divided by the weight sum: the Gram matrix of the (centered) rows,
// their correlation with y, and the second moment of (centered) y.
struct Moments {
  MatrixXd gram;
  VectorXd xy;
  double yy = 0;
  VectorXd x_mean;  // zero without an intercept
  double y_mean = 0;
};

double Soft(double z, double t) { return z > t ? z - t : (z < -t ? z + t : 0.0); }

Result<Moments> ComputeMoments(const Matrix& x, std::span<const float> y, std::span<const double> w,
                               const LeastSquaresOptions& options) {
  const auto p = static_cast<Eigen::Index>(x.cols);
  double weight_sum = 0;
  for (double v : w)
    weight_sum += v;

  Moments m;
  m.x_mean = VectorXd::Zero(p);
  if (options.fit_intercept) {
    for (std::size_t i = 0; i < x.rows; ++i) {
      const Eigen::Map<const Eigen::VectorXf> row(x.values.data() + i * x.cols, p);
      m.x_mean += w[i] * row.cast<double>();
      m.y_mean += w[i] * y[i];
    }
    m.x_mean /= weight_sum;
    m.y_mean /= weight_sum;
  }

  // Per-task partial sums (few tasks: each holds a cols x cols matrix), reduced in task order.
  const std::size_t max_tasks =
      std::clamp<std::size_t>((1u << 22) / std::max<std::size_t>(x.cols * x.cols, 1), 1, 16);
  const RowTasks tasks(x.rows, 4 * kBlockRows, max_tasks);
  std::vector<MatrixXd> gram(tasks.count(), MatrixXd::Zero(p, p));
  std::vector<VectorXd> xy(tasks.count(), VectorXd::Zero(p));
  std::vector<double> yy(tasks.count(), 0.0);
  std::atomic<bool> stopped = false;
  tasks.Run(options.num_threads, [&](std::size_t t) {
    RowMajorXd block;
    VectorXd yc, sw;
    for (std::size_t begin = tasks.begin(t); begin < tasks.end(t); begin += kBlockRows) {
      if (stopped.load(std::memory_order_relaxed))
        return;
      if (options.should_stop && options.should_stop()) {
        stopped = true;
        return;
      }
      const auto len = static_cast<Eigen::Index>(std::min(kBlockRows, tasks.end(t) - begin));
      block = Eigen::Map<const RowMajorXf>(x.values.data() + begin * x.cols, len, p).cast<double>();
      block.rowwise() -= m.x_mean.transpose();
      yc.resize(len);
      sw.resize(len);
      for (Eigen::Index i = 0; i < len; ++i) {
        sw[i] = std::sqrt(w[begin + i]);
        yc[i] = sw[i] * (y[begin + i] - m.y_mean);
      }
      block = sw.asDiagonal() * block;
      gram[t].selfadjointView<Eigen::Lower>().rankUpdate(block.transpose());
      xy[t].noalias() += block.transpose() * yc;
      yy[t] += yc.squaredNorm();
    }
  });
  if (stopped)
    return Status::DeadlineExceeded("linear: deadline passed while reading rows");
  m.gram = MatrixXd::Zero(p, p);
  m.xy = VectorXd::Zero(p);
  for (std::size_t t = 0; t < tasks.count(); ++t) {
    m.gram += gram[t];
    m.xy += xy[t];
    m.yy += yy[t];
  }
  m.gram = m.gram.selfadjointView<Eigen::Lower>();
  m.gram /= weight_sum;
  m.xy /= weight_sum;
  m.yy /= weight_sum;
  return m;
}

// Largest component of the minimum-norm subgradient of the objective.
double Violation(const Moments& m, const VectorXd& beta, const VectorXd& gram_beta,
                 const LeastSquaresOptions& o) {
  double worst = 0;
  for (Eigen::Index j = 0; j < beta.size(); ++j) {
    const double g = gram_beta[j] - m.xy[j] + o.a2 * beta[j];
    double v;
    if (beta[j] > 0) {
      v = g + o.a1;
    } else if (beta[j] < 0) {
      v = g - o.a1;
    } else {
      v = std::max(std::abs(g) - o.a1, 0.0);
    }
    worst = std::max(worst, std::abs(v));
  }
  return worst;
}

// Signs of beta: the support and orthant the L1 term is smooth on.
std::vector<signed char> Signs(const VectorXd& beta) {
  std::vector<signed char> s(beta.size());
  for (Eigen::Index j = 0; j < beta.size(); ++j)
    s[j] = beta[j] > 0 ? 1 : (beta[j] < 0 ? -1 : 0);
  return s;
}

// On a fixed support and signs the objective is quadratic. Moves *beta toward that quadratic's
// minimizer as far as the signs allow: all the way, or to where the first coefficient reaches zero
// (which leaves the support). Returns false when the system is singular.
bool StepOnSupport(const Moments& m, const LeastSquaresOptions& o,
                   const std::vector<signed char>& signs, VectorXd* beta) {
  std::vector<Eigen::Index> active;
  for (Eigen::Index j = 0; j < static_cast<Eigen::Index>(signs.size()); ++j) {
    if (signs[j] != 0)
      active.push_back(j);
  }
  const auto a = static_cast<Eigen::Index>(active.size());
  MatrixXd lhs(a, a);
  VectorXd rhs(a);
  for (Eigen::Index r = 0; r < a; ++r) {
    for (Eigen::Index c = 0; c < a; ++c)
      lhs(r, c) = m.gram(active[r], active[c]);
    lhs(r, r) += o.a2;
    rhs[r] = m.xy[active[r]] - o.a1 * signs[active[r]];
  }
  Eigen::LDLT<MatrixXd> ldlt(lhs);
  if (ldlt.info() != Eigen::Success || !ldlt.isPositive())
    return false;
  const VectorXd target = ldlt.solve(rhs);
  if (!target.allFinite())
    return false;
  double step = 1;
  for (Eigen::Index r = 0; r < a; ++r) {
    const double from = (*beta)[active[r]];
    if (target[r] * signs[active[r]] <= 0)
      step = std::min(step, from / (from - target[r]));
  }
  for (Eigen::Index r = 0; r < a; ++r) {
    double& b = (*beta)[active[r]];
    const double moved = b + step * (target[r] - b);
    b = moved * signs[active[r]] > 0 ? moved : 0.0;
  }
  return true;
}

// Cyclic coordinate descent from *beta. Once a sweep leaves the signs unchanged, steps toward the
// exact minimizer on that support (a Newton step on the face), which ends the slow convergence of
// plain coordinate descent along correlated columns such as one-hot groups.
LeastSquaresFit CoordinateDescent(const Moments& m, const LeastSquaresOptions& o, VectorXd* beta) {
  const Eigen::Index p = beta->size();
  VectorXd gram_beta = m.gram * *beta;
  const double threshold = o.tol * std::max(1.0, Violation(m, *beta, gram_beta, o));
  LeastSquaresFit fit;
  fit.stop = SolverStop::kMaxIter;
  std::vector<signed char> signs = Signs(*beta), tried;
  for (int sweep = 0; sweep < o.max_iter; ++sweep) {
    if (o.should_stop && o.should_stop()) {
      fit.stop = SolverStop::kDeadline;
      break;
    }
    for (Eigen::Index j = 0; j < p; ++j) {
      const double denom = m.gram(j, j) + o.a2;
      const double z = m.xy[j] - gram_beta[j] + m.gram(j, j) * (*beta)[j];
      const double updated = denom > 0 ? Soft(z, o.a1) / denom : 0.0;
      const double delta = updated - (*beta)[j];
      if (delta == 0)
        continue;
      (*beta)[j] = updated;
      gram_beta += delta * m.gram.col(j);
    }
    fit.iterations = sweep + 1;
    std::vector<signed char> now = Signs(*beta);
    if (now == signs && now != tried) {
      tried = now;
      if (StepOnSupport(m, o, now, beta)) {
        gram_beta = m.gram * *beta;
        now = Signs(*beta);
      }
    }
    if (Violation(m, *beta, gram_beta, o) <= threshold) {
      fit.stop = SolverStop::kConverged;
      break;
    }
    signs = std::move(now);
  }
  return fit;
}

}  // namespace

Result<LeastSquaresFit> FitLeastSquares(const Matrix& x, std::span<const float> y,
                                        std::span<const double> weights,
                                        const LeastSquaresOptions& options) {
  ASSIGN_OR_RETURN(Moments m, ComputeMoments(x, y, weights, options));
  const Eigen::Index p = m.gram.rows();
  VectorXd beta = VectorXd::Zero(p);
  LeastSquaresFit fit;
  if (options.a1 == 0) {
    fit.stop = SolverStop::kClosedForm;
    fit.iterations = 1;
    if (options.a2 > 0) {
      MatrixXd a = m.gram;
      a.diagonal().array() += options.a2;
      beta = a.llt().solve(m.xy);
    } else {
      beta = m.gram.completeOrthogonalDecomposition().solve(m.xy);
    }
  } else {
    fit = CoordinateDescent(m, options, &beta);
  }
  fit.objective = 0.5 * (beta.dot(m.gram * beta) - 2 * beta.dot(m.xy) + m.yy) +
                  options.a1 * beta.lpNorm<1>() + 0.5 * options.a2 * beta.squaredNorm();
  fit.coefficients.assign(beta.data(), beta.data() + p);
  fit.intercept = options.fit_intercept ? m.y_mean - m.x_mean.dot(beta) : 0.0;
  return fit;
}

}  // namespace kiln
