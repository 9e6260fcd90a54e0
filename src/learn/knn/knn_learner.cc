#include "learn/knn/knn_learner.h"

#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "learn/knn/knn_model.h"
#include "learn/knn/knn_params.h"

namespace kiln {
namespace {

Result<int> CheckClasses(Task task, int num_classes) {
  switch (task) {
    case Task::kBinary:
      if (num_classes != 2 && num_classes != 0) {
        return Status::InvalidArgument("knn: binary task with " + std::to_string(num_classes) +
                                       " classes; expected 2");
      }
      return 2;
    case Task::kMulticlass:
      if (num_classes < 2) {
        return Status::InvalidArgument("knn: multiclass task with " + std::to_string(num_classes) +
                                       " classes; expected >= 2");
      }
      return num_classes;
    case Task::kRegression:
      return 0;
  }
  return Status::InvalidArgument("knn: unknown task");
}

// Fitting copies the rows of positive weight (a zero-weight row could only take a neighbour slot
// without voting), with non-finite features replaced by 0.
class KnnLearner final : public Learner {
 public:
  KnnLearner(KnnParams params, Task task, int num_classes)
      : params_(std::move(params)), task_(task), num_classes_(num_classes) {}

  std::string algorithm() const override { return "knn"; }
  HyperParams params() const override { return params_.ToHyperParams(); }

  Result<std::unique_ptr<Model>> Fit(const TrainSet& train, const TrainSet* /*valid*/,
                                     const FitContext& ctx) const override {
    if (std::chrono::steady_clock::now() >= ctx.deadline)
      return Status::DeadlineExceeded("knn: deadline passed before fitting");
    if (train.x == nullptr)
      return Status::InvalidArgument("knn: no training matrix");
    const Matrix& x = *train.x;
    const std::size_t n = x.rows;
    if (n == 0)
      return Status::InvalidArgument("knn: the training set has no rows");
    if (x.cols == 0)
      return Status::InvalidArgument("knn: the training set has no feature columns");
    if (n >= (std::size_t{1} << 32) - 1) {
      return Status::InvalidArgument("knn: " + std::to_string(n) +
                                     " training rows; at most 4294967294 are supported");
    }
    if (train.y.size() != n) {
      return Status::InvalidArgument("knn: " + std::to_string(train.y.size()) + " labels for " +
                                     std::to_string(n) + " rows");
    }
    if (!train.weights.empty() && train.weights.size() != n) {
      return Status::InvalidArgument("knn: " + std::to_string(train.weights.size()) +
                                     " weights for " + std::to_string(n) + " rows");
    }
    std::vector<std::size_t> keep;
    keep.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      const float y = train.y[i];
      if (!std::isfinite(y))
        return Status::InvalidArgument("knn: row " + std::to_string(i) + ": label is missing");
      if (task_ != Task::kRegression &&
          (y != std::floor(y) || y < 0 || y > static_cast<float>(num_classes_ - 1))) {
        return Status::InvalidArgument("knn: row " + std::to_string(i) + ": label " +
                                       std::to_string(y) + " is not a class index in 0.." +
                                       std::to_string(num_classes_ - 1));
      }
      const float w = train.weights.empty() ? 1.0f : train.weights[i];
      if (!std::isfinite(w) || w < 0) {
        return Status::InvalidArgument("knn: row " + std::to_string(i) + ": weight " +
                                       std::to_string(w) + " must be finite and >= 0");
      }
      if (w > 0)
        keep.push_back(i);
    }
    if (keep.empty())
      return Status::InvalidArgument("knn: every training row has weight 0");
    if (static_cast<std::size_t>(params_.n_neighbors) > keep.size()) {
      return Status::InvalidArgument(
          "hyperparameter \"n_neighbors\": " + std::to_string(params_.n_neighbors) +
          " exceeds the " + std::to_string(keep.size()) +
          " training rows (of positive weight); lower n_neighbors or add rows");
    }
    Matrix features = keep.size() == n ? x : x.SelectRows(keep);
    for (float& v : features.values) {
      if (!std::isfinite(v))
        v = 0.0f;
    }
    std::vector<float> labels(keep.size());
    std::vector<float> weights(keep.size());
    for (std::size_t i = 0; i < keep.size(); ++i) {
      labels[i] = train.y[keep[i]];
      weights[i] = train.weights.empty() ? 1.0f : train.weights[keep[i]];
    }
    KnnModel::Settings settings{params_.n_neighbors, params_.distance_weights, params_.p};
    return std::unique_ptr<Model>(std::make_unique<KnnModel>(
        task_, num_classes_, settings, std::move(features), std::move(labels), std::move(weights)));
  }

 private:
  KnnParams params_;
  Task task_;
  int num_classes_;
};

}  // namespace

Result<std::unique_ptr<Learner>> MakeKnnLearner(const HyperParams& params, Task task,
                                                int num_classes) {
  ASSIGN_OR_RETURN(int classes, CheckClasses(task, num_classes));
  ASSIGN_OR_RETURN(KnnParams p, KnnParams::Parse(params));
  return std::unique_ptr<Learner>(std::make_unique<KnnLearner>(std::move(p), task, classes));
}

Result<std::unique_ptr<Model>> LoadKnnModel(std::string_view bytes, Task task, int num_classes) {
  ASSIGN_OR_RETURN(int classes, CheckClasses(task, num_classes));
  ASSIGN_OR_RETURN(std::unique_ptr<KnnModel> model, KnnModel::Load(bytes, task, classes));
  return std::unique_ptr<Model>(std::move(model));
}

}  // namespace kiln
