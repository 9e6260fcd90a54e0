// CvEvaluator: scores one candidate (a learner configuration on one feature matrix) by k-fold
// cross-validation, keeping its out-of-fold margins (for ensemble selection) and its fold models
// (the candidate's final predictor is their bag: margins averaged).
//
// Not thread-safe; owned by the AutoML run. The fold matrices are cut once and reused by every
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
  CvEvaluator(const Matrix& x, std::vector<bool> categorical, std::span<const float> y,
              const std::vector<Fold>& folds, Task task, int num_classes, Metric metric);

  // Fits `learner` on each fold. DeadlineExceeded when time ran out before every fold had a model.
  // With `share_time`, each fold gets an equal share of the time left before ctx.deadline, so the
  // candidate always completes (with fewer boosting rounds when time is short).
  Result<CandidateEvaluation> Evaluate(const Learner& learner, const FitContext& ctx,
                                       bool share_time) const;

  Task task() const { return task_; }
  int num_classes() const { return num_classes_; }
  std::size_t rows() const { return rows_; }

 private:
  struct FoldData {
    Matrix x_train, x_valid;
    std::vector<float> y_train, y_valid;
    std::vector<std::size_t> valid_rows;
  };
  std::vector<FoldData> folds_;
  std::vector<bool> categorical_;
  Task task_;
  int num_classes_;
  Metric metric_;
  std::size_t rows_;
};

// Scores margins (rows * outputs) against labels with `metric`.
double ScoreMargins(Metric metric, Task task, int num_classes, std::span<const float> y,
                    const std::vector<double>& margin);

}  // namespace kiln
