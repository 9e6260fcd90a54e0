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
  // k-fold partitions the candidate was cross-validated on: 1 (the search's) unless it was
  // re-scored by repeated CV; then cv_mean, fold_scores and its out-of-fold margins are over the
  // cv_repeats - 1 fresh partitions only (see AddRepeat). Only candidates with the same count were
  // scored on the same partitions.
  int cv_repeats = 1;
  std::string error;  // non-empty when the candidate failed
};

struct AutoMLResult {
  KilnModel model;
  ProblemType problem;
  Metric metric = Metric::kRmse;
  // Best first (RankCandidates: re-scored candidates before single-partition ones), failed last.
  std::vector<CandidateSummary> leaderboard;
  std::map<std::string, double> ensemble_scores;  // every reported metric, pooled out-of-fold
  // The one-standard-error rule (SelectEnsemble): the greedy ensemble's out-of-fold gain over the
  // best single candidate was below this bootstrap standard error, so that candidate alone is kept.
  bool ensemble_kept_single = false;
  double ensemble_gain_se = 0;
  double ensemble_single_score = 0;  // out-of-fold metric of the best single candidate
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
