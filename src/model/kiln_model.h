// KilnModel: a trained, self-contained predictor, as stored in one model.kiln file.
//
// It holds the input schema, the fitted feature pipelines, the learners' models (an ensemble of
// members, each a bag of models, e.g. one per cross-validation fold), the ensemble weights, the
// label mapping, and a JSON document with metrics and provenance (data hash, seed, Kiln version,
// command). Members combine in margin space (see Model::PredictMargin): a weighted mean of margins,
// then the link (sigmoid for binary, softmax for multiclass, identity for regression). Explanations
// add up in that same space.
//
// Thread-safety: immutable after Build/Load; Predict is safe from many threads.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "features/feature_pipeline.h"
#include "learn/learner.h"
#include "learn/unsupervised/unsupervised_model.h"
#include "table/table.h"

namespace kiln {

struct EnsembleMember {
  std::string candidate;  // leaderboard id, e.g. "c007"
  std::string algorithm;
  HyperParams hyperparameters;
  int pipeline = 0;                               // index into KilnModel::pipelines
  double weight = 1;                              // ensemble weight; weights sum to 1
  std::vector<std::shared_ptr<const Model>> bag;  // margins are averaged over the bag
};

struct Predictions {
  std::size_t rows = 0;
  int outputs = 1;             // NumOutputs(task, num_classes)
  std::vector<double> margin;  // rows * outputs
  std::vector<double> output;  // rows * outputs: probabilities or values

  // Probability of class k for row r (binary: output holds P(class 1)).
  double Probability(std::size_t r, int k) const;
};

// An unsupervised model (k-means, PCA) in place of the ensemble: it reads pipelines[0]'s output.
struct UnsupervisedPart {
  std::string algorithm;
  HyperParams hyperparameters;
  std::shared_ptr<const UnsupervisedModel> model;
};

class KilnModel {
 public:
  // Set for k-means/PCA models; then task, classes and members are unused and Predict returns the
  // model's outputs (UnsupervisedModel::output_names()).
  std::optional<UnsupervisedPart> unsupervised;
  Task task = Task::kRegression;
  int num_classes = 0;                    // 0 for regression
  std::vector<std::string> class_labels;  // spelled as in the training file; index = class id
  std::string target;                     // the training target column
  std::vector<FeaturePipeline> pipelines;
  std::vector<EnsembleMember> members;
  std::string info_json = "{}";  // metrics, provenance, leaderboard summary

  // The columns predictions read, with their training types (union over the used pipelines).
  std::vector<ColumnSchema> InputSchema() const;

  // Predicts every row of `table` (read with InputSchema() forced). InvalidArgument names a missing
  // feature column. For unsupervised models `output` holds their outputs and `margin` is empty.
  Result<Predictions> Predict(const Table& table) const;

  // Writes atomically (temp file + fsync + rename).
  Status Save(const std::string& path) const;
  // NotFound if absent; Corruption naming the file if it does not decode.
  static Result<KilnModel> Load(const std::string& path);
};

// Applies the ensemble link to margins in place of `out` (sigmoid / softmax / identity).
void MarginToOutput(Task task, int outputs, const std::vector<double>& margin,
                    std::vector<double>* out);

}  // namespace kiln
