// RunAutoML: from a table and the column to predict to a trained, cross-validated ensemble and the
// leaderboard of every candidate tried.
//
// Life of a run: infer the problem type and metric; fit one feature pipeline per encoding (trees,
// linear) on the training rows; cut k stratified folds once; then evaluate candidates (learner x
// hyperparameters) by k-fold CV: first a portfolio of known-good configurations, then
// configurations proposed by a TPE sampler per learner, fed with every result; stop at
// --max-trials, the time budget, or when the search has converged; finally greedy ensemble
// selection over the candidates' out-of-fold margins. Each member of the final model is the bag of
// its k fold models.
//
// Not thread-safe; one run owns its data. Deterministic for a seed when the time limit does not
// bind.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "automl/automl_options.h"
#include "automl/problem_type.h"
#include "automl/progress.h"
#include "common/status.h"
#include "model/kiln_model.h"
#include "table/table.h"

namespace kiln {

struct CandidateSummary {
  std::string id;  // "c001", in order of evaluation
  std::string algorithm;
  std::string pipeline;                     // "tree" or "linear"
  HyperParams hyperparameters;              // the searched ones
  std::map<std::string, std::string> info;  // learned facts (e.g. best_iteration)
  std::vector<double> fold_scores;
  double cv_mean = 0;
  double cv_sd = 0;
  double train_seconds = 0;
  double predict_us_per_row = 0;
  double ensemble_weight = 0;
  std::string error;  // non-empty when the candidate failed
};

struct AutoMLResult {
  KilnModel model;
  ProblemType problem;
  Metric metric = Metric::kRmse;
  std::vector<CandidateSummary> leaderboard;      // best first; failed candidates last
  std::map<std::string, double> ensemble_scores;  // every reported metric, pooled out-of-fold
  std::size_t rows = 0;
  std::size_t rows_missing_target = 0;
  int folds = 0;
  int cv_repeats = 1;  // k-fold partitions the ensemble pool was scored on (small data: > 1)
  std::vector<std::string> features;                         // input columns used
  std::vector<std::pair<std::string, std::string>> dropped;  // column, why
  std::vector<float> y;            // training labels (class index or value), for diagnostics
  std::vector<double> oof_output;  // the ensemble's out-of-fold predictions, output space
  // Mean |SHAP| per input column on a sample of training rows (filled by the caller when computed).
  std::vector<std::pair<std::string, double>> feature_importance;
  std::string stop_reason;  // "max trials reached", "time limit", "search converged"
  double search_seconds = 0;
};

Result<AutoMLResult> RunAutoML(const Table& table, const AutoMLOptions& options,
                               Progress* progress);

}  // namespace kiln
