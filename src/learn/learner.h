// Learner and Model: the interface every built-in algorithm implements.
//
// A Learner holds validated hyperparameters (its configuration) and turns training data into a
// Model. A Model holds only learned state; it predicts and serializes itself. The two are kept
// apart as in XGBoost (SaveConfig vs SaveModel): a model artifact stores both, separately.
//
// Predictions are in "output space": probabilities for classification (binary: P(class 1);
// multiclass: one probability per class, rows sum to 1) and the predicted value for regression.
//
// Thread-safety: a Learner is immutable after creation and Fit may run concurrently on different
// data. A Model is immutable after Fit/Load; Predict is safe from many threads.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "learn/matrix.h"
#include "learn/task.h"

namespace kiln {

// Hyperparameters as given by the user (CLI --hp NAME=VALUE, SageMaker HyperParameters): names to
// text.
using HyperParams = std::map<std::string, std::string>;

// Training data. `y` holds class indices 0..K-1 for classification, values for regression.
struct TrainSet {
  const Matrix* x = nullptr;
  std::span<const float> y;
  std::span<const float> weights;  // empty = all 1
  std::vector<bool> categorical;   // per column: holds category codes 0..n-1 (trees may split
                                   // on them natively); empty = all numeric
};

// How to run a fit: threads, seed, and a deadline after which the learner stops early (returning
// the model trained so far when it has one, else DeadlineExceeded).
struct FitContext {
  int num_threads = 1;
  std::uint64_t seed = 0;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

class Model {
 public:
  virtual ~Model() = default;

  // The algorithm's registry name ("xgboost", "linear", ...).
  virtual std::string algorithm() const = 0;
  virtual Task task() const = 0;
  virtual int num_classes() const = 0;  // 0 for regression
  int num_outputs() const { return NumOutputs(task(), num_classes()); }

  // Writes rows(x) * num_outputs() predictions (row-major) into `out`, resizing it.
  // REQUIRES x.cols equals the number of columns trained on.
  virtual void Predict(const Matrix& x, std::vector<double>* out) const = 0;

  // Like Predict, but in margin space: the log-odds of class 1 (binary), one unnormalized score per
  // class whose softmax is the probabilities (multiclass), the value (regression). Ensembles
  // average margins, and explanations add up in this space. The default derives margins from
  // probabilities; learners override it with their exact raw scores.
  virtual void PredictMargin(const Matrix& x, std::vector<double>* out) const;

  // SHAP contributions in margin space: rows * outputs * (cols + 1) values, row-major, for output o
  // of row r the cols feature contributions followed by the bias; for every row and output they sum
  // to PredictMargin's value. Exact where the model allows it (TreeSHAP for trees, closed form for
  // linear models). Unimplemented for models that cannot explain themselves.
  virtual Result<std::vector<double>> Contributions(const Matrix& x) const;

  // Learned facts worth reporting (e.g. {"best_iteration", "412"}).
  virtual std::map<std::string, std::string> Info() const { return {}; }

  // The learned state as bytes; LoadModel(algorithm(), Serialize()) restores an equal model.
  virtual Result<std::string> Serialize() const = 0;
};

class Learner {
 public:
  virtual ~Learner() = default;

  virtual std::string algorithm() const = 0;
  // The effective hyperparameters, every one spelled canonically with its value (defaults
  // included).
  virtual HyperParams params() const = 0;

  // Trains on `train`; `valid` (optional) drives early stopping when the algorithm supports it.
  virtual Result<std::unique_ptr<Model>> Fit(const TrainSet& train, const TrainSet* valid,
                                             const FitContext& ctx) const = 0;
};

}  // namespace kiln
