#include "learn/forest/forest_learner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <optional>
#include <thread>
#include <vector>

#include "learn/forest/feature_bins.h"
#include "learn/forest/forest_model.h"
#include "learn/forest/forest_params.h"
#include "learn/forest/forest_random.h"
#include "learn/forest/tree_builder.h"

namespace kiln {
namespace {

Result<ForestKind> ParseKind(std::string_view algorithm) {
  if (algorithm == "random_forest")
    return ForestKind::kRandomForest;
  if (algorithm == "extra_trees")
    return ForestKind::kExtraTrees;
  return Status::InvalidArgument("forest: unknown algorithm \"" + std::string(algorithm) +
                                 "\"; expected \"random_forest\" or \"extra_trees\"");
}

Status CheckClasses(std::string_view algorithm, Task task, int num_classes) {
  if ((task == Task::kBinary && num_classes != 2) ||
      (task == Task::kMulticlass && num_classes < 2)) {
    return Status::InvalidArgument(std::string(algorithm) + ": a " + TaskName(task) +
                                   " task cannot have " + std::to_string(num_classes) + " classes");
  }
  return Status::Ok();
}

// Checks the training set and fills labels/targets and row weights (sample weight x class
// weight for "balanced", scaled to mean 1).
Status PrepareTargets(const char* name, const TrainSet& train, Task task, int num_classes,
                      ClassWeight class_weight, TreeTrainingData* data) {
  const std::string prefix = std::string(name) + ": ";
  if (train.x == nullptr)
    return Status::InvalidArgument(prefix + "no training matrix");
  const Matrix& x = *train.x;
  const std::size_t n = x.rows;
  if (n == 0 || x.cols == 0)
    return Status::InvalidArgument(prefix + "the training set has no rows or no columns");
  if (n >= (std::size_t{1} << 31))
    return Status::InvalidArgument(prefix + "more than 2^31 rows are not supported");
  if (train.y.size() != n) {
    return Status::InvalidArgument(prefix + std::to_string(train.y.size()) + " labels for " +
                                   std::to_string(n) + " rows");
  }
  if (!train.weights.empty() && train.weights.size() != n) {
    return Status::InvalidArgument(prefix + std::to_string(train.weights.size()) + " weights for " +
                                   std::to_string(n) + " rows");
  }
  data->task = task;
  data->num_classes = task == Task::kRegression ? 0 : num_classes;
  data->weight.assign(n, 1.0);
  std::vector<double> class_rows(static_cast<std::size_t>(data->num_classes), 0.0);
  if (task == Task::kRegression) {
    data->target.assign(train.y.begin(), train.y.end());
  } else {
    data->label.resize(n);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const float y = train.y[i];
    if (!std::isfinite(y))
      return Status::InvalidArgument(prefix + "row " + std::to_string(i) + ": label is missing");
    if (task != Task::kRegression) {
      if (y != std::floor(y) || y < 0 || y > static_cast<float>(num_classes - 1)) {
        return Status::InvalidArgument(prefix + "row " + std::to_string(i) + ": label " +
                                       std::to_string(y) + " is not a class index in 0.." +
                                       std::to_string(num_classes - 1));
      }
      data->label[i] = static_cast<std::int32_t>(y);
      ++class_rows[static_cast<std::size_t>(y)];
    }
    if (!train.weights.empty()) {
      const double w = train.weights[i];
      if (!std::isfinite(w) || w < 0) {
        return Status::InvalidArgument(prefix + "row " + std::to_string(i) + ": weight " +
                                       std::to_string(w) + " must be finite and >= 0");
      }
      data->weight[i] = w;
    }
  }
  if (class_weight == ClassWeight::kBalanced) {
    // scikit-learn's "balanced": n / (classes present * rows of the class).
    const double present = static_cast<double>(
        std::count_if(class_rows.begin(), class_rows.end(), [](double c) { return c > 0; }));
    for (std::size_t i = 0; i < n; ++i) {
      data->weight[i] *=
          static_cast<double>(n) / (present * class_rows[static_cast<std::size_t>(data->label[i])]);
    }
  }
  double sum = 0;
  for (double w : data->weight)
    sum += w;
  if (!(sum > 0))
    return Status::InvalidArgument(prefix + "the row weights sum to zero");
  for (double& w : data->weight)
    w *= static_cast<double>(n) / sum;
  return Status::Ok();
}

class ForestLearner final : public Learner {
 public:
  ForestLearner(ForestParams params, Task task, int num_classes)
      : params_(std::move(params)), task_(task), num_classes_(num_classes) {}

  std::string algorithm() const override { return ForestKindName(params_.kind); }
  HyperParams params() const override { return params_.ToHyperParams(); }

