// Tests for CvEvaluator's small-data options: repeats folded together (AddRepeat) and early
// stopping on an inner split instead of the scored fold.
#include "automl/cv_evaluator.h"

#include <gtest/gtest.h>

#include <chrono>
#include <numeric>
#include <random>

#include "learn/registry.h"

namespace kiln {
namespace {

// n x p standard normal features.
Matrix Gaussian(std::size_t n, std::size_t p, std::mt19937_64* rng) {
  std::normal_distribution<float> feature(0, 1);
  Matrix x(n, p);
  for (float& v : x.values)
    v = feature(*rng);
  return x;
}

TEST(CvEvaluatorTest, AddRepeatSetsTheSearchPartitionAsideThenAveragesFreshOnes) {
  CandidateEvaluation into;
  into.oof_margin = {1.0, 4.0};
  into.fold_scores = {0.5, 0.7};
  into.bag.push_back(nullptr);
  into.train_seconds = 1.0;
  // The first fresh partition replaces the search's margins and scores; its models join the bag.
  CandidateEvaluation extra;
  extra.oof_margin = {3.0, 0.0};
  extra.fold_scores = {0.6};
  extra.bag.push_back(nullptr);
  extra.train_seconds = 2.0;
  AddRepeat(extra, 0, &into);
  EXPECT_EQ(into.oof_margin, (std::vector<double>{3.0, 0.0}));
  EXPECT_EQ(into.fold_scores, (std::vector<double>{0.6}));
  EXPECT_EQ(into.bag.size(), 2u);
  // A second fresh partition weighs one half: the mean of the two fresh ones.
  CandidateEvaluation third;
  third.oof_margin = {5.0, 5.0};
  third.fold_scores = {0.8};
  third.bag.push_back(nullptr);
  AddRepeat(third, 1, &into);
  EXPECT_DOUBLE_EQ(into.oof_margin[0], 4.0);
  EXPECT_DOUBLE_EQ(into.oof_margin[1], 2.5);
  EXPECT_EQ(into.fold_scores, (std::vector<double>{0.6, 0.8}));
  EXPECT_EQ(into.bag.size(), 3u);
  EXPECT_DOUBLE_EQ(into.train_seconds, 3.0);
}

// Labels that are pure noise: no model can beat AUC 0.5 on unseen rows. Early stopping on the fold
// that is scored picks, per fold, the boosting round that happens to fit that fold's noise, so the
// mean fold AUC comes out above 0.5; stopping on an inner split of the training rows does not.
TEST(CvEvaluatorTest, InnerEarlyStoppingRemovesTheScoredFoldsOptimism) {
  const std::size_t n = 600, p = 4;
  std::mt19937_64 rng(7);
  Matrix x = Gaussian(n, p, &rng);
  std::vector<float> y(n);
  for (std::size_t i = 0; i < n; ++i)
    y[i] = static_cast<float>(rng() % 2);
  std::vector<Fold> folds = MakeFolds(Task::kBinary, y, 10, 3);
  CvEvaluator ev(x, {}, y, folds, Task::kBinary, 2, Metric::kAuc, 0.15, 3);
  auto learner = MakeLearner("xgboost",
                             {{"num_round", "300"},
                              {"early_stopping_rounds", "30"},
                              {"eta", "0.1"},
                              {"max_depth", "3"},
                              {"eval_metric", "auc"}},
                             Task::kBinary, 2);
  ASSERT_TRUE(learner.has_value()) << learner.error().message();
  FitContext ctx;
  ctx.num_threads = 1;
  ctx.seed = 1;
  double mean[2];
  for (int inner = 0; inner < 2; ++inner) {
    Result<CandidateEvaluation> r = ev.Evaluate(**learner, ctx, false, inner == 1);
    ASSERT_TRUE(r.has_value()) << r.error().message();
    ASSERT_EQ(r->fold_scores.size(), 10u);
    ASSERT_EQ(r->bag.size(), 10u);
    mean[inner] = std::accumulate(r->fold_scores.begin(), r->fold_scores.end(), 0.0) / 10;
  }
  EXPECT_GT(mean[0], 0.51) << "stopping on the scored fold should look better than chance";
  EXPECT_LT(mean[1], mean[0] - 0.02);
  EXPECT_NEAR(mean[1], 0.5, 0.04);
}

// Folds fitted on two worker threads give exactly the evaluation of one thread: same out-of-fold
// margins, fold scores and fold models, in fold order.
TEST(CvEvaluatorTest, ParallelFoldsGiveTheSameEvaluation) {
  const std::size_t n = 400, p = 3;
  std::mt19937_64 rng(11);
  Matrix x = Gaussian(n, p, &rng);
  std::vector<float> y(n);
  for (std::size_t i = 0; i < n; ++i)
    y[i] = x.values[i * p] + 0.5f * x.values[i * p + 1] > 0 ? 1.0f : 0.0f;
  std::vector<Fold> folds = MakeFolds(Task::kBinary, y, 5, 2);
  CvEvaluator ev(x, {}, y, folds, Task::kBinary, 2, Metric::kLogLoss);
  auto learner =
      MakeLearner("xgboost", {{"num_round", "40"}, {"subsample", "0.8"}}, Task::kBinary, 2);
  ASSERT_TRUE(learner.has_value()) << learner.error().message();
  FitContext ctx;
  ctx.seed = 5;
  Result<CandidateEvaluation> one = ev.Evaluate(**learner, ctx, false, false, 1);
  Result<CandidateEvaluation> two = ev.Evaluate(**learner, ctx, false, false, 2);
  ASSERT_TRUE(one.has_value()) << one.error().message();
  ASSERT_TRUE(two.has_value()) << two.error().message();
  EXPECT_EQ(one->oof_margin, two->oof_margin);
  EXPECT_EQ(one->fold_scores, two->fold_scores);
  ASSERT_EQ(two->bag.size(), 5u);
  std::vector<double> a, b;
  for (std::size_t k = 0; k < 5; ++k) {
    one->bag[k]->PredictMargin(x, &a);
    two->bag[k]->PredictMargin(x, &b);
    EXPECT_EQ(a, b) << "fold " << k;
  }
}

// A deadline that has passed: with share_time off, the evaluation fails rather than returning a
// candidate with missing folds, whatever the number of workers.
TEST(CvEvaluatorTest, ParallelFoldsReportAPassedDeadline) {
  const std::size_t n = 200;
  Matrix x(n, 1);
  std::vector<float> y(n);
  for (std::size_t i = 0; i < n; ++i) {
    x.values[i] = static_cast<float>(i);
    y[i] = i % 2 == 0 ? 1.0f : 0.0f;
  }
  std::vector<Fold> folds = MakeFolds(Task::kBinary, y, 5, 2);
  CvEvaluator ev(x, {}, y, folds, Task::kBinary, 2, Metric::kLogLoss);
  auto learner = MakeLearner("xgboost", {{"num_round", "20"}}, Task::kBinary, 2);
  ASSERT_TRUE(learner.has_value());
  FitContext ctx;
  ctx.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  Result<CandidateEvaluation> r = ev.Evaluate(**learner, ctx, false, false, 2);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kDeadlineExceeded);
}

}  // namespace
}  // namespace kiln
