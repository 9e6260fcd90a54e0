#include "learn/linear/owlqn.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <deque>

namespace kiln {
namespace {

using Eigen::VectorXd;

struct Correction {
  VectorXd s, y;
  double rho;
};

double L1Term(const VectorXd& x, const VectorXd& l1) { return l1.cwiseProduct(x.cwiseAbs()).sum(); }

// The minimum-norm subgradient of f + l1 |.| (the steepest-descent direction, negated).
VectorXd PseudoGradient(const VectorXd& x, const VectorXd& g, const VectorXd& l1) {
  VectorXd pg(x.size());
  for (Eigen::Index j = 0; j < x.size(); ++j) {
    if (l1[j] == 0) {
      pg[j] = g[j];
    } else if (x[j] > 0) {
      pg[j] = g[j] + l1[j];
    } else if (x[j] < 0) {
      pg[j] = g[j] - l1[j];
    } else if (g[j] + l1[j] < 0) {
      pg[j] = g[j] + l1[j];
    } else if (g[j] - l1[j] > 0) {
      pg[j] = g[j] - l1[j];
    } else {
      pg[j] = 0;
    }
  }
  return pg;
}

// -H * v by the L-BFGS two-loop recursion.
VectorXd TwoLoop(const std::deque<Correction>& history, const VectorXd& v) {
  VectorXd q = v;
  std::vector<double> a(history.size());
  for (std::size_t i = history.size(); i-- > 0;) {
    a[i] = history[i].rho * history[i].s.dot(q);
    q -= a[i] * history[i].y;
  }
  if (!history.empty()) {
    const Correction& last = history.back();
    q *= last.s.dot(last.y) / last.y.squaredNorm();
  }
  for (std::size_t i = 0; i < history.size(); ++i) {
    const double b = history[i].rho * history[i].y.dot(q);
    q += (a[i] - b) * history[i].s;
  }
  return -q;
}

}  // namespace

const char* SolverStopName(SolverStop stop) {
  switch (stop) {
    case SolverStop::kConverged:
      return "converged";
    case SolverStop::kMaxIter:
      return "max_iter";
    case SolverStop::kDeadline:
      return "deadline";
    case SolverStop::kNoProgress:
      return "no_progress";
    case SolverStop::kClosedForm:
      return "closed_form";
  }
  return "unknown";
}

OwlqnResult MinimizeOwlqn(const SmoothObjective& f, std::span<const double> l1_span,
                          std::span<double> x_span, const OwlqnOptions& options) {
  constexpr double kArmijo = 1e-4;
  constexpr int kMaxBacktracks = 60;
  const Eigen::Index n = static_cast<Eigen::Index>(x_span.size());
  const VectorXd l1 = Eigen::Map<const VectorXd>(l1_span.data(), n);
  Eigen::Map<VectorXd> x_out(x_span.data(), n);
  VectorXd x = x_out;
  VectorXd g(n), g_new(n);
  auto eval = [&](const VectorXd& point, VectorXd* grad) {
    const auto size = static_cast<std::size_t>(point.size());
    return f({point.data(), size}, {grad->data(), size}) + L1Term(point, l1);
  };

  OwlqnResult result;
  double value = eval(x, &g);
  VectorXd pg = PseudoGradient(x, g, l1);
  const double threshold = options.tol * std::max(1.0, pg.lpNorm<Eigen::Infinity>());
  std::deque<Correction> history;
  result.stop = SolverStop::kMaxIter;
  if (pg.lpNorm<Eigen::Infinity>() <= threshold)
    result.stop = SolverStop::kConverged;
  for (int iter = 0; iter < options.max_iter && result.stop == SolverStop::kMaxIter; ++iter) {
    if (options.should_stop && options.should_stop()) {
      result.stop = SolverStop::kDeadline;
      break;
    }
    VectorXd d = TwoLoop(history, pg);
    // Keep only the components that descend along -pg; they define the orthant searched.
    for (Eigen::Index j = 0; j < n; ++j) {
      if (l1[j] > 0 && d[j] * pg[j] >= 0)
        d[j] = 0;
    }
    if (d.dot(pg) >= 0) {  // not a descent direction: restart from steepest descent
      history.clear();
      d = -pg;
    }
    VectorXd orthant(n);
    for (Eigen::Index j = 0; j < n; ++j) {
      orthant[j] = x[j] != 0 ? (x[j] > 0 ? 1.0 : -1.0) : (pg[j] < 0 ? 1.0 : -1.0);
    }
    double step = history.empty() ? std::min(1.0, 1.0 / std::max(pg.norm(), 1e-300)) : 1.0;
    VectorXd x_new(n);
    double value_new = value;
    bool accepted = false;
    for (int b = 0; b < kMaxBacktracks; ++b, step *= 0.5) {
      x_new = x + step * d;
      for (Eigen::Index j = 0; j < n; ++j) {
        if (l1[j] > 0 && x_new[j] * orthant[j] <= 0)
          x_new[j] = 0;
      }
      value_new = eval(x_new, &g_new);
      if (std::isfinite(value_new) && value_new <= value + kArmijo * pg.dot(x_new - x)) {
        accepted = true;
        break;
      }
      if (options.should_stop && options.should_stop())
        break;
    }
    if (!accepted && options.should_stop && options.should_stop()) {
      result.stop = SolverStop::kDeadline;
      break;
    }
    if (!accepted || !(value_new < value)) {
      result.stop = SolverStop::kNoProgress;
      break;
    }
    Correction c{x_new - x, g_new - g, 0};
    const double sy = c.s.dot(c.y);
    if (sy > 1e-12 * c.y.squaredNorm() && sy > 0) {
      c.rho = 1.0 / sy;
      history.push_back(std::move(c));
      if (static_cast<int>(history.size()) > options.memory)
        history.pop_front();
    }
    x.swap(x_new);
    g.swap(g_new);
    value = value_new;
    pg = PseudoGradient(x, g, l1);
    result.iterations = iter + 1;
    if (pg.lpNorm<Eigen::Infinity>() <= threshold)
      result.stop = SolverStop::kConverged;
  }
  result.objective = value;
  x_out = x;
  return result;
}

}  // namespace kiln
