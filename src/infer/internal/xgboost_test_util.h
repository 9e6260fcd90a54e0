// Test fixtures for src/infer: XGBoost models trained in the test through libxgboost's C API,
// libxgboost's own predictions (XGBoosterPredictFromDense) to compare with, and the example and
// shared CSV datasets as dense float matrices. Test-only; owned by one test thread.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "learn/matrix.h"
#include "learn/xgboost/xgboost_handles.h"
#include "model/kiln_model.h"

namespace kiln::infer_testing {

using Params = std::vector<std::pair<std::string, std::string>>;

struct Trained {
  XgbBooster booster;
  std::string json;  // XGBoosterSaveModelToBuffer {"format":"json"}
  std::string ubj;   // {"format":"ubj"}
};

// Trains `rounds` rounds on `x` / `label` with `params` (nthread 1, verbosity 0 are added first).
// For survival:aft the label is also both censoring bounds. Columns flagged in `categorical` are
// marked as XGBoost categories (feature type "c"; use tree_method hist). Fails the test on a
// libxgboost error.
Trained Train(const Matrix& x, const std::vector<float>& label, const Params& params, int rounds,
              const std::vector<bool>& categorical = {});

// libxgboost's in-place prediction of every row of `x` (values, all trees, NaN missing).
std::vector<float> XgboostPredict(const Trained& model, const Matrix& x);

enum class DatasetTask { kBinary, kMulticlass, kRegression };

struct Dataset {
  std::string name;
  DatasetTask task = DatasetTask::kRegression;
  int classes = 0;  // multiclass: number of classes
  Matrix x;         // every column but the target: numbers as is, categories as their codes
  std::vector<bool> categorical;  // per column of x: holds category codes
  std::vector<float> y;
};

// Reads a CSV whose last column is the target (categorical targets become class indices; a
// two-class numeric target is binary). An empty name on failure (the test is failed too).
Dataset LoadDataset(const std::string& path);

// A Table of `x`'s columns named f0, f1, ... (numeric, NaN = missing) for KilnModel::Predict.
Table ToTable(const Matrix& x);

// A model.kiln ensemble as Kiln's training builds one: `x` through a FeaturePipeline of
// `encoding` (tree: numbers passed through), two members of Kiln's XGBoost learner (weights 0.7
// and 0.3, the first a bag of two), 15 rounds each. classes: 0 regression, 2 binary, >2
// multiclass. info lists the features f0, f1, ...
KilnModel TrainKilnXgboost(const Matrix& x, const std::vector<float>& y, int classes,
                           FeatureEncoding encoding = FeatureEncoding::kTree);

// A model.kiln as `kiln automl` builds one from `table`, whose last column is the target (a
// categorical target gives classes, binary for two; two distinct numbers binary; other numbers
// regression): a tree and a linear FeaturePipeline over the other columns, and one member per
// entry of `algorithms` (xgboost, random_forest and extra_trees read the tree pipeline, with
// native categories for XGBoost; linear and knn the linear one), weights decreasing and summing
// to 1, the first member a bag of two. info lists the features. A non-empty params[m] replaces
// member m's hyperparameters.
KilnModel TrainKilnEnsemble(const Table& table, const std::vector<std::string>& algorithms,
                            const std::vector<HyperParams>& params = {});

// Reads an example dataset (examples/data/<name>.csv) as a Table.
Table ReadExample(const std::string& name);

}  // namespace kiln::infer_testing
