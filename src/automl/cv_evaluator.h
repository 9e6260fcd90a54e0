// CvEvaluator: scores one candidate (a learner configuration on one feature matrix) by k-fold
// cross-validation, keeping its out-of-fold margins (for ensemble selection) and its fold models
// (the candidate's final predictor is their bag: margins averaged).
//
// Evaluate may run folds on worker threads of its own; one Evaluate at a time. Owned by the AutoML
// run. The fold matrices are cut once and reused by every
// candidate on the same feature matrix.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "common/status.h"
#include "learn/cross_validation.h"
#include "learn/learner.h"
#include "learn/metrics.h"

namespace kiln {

struct CandidateEvaluation {
  std::vector<double> oof_margin;                 // rows * outputs, margin space
  std::vector<double> fold_scores;                // metric per fold
  std::vector<std::shared_ptr<const Model>> bag;  // one model per fold
  double train_seconds = 0;
  bool hit_deadline = false;  // a fit stopped early because time ran out
};

class CvEvaluator {
 public:
  // REQUIRES folds partition the rows of x; x and y outlive the evaluator.
  // With stop_fraction > 0, each fold's training rows are also split (stratified, seeded by
  // stop_seed) into a fitting part and a stopping part of that share, for Evaluate's
  // inner_early_stopping.
  CvEvaluator(const Matrix& x, std::vector<bool> categorical, std::span<const float> y,
              const std::vector<Fold>& folds, Task task, int num_classes, Metric metric,
              double stop_fraction = 0, std::uint64_t stop_seed = 0);

  // Fits `learner` on each fold. DeadlineExceeded when time ran out before every fold had a model.
  // With `share_time`, each fold gets an equal share of the time left before ctx.deadline, so the
  // candidate always completes (with fewer boosting rounds when time is short).
  //
  // With `inner_early_stopping` (and a stop_fraction), the learner fits on the fitting part and
  // early-stops on the stopping part, never on the fold it is scored on: choosing the boosting
  // round on the scored fold makes the fold score optimistic, by more the smaller the fold (on
  // 60-row folds it lifted XGBoost's AUC above logistic regression's, which tunes nothing there).
  //
  // With fold_workers > 1, that many folds fit at once, each on its own thread (for fits that use
  // one thread each: small data, where threading one fit costs more than it saves). Every fold
  // keeps its own seed and result slot, so the evaluation is the same for any number of workers.
  Result<CandidateEvaluation> Evaluate(const Learner& learner, const FitContext& ctx,
                                       bool share_time, bool inner_early_stopping = false,
                                       int fold_workers = 1) const;

  Task task() const { return task_; }
  int num_classes() const { return num_classes_; }
  std::size_t rows() const { return rows_; }

 private:
  struct FoldData {
    Matrix x_train, x_valid;
    std::vector<float> y_train, y_valid;
    Matrix x_fit, x_stop;  // the training rows split for inner early stopping (may be empty)
    std::vector<float> y_fit, y_stop;
    std::vector<std::size_t> valid_rows;
  };
  std::vector<FoldData> folds_;
  std::vector<bool> categorical_;
  Task task_;
  int num_classes_;
  Metric metric_;
  std::size_t rows_;
};

// Folds `extra`, the evaluation of the same candidate on a fresh partition of the rows (one more
// repeat of k-fold CV), into `into`. `fresh` is how many fresh partitions `into` already holds:
// 0 when it holds only the search's partition. The search's scores and margins are set aside then
// (replaced by extra's): the candidate was kept because it scored well on that partition, so its
// scores there are biased upwards (the winner's curse) and re-scoring exists to get unbiased ones.
// Later fresh partitions are averaged in: out-of-fold margins become their mean over the fresh
// partitions and fold scores are appended. Fold models are always appended (every one is a valid
// model; the candidate's bag averages all of them), and train_seconds add up.
// REQUIRES both evaluations have the same number of margins.
void AddRepeat(CandidateEvaluation extra, int fresh, CandidateEvaluation* into);

// Scores margins (rows * outputs) against labels with `metric`.
double ScoreMargins(Metric metric, Task task, int num_classes, std::span<const float> y,
                    const std::vector<double>& margin);

}  // namespace kiln
