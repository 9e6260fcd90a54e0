#include "learn/forest/forest_learner.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <vector>

#include "learn/forest/forest_model.h"
#include "learn/forest/forest_test_data.h"

namespace kiln {
namespace {

using forest_test::Accuracy;
using forest_test::Data;
using forest_test::Fit;
using forest_test::Make;
using forest_test::Shape;

double RSquared(const std::vector<double>& pred, const std::vector<float>& y) {
  double mean = 0;
  for (float v : y)
    mean += v / static_cast<double>(y.size());
  double ss_res = 0, ss_tot = 0;
  for (std::size_t r = 0; r < y.size(); ++r) {
    ss_res += (pred[r] - y[r]) * (pred[r] - y[r]);
    ss_tot += (y[r] - mean) * (y[r] - mean);
  }
  return 1 - ss_res / ss_tot;
}

class ForestAlgorithmTest : public ::testing::TestWithParam<const char*> {};

TEST_P(ForestAlgorithmTest, LearnsAnEasyBinaryProblem) {
  const Data train = Make(Shape::kBinary, 2000, 1);
  const Data test = Make(Shape::kBinary, 1000, 2);
  auto model = Fit(GetParam(), {{"n_estimators", "50"}}, Shape::kBinary, train);
  ASSERT_NE(model, nullptr);
  std::vector<double> p;
  model->Predict(test.x, &p);
  ASSERT_EQ(p.size(), test.x.rows);
  EXPECT_GT(Accuracy(p, test.y, 2), 0.93);
  for (double v : p) {
    ASSERT_GT(v, 0);
    ASSERT_LT(v, 1);
  }
}

TEST_P(ForestAlgorithmTest, LearnsAnEasyMulticlassProblem) {
  const Data train = Make(Shape::kMulticlass, 2000, 3);
  const Data test = Make(Shape::kMulticlass, 1000, 4);
  auto model = Fit(GetParam(), {{"n_estimators", "50"}, {"criterion", "entropy"}},
                   Shape::kMulticlass, train);
  ASSERT_NE(model, nullptr);
  std::vector<double> p;
  model->Predict(test.x, &p);
  ASSERT_EQ(p.size(), test.x.rows * 3);
  EXPECT_GT(Accuracy(p, test.y, 3), 0.9);
  for (std::size_t r = 0; r < test.x.rows; ++r)
    ASSERT_NEAR(p[r * 3] + p[r * 3 + 1] + p[r * 3 + 2], 1.0, 1e-12);
}

TEST_P(ForestAlgorithmTest, LearnsAnEasyRegressionProblem) {
  const Data train = Make(Shape::kRegression, 3000, 5);
  const Data test = Make(Shape::kRegression, 1000, 6);
  auto model = Fit(GetParam(), {{"n_estimators", "50"}}, Shape::kRegression, train);
  ASSERT_NE(model, nullptr);
  std::vector<double> p, m;
  model->Predict(test.x, &p);
  model->PredictMargin(test.x, &m);
  EXPECT_EQ(p, m);
  EXPECT_GT(RSquared(p, test.y), 0.93);
}

TEST_P(ForestAlgorithmTest, SameSeedGivesTheSameModelForAnyThreadCount) {
  const Data train = Make(Shape::kMulticlass, 1500, 7);
  std::string bytes[3];
  for (int threads : {1, 2, 3}) {
    auto model = Fit(GetParam(), {{"n_estimators", "12"}}, Shape::kMulticlass, train,
                     FitContext{threads, 99});
    ASSERT_NE(model, nullptr);
    bytes[threads - 1] = model->Serialize().value();
  }
  EXPECT_EQ(bytes[0], bytes[1]);
  EXPECT_EQ(bytes[0], bytes[2]);
  auto other =
      Fit(GetParam(), {{"n_estimators", "12"}}, Shape::kMulticlass, train, FitContext{2, 100});
  ASSERT_NE(other, nullptr);
  EXPECT_NE(other->Serialize().value(), bytes[0]);
}

TEST_P(ForestAlgorithmTest, MissingValuesFollowTheLearnedDirection) {
  // Class 1 exactly when x3 is missing or x3 > 1; present values below 1 are class 0.
  Data train = Make(Shape::kBinary, 2000, 8, 0.3);
  for (std::size_t r = 0; r < train.x.rows; ++r) {
    const float v = train.x.at(r, 3);
    train.y[r] = std::isnan(v) || v > 1 ? 1 : 0;
  }
  auto model =
      Fit(GetParam(), {{"n_estimators", "30"}, {"max_features", "1.0"}}, Shape::kBinary, train);
  ASSERT_NE(model, nullptr);
  Matrix x(3, 5);
  x.at(0, 3) = std::numeric_limits<float>::quiet_NaN();
  x.at(1, 3) = 0;
  x.at(2, 3) = 2;
  std::vector<double> p;
  model->Predict(x, &p);
  EXPECT_GT(p[0], 0.9);
  EXPECT_LT(p[1], 0.1);
  EXPECT_GT(p[2], 0.9);
}

TEST_P(ForestAlgorithmTest, DeadlineInThePastReturnsPromptly) {
  const Data train = Make(Shape::kBinary, 20000, 9);
  auto learner = MakeForestLearner(GetParam(), {}, Task::kBinary, 2);
  ASSERT_TRUE(learner.ok());
  FitContext ctx;
  ctx.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  const auto start = std::chrono::steady_clock::now();
  auto model = (*learner)->Fit(train.Set(), nullptr, ctx);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));
  EXPECT_EQ(model.status().code(), StatusCode::kDeadlineExceeded);
}

