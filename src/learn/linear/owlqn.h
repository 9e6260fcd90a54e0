// OWL-QN (orthant-wise limited-memory quasi-Newton, Andrew & Gao 2007): minimizes f(x) + sum_j
// l1_j |x_j| for a smooth convex f. With every l1_j == 0 it is plain L-BFGS with a backtracking
// (Armijo) line search. Private to the linear learner.
//
// Thread-safety: a pure function; `f` may itself use threads.
#pragma once

#include <functional>
#include <span>

namespace kiln {

enum class SolverStop { kConverged, kMaxIter, kDeadline, kNoProgress, kClosedForm };

// "converged", "max_iter", "deadline", "no_progress", "closed_form".
const char* SolverStopName(SolverStop stop);

struct OwlqnOptions {
  int max_iter = 500;
  // Converged when the largest pseudo-gradient component is <= tol * max(1, its initial value).
  double tol = 1e-6;
  int memory = 10;  // correction pairs kept
  // Asked once per iteration; true stops with the current point (e.g. a deadline passed).
  std::function<bool()> should_stop;
};

struct OwlqnResult {
  int iterations = 0;
  double objective = 0;  // f(x) + the L1 term at the returned x
  SolverStop stop = SolverStop::kMaxIter;
};

// Smooth part: returns f(x) and writes its gradient into `grad` (same size as x).
using SmoothObjective = std::function<double(std::span<const double> x, std::span<double> grad)>;

// Minimizes from the starting point in `x`, leaving the result there. REQUIRES l1.size() ==
// x.size() and l1_j >= 0.
OwlqnResult MinimizeOwlqn(const SmoothObjective& f, std::span<const double> l1, std::span<double> x,
                          const OwlqnOptions& options);

}  // namespace kiln
