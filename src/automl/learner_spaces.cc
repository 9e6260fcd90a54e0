#include "automl/learner_spaces.h"

#include "automl/param_spec_builders.h"
#include "learn/registry.h"

namespace kiln {
namespace {

LearnerSpace Xgboost(std::size_t rows) {
  LearnerSpace s;
  s.algorithm = "xgboost";
  s.encoding = FeatureEncoding::kTree;
  // Order: eta, max_depth, min_child_weight, subsample, colsample_bytree, lambda, alpha,
  // max_cat_to_onehot (1 = partition-based categorical splits; 4 = XGBoost's default one-hot below
  // 5).
  s.space.params = {FloatParam("eta", 0.01, 0.3, true),
                    IntParam("max_depth", 2, 10),
                    FloatParam("min_child_weight", 1e-3, 100, true),
                    FloatParam("subsample", 0.5, 1, false),
                    FloatParam("colsample_bytree", 0.3, 1, false),
                    FloatParam("lambda", 1e-3, 100, true),
                    FloatParam("alpha", 1e-4, 10, true),
                    ChoiceParam("max_cat_to_onehot", {"1", "4"})};
  // Large data sets get a faster first learning rate so the first candidate lands early.
  double first_eta = rows > 50000 ? 0.15 : 0.1;
  s.portfolio = {
      {first_eta, 6, 1, 0.8, 0.8, 1, 1e-4, 0},
      // Shallow, fast and little regularized: lets leaves grow confident on (nearly)
      // deterministic targets built of low-order interactions, where XGBoost's hessian-based
      // min_child_weight otherwise stops refining (car: test log loss 0.0004 with depth 3, 0.024
      // with depth 6 and the same regularization); eta 0.3 keeps it a cheap trial elsewhere.
      {0.3, 3, 0.01, 1.0, 1.0, 0.01, 1e-4, 0},
      {0.05, 4, 1, 0.9, 0.7, 1, 1e-4, 0},
      {0.08, 8, 3, 0.7, 0.5, 5, 1e-4, 0},
      {0.03, 3, 0.5, 1.0, 0.6, 0.1, 1e-4, 1},
      {0.05, 10, 10, 0.7, 0.7, 10, 0.1, 0},
  };
  s.fixed = {{"num_round", "3000"}, {"early_stopping_rounds", "50"}, {"tree_method", "hist"}};
  return s;
}

LearnerSpace Linear(Task task) {
  LearnerSpace s;
  s.algorithm = "linear";
  s.encoding = FeatureEncoding::kLinear;
  if (task == Task::kMulticlass) {
    // L1 with many classes needs many OWL-QN iterations; ridge-penalized softmax is fast and as
    // good.
    s.space.params = {FloatParam("alpha", 1e-6, 1, true)};
    s.portfolio = {{1e-4}, {1e-2}};
  } else {
    s.space.params = {FloatParam("alpha", 1e-6, 1, true), FloatParam("l1_ratio", 0, 1, false)};
    s.portfolio = {{1e-4, 0}, {1e-2, 0.5}};
  }
  s.fixed = {{"max_iter", "300"}};
  return s;
}

// Random forest and extra-trees: a few hundred deep trees; the search varies how random each split
// is and how small leaves may get.
LearnerSpace Forest(const std::string& algorithm, std::size_t rows) {
  LearnerSpace s;
  s.algorithm = algorithm;
  s.encoding = FeatureEncoding::kTree;
  // Order: max_features, min_samples_leaf.
  s.space.params = {ChoiceParam("max_features", {"sqrt", "0.5", "1.0"}),
                    IntParam("min_samples_leaf", 1, 20)};
  s.portfolio = {{0, 1}, {1, 3}};
  // Each member is a bag of k fold forests, so k * n_estimators trees predict together.
  s.fixed = {{"n_estimators", rows > 20000 ? "40" : "100"}};
  return s;
}

}  // namespace

std::vector<LearnerSpace> AutoMLLearnerSpaces(Task task, std::size_t rows) {
  std::vector<LearnerSpace> spaces = {Xgboost(rows), Linear(task)};
  for (const std::string& a : SupervisedAlgorithms()) {
    if (a == "random_forest" || a == "extra_trees")
      spaces.push_back(Forest(a, rows));
  }
  return spaces;
}

}  // namespace kiln
