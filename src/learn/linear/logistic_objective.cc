#include "learn/linear/logistic_objective.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

namespace kiln {
namespace {

using RowMajorXd = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowMajorXf = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Rows converted to double at a time: small enough to stay in cache between the two products.
constexpr std::size_t kBlockRows = 256;

// log(1 + exp(m)) without overflow.
double Softplus(double m) { return m > 0 ? m + std::log1p(std::exp(-m)) : std::log1p(std::exp(m)); }

double Sigmoid(double m) {
  if (m >= 0)
    return 1.0 / (1.0 + std::exp(-m));
  const double e = std::exp(m);
  return e / (1.0 + e);
}

}  // namespace

LogisticObjective::LogisticObjective(const Matrix& x, std::span<const float> y,
                                     std::span<const double> weights, int outputs,
                                     bool fit_intercept, double l2, int num_threads)
    : x_(x),
      y_(y),
      weights_(weights),
      outputs_(outputs),
      fit_intercept_(fit_intercept),
      l2_(l2),
      num_threads_(num_threads),
      num_params_(static_cast<std::size_t>(outputs) * (x.cols + (fit_intercept ? 1 : 0))),
      tasks_(x.rows, 2 * kBlockRows, 64),
      partial_loss_(tasks_.count()),
      partial_grad_(tasks_.count() * num_params_) {
  for (double w : weights_)
    weight_sum_ += w;
}

void LogisticObjective::RunTask(std::size_t task, std::span<const double> theta) {
  const auto p = static_cast<Eigen::Index>(x_.cols);
  const Eigen::Index k = outputs_;
  double* grad = partial_grad_.data() + task * num_params_;
  std::fill(grad, grad + num_params_, 0.0);
  const double* intercepts = fit_intercept_ ? theta.data() + k * p : nullptr;
  double loss = 0;
  RowMajorXd xd, margin;
  Eigen::VectorXd margin1;
  for (std::size_t begin = tasks_.begin(task); begin < tasks_.end(task); begin += kBlockRows) {
    const auto len = static_cast<Eigen::Index>(std::min(kBlockRows, tasks_.end(task) - begin));
    xd = Eigen::Map<const RowMajorXf>(x_.values.data() + begin * x_.cols, len, p).cast<double>();
    if (k == 1) {
      // Vector types, so Eigen uses its matrix-vector kernels (no GEMM packing).
      margin1.noalias() = xd * Eigen::Map<const Eigen::VectorXd>(theta.data(), p);
      for (Eigen::Index i = 0; i < len; ++i) {
        const double m = margin1[i] + (intercepts ? intercepts[0] : 0.0);
        const double wi = weights_[begin + i];
        const bool positive = y_[begin + i] == 1;
        loss += wi * (Softplus(m) - (positive ? m : 0.0));
        margin1[i] = wi * (Sigmoid(m) - (positive ? 1.0 : 0.0));  // d loss / d margin
      }
      Eigen::Map<Eigen::VectorXd>(grad, p).noalias() += xd.transpose() * margin1;
      if (intercepts)
        grad[p] += margin1.sum();
      continue;
    }
    margin.noalias() = xd * Eigen::Map<const RowMajorXd>(theta.data(), k, p).transpose();
    if (intercepts)
      margin.rowwise() += Eigen::Map<const Eigen::RowVectorXd>(intercepts, k);
    for (Eigen::Index i = 0; i < len; ++i) {
      const double wi = weights_[begin + i];
      const auto label = static_cast<Eigen::Index>(y_[begin + i]);
      auto row = margin.row(i);
      const double top = row.maxCoeff();
      const double log_sum = top + std::log((row.array() - top).exp().sum());
      loss += wi * (log_sum - row(label));
      row = wi * (row.array() - log_sum).exp();  // d loss / d margin
      row(label) -= wi;
    }
    Eigen::Map<RowMajorXd>(grad, k, p).noalias() += margin.transpose() * xd;
    if (intercepts)
      Eigen::Map<Eigen::RowVectorXd>(grad + k * p, k) += margin.colwise().sum();
  }
  partial_loss_[task] = loss;
}

double LogisticObjective::operator()(std::span<const double> theta, std::span<double> grad) {
  tasks_.Run(num_threads_, [&](std::size_t task) { RunTask(task, theta); });
  double loss = 0;
  std::fill(grad.begin(), grad.end(), 0.0);
  for (std::size_t t = 0; t < tasks_.count(); ++t) {
    loss += partial_loss_[t];
    const double* g = partial_grad_.data() + t * num_params_;
    for (std::size_t j = 0; j < num_params_; ++j)
      grad[j] += g[j];
  }
  loss /= weight_sum_;
  for (double& g : grad)
    g /= weight_sum_;
  const std::size_t penalized = static_cast<std::size_t>(outputs_) * x_.cols;
  double norm2 = 0;
  for (std::size_t j = 0; j < penalized; ++j) {
    norm2 += theta[j] * theta[j];
    grad[j] += l2_ * theta[j];
  }
  return loss + 0.5 * l2_ * norm2;
}

}  // namespace kiln