  Result<std::unique_ptr<Model>> Fit(const TrainSet& train, const TrainSet* /*valid*/,
                                     const FitContext& ctx) const override {
    const char* name = ForestKindName(params_.kind);
    auto past_deadline = [&] { return std::chrono::steady_clock::now() >= ctx.deadline; };
    if (past_deadline())
      return Status::DeadlineExceeded(std::string(name) + ": deadline passed before fitting");
    TreeTrainingData data;
    RETURN_IF_ERROR(PrepareTargets(name, train, task_, num_classes_, params_.class_weight, &data));
    const Matrix& x = *train.x;
    const int threads = std::clamp(ctx.num_threads, 1, 64);
    const FeatureBins bins = FeatureBins::Build(x, threads);
    data.bins = &bins;

    const std::size_t n = x.rows;
    TreeOptions o;
    o.kind = params_.kind;
    o.criterion = params_.criterion;
    o.max_depth = params_.max_depth == 0 ? ForestTree::kMaxDepth
                                         : std::min(params_.max_depth, ForestTree::kMaxDepth);
    o.min_samples_split = params_.min_samples_split.Resolve(n, 2);
    o.min_samples_leaf = params_.min_samples_leaf.Resolve(n, 1);
    o.max_features = params_.MaxFeatures(x.cols);
    o.min_impurity_decrease = params_.min_impurity_decrease;
    o.bootstrap = params_.bootstrap;
    o.bootstrap_size = params_.max_samples.Resolve(n, 1);
    o.balanced_subsample = params_.class_weight == ClassWeight::kBalancedSubsample;
    o.leaf_smoothing =
        task_ == Task::kRegression ? 0 : ForestModel::LeafSmoothing(data.num_classes);

    const std::size_t num_trees = static_cast<std::size_t>(params_.n_estimators);
    std::vector<std::optional<ForestTree>> trees(num_trees);
    std::atomic<std::size_t> next{0};
    std::atomic<bool> stopped{false};
    auto work = [&] {
      TreeBuilder builder(data, o);
      ForestTree tree;
      while (!stopped.load()) {
        if (past_deadline()) {
          stopped = true;
          break;
        }
        const std::size_t i = next++;
        if (i >= num_trees)
          break;
        // Per-tree seeds: the result does not depend on which thread builds which tree.
        const std::uint64_t seed = SplitMix64(ctx.seed ^ SplitMix64(i + 1));
        if (!builder.Build(seed, ctx.deadline, &tree)) {
          stopped = true;
          break;
        }
        trees[i] = std::move(tree);
      }
    };
    {
      std::vector<std::jthread> pool;
      const int extra = static_cast<int>(std::min<std::size_t>(threads, num_trees)) - 1;
      for (int t = 0; t < extra; ++t)
        pool.emplace_back(work);
      work();
    }

    std::vector<ForestTree> built;
    for (auto& t : trees) {
      if (t.has_value())
        built.push_back(std::move(*t));
    }
    if (built.empty()) {
      return Status::DeadlineExceeded(std::string(name) +
                                      ": deadline passed before the first tree was complete");
    }
    const auto stop =
        built.size() < num_trees ? ForestModel::Stop::kDeadline : ForestModel::Stop::kCompleted;
    return std::unique_ptr<Model>(std::make_unique<ForestModel>(
        params_.kind, task_, data.num_classes, static_cast<int>(x.cols), std::move(built), stop));
  }

 private:
  ForestParams params_;
  Task task_;
  int num_classes_;
};

}  // namespace

Result<std::unique_ptr<Learner>> MakeForestLearner(std::string_view algorithm,
                                                   const HyperParams& params, Task task,
                                                   int num_classes) {
  ASSIGN_OR_RETURN(ForestKind kind, ParseKind(algorithm));
  RETURN_IF_ERROR(CheckClasses(algorithm, task, num_classes));
  ASSIGN_OR_RETURN(ForestParams p, ForestParams::Parse(kind, params, task));
  return std::unique_ptr<Learner>(std::make_unique<ForestLearner>(std::move(p), task, num_classes));
}

Result<std::unique_ptr<Model>> LoadForestModel(std::string_view algorithm, std::string_view bytes,
                                               Task task, int num_classes) {
  ASSIGN_OR_RETURN(ForestKind kind, ParseKind(algorithm));
  RETURN_IF_ERROR(CheckClasses(algorithm, task, num_classes));
  ASSIGN_OR_RETURN(std::unique_ptr<ForestModel> model,
                   ForestModel::Load(kind, bytes, task, num_classes));
  return std::unique_ptr<Model>(std::move(model));
}

}  // namespace kiln
