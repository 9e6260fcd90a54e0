#include "learn/linear/linear_learner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <span>
#include <string>
#include <vector>

#include "learn/linear/least_squares.h"
#include "learn/linear/linear_model.h"
#include "learn/linear/linear_params.h"
#include "learn/linear/logistic_objective.h"
#include "learn/linear/owlqn.h"

namespace kiln {
namespace {

// Checks the training data and returns per-row weights: the user's (or 1) times the class weight.
Result<std::vector<double>> RowWeights(const TrainSet& train, Task task, int num_classes,
                                       bool balanced) {
  if (train.x == nullptr)
    return Status::InvalidArgument("linear: no training matrix");
  const Matrix& x = *train.x;
  const std::size_t n = x.rows;
  if (n == 0)
    return Status::InvalidArgument("linear: the training set has no rows");
  if (train.y.size() != n) {
    return Status::InvalidArgument("linear: " + std::to_string(train.y.size()) + " labels for " +
                                   std::to_string(n) + " rows");
  }
  if (!train.weights.empty() && train.weights.size() != n) {
    return Status::InvalidArgument("linear: " + std::to_string(train.weights.size()) +
                                   " weights for " + std::to_string(n) + " rows");
  }
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < x.cols; ++j) {
      if (!std::isfinite(x.at(i, j))) {
        return Status::InvalidArgument("linear: row " + std::to_string(i) + ", column " +
                                       std::to_string(j) +
                                       ": value is missing or infinite; impute features first");
      }
    }
  }
  std::vector<double> w(n, 1.0);
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!train.weights.empty())
      w[i] = train.weights[i];
    if (!std::isfinite(w[i]) || w[i] < 0) {
      return Status::InvalidArgument("linear: row " + std::to_string(i) + ": weight " +
                                     std::to_string(w[i]) + " must be finite and >= 0");
    }
    sum += w[i];
  }
  if (!(sum > 0))
    return Status::InvalidArgument("linear: the row weights sum to zero");

  const float y_max = task == Task::kRegression ? 0.0f : static_cast<float>(num_classes - 1);
  std::vector<std::size_t> counts(task == Task::kRegression ? 0 : num_classes, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const float y = train.y[i];
    if (!std::isfinite(y)) {
      return Status::InvalidArgument("linear: row " + std::to_string(i) + ": label is missing");
    }
    if (task == Task::kRegression)
      continue;
    if (y != std::floor(y) || y < 0 || y > y_max) {
      return Status::InvalidArgument("linear: row " + std::to_string(i) + ": label " +
                                     std::to_string(y) + " is not a class index in 0.." +
                                     std::to_string(num_classes - 1));
    }
    ++counts[static_cast<std::size_t>(y)];
  }
  if (balanced) {
    // scikit-learn's "balanced": n / (classes present * rows of the class).
    const auto present = std::count_if(counts.begin(), counts.end(), [](auto c) { return c > 0; });
    for (std::size_t i = 0; i < n; ++i) {
      w[i] *= static_cast<double>(n) /
              (static_cast<double>(present) * counts[static_cast<std::size_t>(train.y[i])]);
    }
  }
  return w;
}

// The mean of each column of `x`, weighted by the user's row weights (class weights reweight the
// objective, not the data, so they do not count). REQUIRES RowWeights(...) accepted the data.
std::vector<double> FeatureMeans(const Matrix& x, std::span<const float> weights) {
  std::vector<double> sum(x.cols, 0.0);
  double total = 0;
  for (std::size_t i = 0; i < x.rows; ++i) {
    const double w = weights.empty() ? 1.0 : weights[i];
    total += w;
    for (std::size_t j = 0; j < x.cols; ++j)
      sum[j] += w * x.at(i, j);
  }
  for (double& s : sum)
    s /= total;
  return sum;
}

class LinearLearner final : public Learner {
 public:
  LinearLearner(LinearParams params, Task task, int num_classes)
      : params_(params), task_(task), num_classes_(num_classes) {}

  std::string algorithm() const override { return "linear"; }
  HyperParams params() const override { return params_.ToHyperParams(); }