TEST_P(ForestAlgorithmTest, DeadlineKeepsTheTreesBuiltSoFar) {
  const Data train = Make(Shape::kBinary, 3000, 10);
  auto learner = MakeForestLearner(GetParam(), {{"n_estimators", "100000"}}, Task::kBinary, 2);
  ASSERT_TRUE(learner.ok());
  FitContext ctx{2, 0};
  const auto start = std::chrono::steady_clock::now();
  ctx.deadline = start + std::chrono::milliseconds(300);
  auto model = (*learner)->Fit(train.Set(), nullptr, ctx);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  const auto info = (*model)->Info();
  EXPECT_EQ(info.at("stop"), "deadline");
  const int built = std::stoi(info.at("n_estimators"));
  EXPECT_GE(built, 1);
  EXPECT_LT(built, 100000);
  std::vector<double> p;
  (*model)->Predict(train.x, &p);
  EXPECT_GT(Accuracy(p, train.y, 2), 0.9);
}

TEST_P(ForestAlgorithmTest, InfoReportsTreesDepthAndStop) {
  const Data train = Make(Shape::kRegression, 1000, 11);
  auto model =
      Fit(GetParam(), {{"n_estimators", "8"}, {"max_depth", "4"}}, Shape::kRegression, train);
  ASSERT_NE(model, nullptr);
  const auto info = model->Info();
  EXPECT_EQ(info.at("n_estimators"), "8");
  EXPECT_EQ(info.at("max_depth"), "4");
  EXPECT_EQ(info.at("mean_depth"), "4");
  EXPECT_EQ(info.at("stop"), "completed");
  EXPECT_EQ(info.at("num_features"), "5");
}

