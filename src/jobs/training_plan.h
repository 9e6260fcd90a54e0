// TrainingPlan: how Kiln runs a training job's algorithm — which learner, which task, the learner's
// own hyperparameters (translated from SageMaker's names where they differ), how to read the label,
// and the seed. Made at CreateTrainingJob (so every hyperparameter error is a ValidationException
// naming it) and again, identically, when the job runs.
//
// Hyperparameters per algorithm (all values are text, as SageMaker sends them):
//  - every algorithm: `target` (Kiln's convention: the CSV files have a header row and this column
//    is the label; otherwise the label is the first column and there is no header, SageMaker's
//    convention), `seed` (an integer ≥ 0, default 0; the same data, hyperparameters and seed give
//    the same model). `_tuning_objective_metric` (set by hyperparameter tuning) is accepted; for
//    XGBoost its metric is added to eval_metric.
//  - sagemaker-xgboost / xgboost: XGBoost's names (learn/xgboost/xgboost_params.h); num_round is
//    required as in SageMaker; the objective decides the task (binary:logistic; multi:softmax or
//    multi:softprob with num_class, required; reg:* and count:poisson, default reg:squarederror).
//    early_stopping_rounds needs a validation channel. kiln-xgboost: the same, num_round optional.
//  - linear-learner: predictor_type (binary_classifier | multiclass_classifier | regressor,
//    required), num_classes (multiclass, required, ≥ 3), feature_dim (auto or the feature count),
//    l1 and wd (≥ 0 or auto = 0 and 1e-4: Kiln minimizes loss + l1 |w|_1 + wd / 2 |w|^2), use_bias,
//    normalize_data (standardize features, default true), balance_multiclass_weights, loss (auto,
//    or the one matching predictor_type: logistic, softmax_loss, squared_loss). Every other Linear
//    Learner hyperparameter (SGD settings such as epochs, mini_batch_size, learning_rate,
//    optimizer; calibration, other losses) is rejected by name: Kiln solves the objective exactly.
//  - knn: k (required), predictor_type (classifier | regressor, required), sample_size (rows kept
//    for the index, seeded; default all), feature_dim, index_metric L2, index_type faiss.Flat;
//    dimension reduction and the other index types are rejected.
//  - kmeans / pca: SageMaker's names as learn/unsupervised/{kmeans,pca}.h accept them
//    (max_iterations is an alias of max_iter); no label (label_size=0) unless the channel says
//    text/csv;label_size=1, which drops the first column.
//  - kiln-linear, kiln-random-forest, kiln-extra-trees, kiln-knn: Kiln's names
//    (learn/{linear,forest,knn}/*_params.h) plus predictor_type (binary_classifier |
//    multiclass_classifier | regressor | classifier = binary or multiclass from the labels) and
//    num_classes (multiclass_classifier). kiln-kmeans, kiln-pca: as kmeans/pca, with standardized
//    features.
//
// Thread-safety: pure functions; a plan is a plain value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "jobs/training_request.h"
#include "learn/learner.h"
#include "learn/task.h"

namespace kiln {

// What a label must look like.
enum class LabelRule : std::uint8_t {
  kNone,        // no label (unsupervised)
  kValue,       // any finite number (regression)
  kClassIndex,  // an integer in 0..num_classes-1
  kAnyClass,    // an integer ≥ 0; the class count is the largest label + 1 (at least 2)
};

struct TrainingPlan {
  Algorithm algorithm = Algorithm::kXgboost;
  std::string learner;  // AlgorithmLearnerName(algorithm)
  Task task = Task::kRegression;
  int num_classes = 0;  // known class count (0 for regression and kAnyClass)
  LabelRule label_rule = LabelRule::kValue;
  HyperParams learner_params;  // for the learner: Kiln names, no target/seed/feature_dim
  std::string target;          // header mode's label column; empty: first column, no header
  int label_columns = 1;       // leading label columns without a header (0 or 1)
  std::uint64_t seed = 0;
  int feature_dim = 0;             // required feature count; 0 = any
  std::size_t sample_size = 0;     // k-NN rows kept; 0 = all
  bool standardize = true;         // model.kiln algorithms: standardize features before the learner
  std::string xgboost_objective;   // the objective libxgboost trains with (multi:softmax kept)
  std::vector<std::string> notes;  // logged when the job starts
};

// Validates the hyperparameters and channels of `spec` for its algorithm and returns the plan;
// InvalidArgument naming the hyperparameter (or channel) otherwise.
Result<TrainingPlan> PlanTraining(const TrainingJobSpec& spec);

}  // namespace kiln