  Result<std::unique_ptr<Model>> Fit(const TrainSet& train, const TrainSet* /*valid*/,
                                     const FitContext& ctx) const override {
    auto past_deadline = [deadline = ctx.deadline] {
      return std::chrono::steady_clock::now() >= deadline;
    };
    if (past_deadline())
      return Status::DeadlineExceeded("linear: deadline passed before fitting");
    ASSIGN_OR_RETURN(std::vector<double> weights,
                     RowWeights(train, task_, num_classes_, params_.balanced_class_weight));
    const double a1 = params_.alpha * params_.l1_ratio;
    const double a2 = params_.alpha * (1 - params_.l1_ratio);
    const int threads = std::clamp(ctx.num_threads, 1, 64);
    const Matrix& x = *train.x;
    const int p = static_cast<int>(x.cols);
    std::vector<double> means = FeatureMeans(x, train.weights);

    if (task_ == Task::kRegression) {
      LeastSquaresOptions o{a1,          a2,      params_.fit_intercept, params_.max_iter,
                            params_.tol, threads, past_deadline};
      ASSIGN_OR_RETURN(LeastSquaresFit fit, FitLeastSquares(x, train.y, weights, o));
      return std::unique_ptr<Model>(std::make_unique<LinearModel>(
          task_, 0, p, std::move(fit.coefficients), std::vector<double>{fit.intercept},
          LinearModel::FitSummary{fit.iterations, fit.objective, fit.stop}, std::move(means)));
    }

    const int outputs = NumOutputs(task_, num_classes_);
    LogisticObjective objective(x, train.y, weights, outputs, params_.fit_intercept, a2, threads);
    std::vector<double> theta(objective.num_params(), 0.0);
    const std::size_t num_coef = static_cast<std::size_t>(outputs) * x.cols;
    if (params_.fit_intercept)
      InitIntercepts(train.y, weights, outputs, &theta[num_coef]);
    std::vector<double> l1(theta.size(), 0.0);
    std::fill(l1.begin(), l1.begin() + static_cast<std::ptrdiff_t>(num_coef), a1);
    OwlqnOptions o;
    o.max_iter = params_.max_iter;
    o.tol = params_.tol;
    o.should_stop = past_deadline;
    const OwlqnResult r = MinimizeOwlqn(
        [&](std::span<const double> t, std::span<double> g) { return objective(t, g); }, l1, theta,
        o);
    std::vector<double> intercepts(outputs, 0.0);
    if (params_.fit_intercept) {
      std::copy(theta.begin() + static_cast<std::ptrdiff_t>(num_coef), theta.end(),
                intercepts.begin());
      // Softmax intercepts are defined up to a shared shift; report them centered.
      if (outputs > 1) {
        double mean = 0;
        for (double b : intercepts)
          mean += b / outputs;
        for (double& b : intercepts)
          b -= mean;
      }
    }
    theta.resize(num_coef);
    return std::unique_ptr<Model>(std::make_unique<LinearModel>(
        task_, num_classes_, p, std::move(theta), std::move(intercepts),
        LinearModel::FitSummary{r.iterations, r.objective, r.stop}, std::move(means)));
  }

 private:
  // Starts intercepts at the (weighted) class log-odds / log-priors: the best constant model.
  static void InitIntercepts(std::span<const float> y, std::span<const double> w, int outputs,
                             double* b) {
    const int k = std::max(outputs, 2);
    std::vector<double> share(k, 0.0);
    double total = 0;
    for (std::size_t i = 0; i < y.size(); ++i) {
      share[static_cast<std::size_t>(y[i])] += w[i];
      total += w[i];
    }
    for (double& s : share)
      s = std::clamp(s / total, 1e-6, 1 - 1e-6);
    if (outputs == 1) {
      b[0] = std::log(share[1] / share[0]);
      return;
    }
    double mean = 0;
    for (int c = 0; c < k; ++c)
      mean += std::log(share[c]) / k;
    for (int c = 0; c < k; ++c)
      b[c] = std::log(share[c]) - mean;
  }

  LinearParams params_;
  Task task_;
  int num_classes_;
};

Result<int> CheckClasses(Task task, int num_classes) {
  switch (task) {
    case Task::kBinary:
      if (num_classes != 2 && num_classes != 0) {
        return Status::InvalidArgument("linear: binary task with " + std::to_string(num_classes) +
                                       " classes; expected 2");
      }
      return 2;
    case Task::kMulticlass:
      if (num_classes < 2) {
        return Status::InvalidArgument("linear: multiclass task with " +
                                       std::to_string(num_classes) + " classes; expected >= 2");
      }
      return num_classes;
    case Task::kRegression:
      return 0;
  }
  return Status::InvalidArgument("linear: unknown task");
}

}  // namespace

Result<std::unique_ptr<Learner>> MakeLinearLearner(const HyperParams& params, Task task,
                                                   int num_classes) {
  ASSIGN_OR_RETURN(int classes, CheckClasses(task, num_classes));
  ASSIGN_OR_RETURN(LinearParams p, LinearParams::Parse(params, task));
  return std::unique_ptr<Learner>(std::make_unique<LinearLearner>(p, task, classes));
}

Result<std::unique_ptr<Model>> LoadLinearModel(std::string_view bytes, Task task, int num_classes) {
  ASSIGN_OR_RETURN(int classes, CheckClasses(task, num_classes));
  ASSIGN_OR_RETURN(std::unique_ptr<LinearModel> model, LinearModel::Load(bytes, task, classes));
  return std::unique_ptr<Model>(std::move(model));
}

}  // namespace kiln