TEST_P(ForestAlgorithmTest, MinSamplesLeafBoundsEveryLeaf) {
  const Data train = Make(Shape::kBinary, 1000, 12);
  auto model =
      Fit(GetParam(), {{"n_estimators", "5"}, {"min_samples_leaf", "40"}, {"bootstrap", "false"}},
          Shape::kBinary, train);
  ASSERT_NE(model, nullptr);
  for (const ForestTree& t : dynamic_cast<const ForestModel&>(*model).trees()) {
    for (std::size_t n = 0; n < t.size(); ++n) {
      if (t.is_leaf(n)) {
        EXPECT_GE(t.cover[n], 40.0f);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Forests, ForestAlgorithmTest,
                         ::testing::Values("random_forest", "extra_trees"));

TEST(ForestLearnerTest, LeavesHoldSmoothedLogOddsAndPredictAveragesThem) {
  // One depth-1 tree on all rows: the leaves' margins are log((n1 + a) / (n0 + a)).
  const Data train = Make(Shape::kBinary, 500, 13);
  auto model = Fit(
      "random_forest",
      {{"n_estimators", "1"}, {"max_depth", "1"}, {"bootstrap", "false"}, {"max_features", "1.0"}},
      Shape::kBinary, train);
  ASSERT_NE(model, nullptr);
  const ForestTree& t = dynamic_cast<const ForestModel&>(*model).trees().at(0);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t.feature[0], 0);  // x0 carries the most signal
  for (std::size_t leaf : {1u, 2u}) {
    double n0 = 0, n1 = 0;
    for (std::size_t r = 0; r < train.x.rows; ++r) {
      if (t.Leaf(train.x.row(r)) == leaf)
        (train.y[r] > 0 ? n1 : n0) += 1;
    }
    EXPECT_EQ(t.cover[leaf], static_cast<float>(n0 + n1));
    const double a = ForestModel::LeafSmoothing(2);
    EXPECT_EQ(a, 1.0);
    EXPECT_NEAR(t.value[leaf], std::log((n1 + a) / (n0 + a)), 1e-12);
  }
  std::vector<double> p;
  model->Predict(train.x, &p);
  EXPECT_NEAR(p[0], 1 / (1 + std::exp(-t.value[t.Leaf(train.x.row(0))])), 1e-12);
}

TEST(ForestLearnerTest, ExtraTreesDifferFromRandomForest) {
  const Data train = Make(Shape::kRegression, 1000, 14);
  const Data test = Make(Shape::kRegression, 500, 17);
  auto rf = Fit("random_forest", {{"n_estimators", "10"}, {"bootstrap", "false"}},
                Shape::kRegression, train);
  auto et = Fit("extra_trees", {{"n_estimators", "10"}}, Shape::kRegression, train);
  ASSERT_NE(rf, nullptr);
  ASSERT_NE(et, nullptr);
  EXPECT_EQ(et->algorithm(), "extra_trees");
  std::vector<double> prf, pet;
  rf->Predict(test.x, &prf);
  et->Predict(test.x, &pet);
  std::size_t differ = 0;
  for (std::size_t r = 0; r < prf.size(); ++r)
    differ += std::abs(prf[r] - pet[r]) > 1e-9;
  EXPECT_GT(differ, prf.size() / 2);
  // Same rows, every column tried: the random forest's root split is the best one, the
  // extra-trees' root threshold is random.
  const auto& rf_trees = dynamic_cast<const ForestModel&>(*rf).trees();
  const auto& et_trees = dynamic_cast<const ForestModel&>(*et).trees();
  EXPECT_NE(rf_trees[0].threshold[0], et_trees[0].threshold[0]);
}

TEST(ForestLearnerTest, BalancedClassWeightRaisesMinorityProbabilities) {
  Data train = Make(Shape::kBinary, 2000, 15);
  for (std::size_t r = 0; r < train.x.rows; ++r)
    train.y[r] = train.x.at(r, 0) + 0.5f * train.x.at(r, 1) > 1.5f ? 1 : 0;  // ~7% positive
  auto plain = Fit("random_forest", {{"n_estimators", "20"}, {"min_samples_leaf", "20"}},
                   Shape::kBinary, train);
  auto balanced =
      Fit("random_forest",
          {{"n_estimators", "20"}, {"min_samples_leaf", "20"}, {"class_weight", "balanced"}},
          Shape::kBinary, train);
  ASSERT_NE(plain, nullptr);
  ASSERT_NE(balanced, nullptr);
  std::vector<double> p0, p1;
  plain->Predict(train.x, &p0);
  balanced->Predict(train.x, &p1);
  double m0 = 0, m1 = 0;
  for (std::size_t r = 0; r < p0.size(); ++r)
    m0 += p0[r], m1 += p1[r];
  EXPECT_GT(m1, 1.3 * m0);
}

TEST(ForestLearnerTest, RejectsBadTrainingData) {
  Data train = Make(Shape::kMulticlass, 100, 16);
  train.y[7] = 3;
  auto learner = MakeForestLearner("random_forest", {}, Task::kMulticlass, 3);
  ASSERT_TRUE(learner.ok());
  auto model = (*learner)->Fit(train.Set(), nullptr, FitContext{});
  EXPECT_EQ(model.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(model.status().message().find("row 7"), std::string::npos);

  train.y[7] = 0;
  const std::vector<float> weights(100, 0.0f);
  TrainSet zero_weight = train.Set();
  zero_weight.weights = weights;
  EXPECT_EQ((*learner)->Fit(zero_weight, nullptr, FitContext{}).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(ForestLearnerTest, OrdinalCategoryCodesAndConstantColumnsAreFine) {
  // Column 0 holds codes 0..3 (class 1 for codes 1 and 3), column 1 is constant.
  Matrix x(400, 2);
  std::vector<float> y(400);
  for (std::size_t r = 0; r < 400; ++r) {
    x.at(r, 0) = static_cast<float>(r % 4);
    x.at(r, 1) = 5;
    y[r] = static_cast<float>(r % 2);
  }
  auto learner = MakeForestLearner("random_forest", {{"n_estimators", "5"}}, Task::kBinary, 2);
  ASSERT_TRUE(learner.ok());
  auto model = (*learner)->Fit(TrainSet{&x, y, {}, {true, false}}, nullptr, FitContext{});
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  std::vector<double> p;
  (*model)->Predict(x, &p);
  EXPECT_EQ(Accuracy(p, y, 2), 1.0);
}

}  // namespace
}  // namespace kiln
