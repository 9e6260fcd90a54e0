#include "learn/registry.h"

#include "learn/forest/forest_learner.h"
#include "learn/knn/knn_learner.h"
#include "learn/linear/linear_learner.h"
#include "learn/xgboost/xgboost_learner.h"

namespace kiln {

std::vector<std::string> SupervisedAlgorithms() {
  return {"xgboost", "linear", "random_forest", "extra_trees", "knn"};
}

namespace {
Status UnknownAlgorithm(std::string_view algorithm) {
  std::string names;
  for (const auto& n : SupervisedAlgorithms())
    names += (names.empty() ? "" : ", ") + n;
  return Status::InvalidArgument("unknown algorithm \"" + std::string(algorithm) +
                                 "\"; expected one of: " + names);
}
}  // namespace

Result<std::unique_ptr<Learner>> MakeLearner(std::string_view algorithm, const HyperParams& params,
                                             Task task, int num_classes) {
  if (algorithm == "xgboost")
    return MakeXgboostLearner(params, task, num_classes);
  if (algorithm == "linear")
    return MakeLinearLearner(params, task, num_classes);
  if (algorithm == "random_forest" || algorithm == "extra_trees") {
    return MakeForestLearner(algorithm, params, task, num_classes);
  }
  if (algorithm == "knn")
    return MakeKnnLearner(params, task, num_classes);
  return UnknownAlgorithm(algorithm);
}

Result<std::unique_ptr<Model>> LoadModel(std::string_view algorithm, std::string_view bytes,
                                         Task task, int num_classes) {
  if (algorithm == "xgboost")
    return LoadXgboostModel(bytes, task, num_classes);
  if (algorithm == "linear")
    return LoadLinearModel(bytes, task, num_classes);
  if (algorithm == "random_forest" || algorithm == "extra_trees") {
    return LoadForestModel(algorithm, bytes, task, num_classes);
  }
  if (algorithm == "knn")
    return LoadKnnModel(bytes, task, num_classes);
  return UnknownAlgorithm(algorithm);
}

}  // namespace kiln
