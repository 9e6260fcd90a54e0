#include "learn/linear/linear_model.h"

#include <gtest/gtest.h>

#include <cmath>

#include "learn/linear/linear_learner.h"

namespace kiln {
namespace {

LinearModel MulticlassModel() {
  return LinearModel(Task::kMulticlass, 3, 2, {1.5, -2, 0, 0.25, -1e-300, 3}, {0.1, -0.2, 0.1},
                     {42, 0.625, SolverStop::kConverged}, {0.5, -0.25});
}

Matrix TwoRows() {
  Matrix x(2, 2);
  x.at(0, 0) = 1;
  x.at(0, 1) = 2;
  x.at(1, 0) = -0.5;
  x.at(1, 1) = 0;
  return x;
}

TEST(LinearModelTest, PredictAppliesSoftmaxToMargins) {
  const LinearModel m = MulticlassModel();
  std::vector<double> margin, p;
  m.PredictMargin(TwoRows(), &margin);
  m.Predict(TwoRows(), &p);
  ASSERT_EQ(margin.size(), 6u);
  EXPECT_DOUBLE_EQ(margin[0], 0.1 + 1.5 - 4);
  EXPECT_DOUBLE_EQ(margin[1], -0.2 + 0.5);
  const double z = std::exp(margin[0]) + std::exp(margin[1]) + std::exp(margin[2]);
  EXPECT_NEAR(p[0], std::exp(margin[0]) / z, 1e-15);
  EXPECT_NEAR(p[3] + p[4] + p[5], 1.0, 1e-15);
}

TEST(LinearModelTest, BinaryPredictIsSigmoidOfMargin) {
  const LinearModel m(Task::kBinary, 2, 2, {800, 0}, {0}, {});
  std::vector<double> p;
  m.Predict(TwoRows(), &p);
  EXPECT_EQ(p[0], 1.0);
  EXPECT_GE(p[1], 0.0);
  EXPECT_LT(p[1], 1e-100);
}

TEST(LinearModelTest, SerializeRoundTripIsExact) {
  const LinearModel m = MulticlassModel();
  Result<std::string> bytes = m.Serialize();
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(bytes->size(), 36u + 8 * (6 + 3 + 2));
  EXPECT_EQ(bytes->at(4), 2);  // format version
  EXPECT_EQ(bytes->substr(0, 4), "KLIN");
  Result<std::unique_ptr<Model>> loaded = LoadLinearModel(*bytes, Task::kMulticlass, 3);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const auto& back = dynamic_cast<const LinearModel&>(**loaded);
  EXPECT_EQ(back.num_features(), 2);
  EXPECT_TRUE(std::equal(back.coefficients().begin(), back.coefficients().end(),
                         m.coefficients().begin(), m.coefficients().end()));
  EXPECT_TRUE(std::equal(back.intercepts().begin(), back.intercepts().end(), m.intercepts().begin(),
                         m.intercepts().end()));
  EXPECT_TRUE(std::equal(back.feature_means().begin(), back.feature_means().end(),
                         m.feature_means().begin(), m.feature_means().end()));
  EXPECT_EQ(back.Info(), m.Info());
  EXPECT_EQ(*back.Serialize(), *bytes);
}

void ExpectCorruption(std::string_view bytes, Task task, int classes, const std::string& what) {
  Result<std::unique_ptr<Model>> r = LoadLinearModel(bytes, task, classes);
  ASSERT_FALSE(r.ok()) << what;
  EXPECT_EQ(r.error().code(), StatusCode::kCorruption) << what;
}

TEST(LinearModelTest, MalformedBytesAreCorruption) {
  const std::string good = *MulticlassModel().Serialize();
  ExpectCorruption("", Task::kMulticlass, 3, "empty");
  for (std::size_t len : {4ul, 35ul, good.size() - 1}) {
    ExpectCorruption(good.substr(0, len), Task::kMulticlass, 3, "truncated");
  }
  ExpectCorruption(good + "x", Task::kMulticlass, 3, "trailing byte");
  std::string bad = good;
  bad[0] = 'X';
  ExpectCorruption(bad, Task::kMulticlass, 3, "magic");
  for (char version : {1, 3}) {
    bad = good;
    bad[4] = version;
    ExpectCorruption(bad, Task::kMulticlass, 3, "version " + std::to_string(version));
  }
  bad = good;
  bad[16] = 3;  // num_features 3 no longer matches the length
  ExpectCorruption(bad, Task::kMulticlass, 3, "dimensions");
  bad = good;
  bad[bad.size() - 1] = '\x7f';  // last feature mean's exponent -> NaN
  bad[bad.size() - 2] = '\xf8';
  ExpectCorruption(bad, Task::kMulticlass, 3, "nan");
  ExpectCorruption(good, Task::kBinary, 2, "other task");
  ExpectCorruption(good, Task::kMulticlass, 4, "other class count");
}

TEST(LinearModelTest, ContributionsAreWeightTimesDistanceFromTheMean) {
  const LinearModel m = MulticlassModel();
  Result<std::vector<double>> c = m.Contributions(TwoRows());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->size(), 2u * 3 * 3);
  // Row 0 (x = 1, 2), class 0 (w = 1.5, -2, b = 0.1), means (0.5, -0.25).
  EXPECT_DOUBLE_EQ((*c)[0], 1.5 * (1 - 0.5));
  EXPECT_DOUBLE_EQ((*c)[1], -2 * (2 + 0.25));
  EXPECT_DOUBLE_EQ((*c)[2], 0.1 + 1.5 * 0.5 - 2 * -0.25);
  // Row 1 (x = -0.5, 0), class 2 (w = -1e-300, 3, b = 0.1).
  EXPECT_DOUBLE_EQ((*c)[15], -1e-300 * (-0.5 - 0.5));
  EXPECT_DOUBLE_EQ((*c)[16], 3 * (0 + 0.25));
  EXPECT_DOUBLE_EQ((*c)[17], 0.1 + -1e-300 * 0.5 + 3 * -0.25);
  std::vector<double> margin;
  m.PredictMargin(TwoRows(), &margin);
  for (std::size_t block = 0; block < margin.size(); ++block) {
    EXPECT_NEAR((*c)[3 * block] + (*c)[3 * block + 1] + (*c)[3 * block + 2], margin[block], 1e-12)
        << "block " << block;
  }
}

TEST(LinearModelTest, WithoutMeansTheBiasIsTheIntercept) {
  const LinearModel m(Task::kRegression, 0, 2, {2, -1}, {0.5}, {});
  Result<std::vector<double>> c = m.Contributions(TwoRows());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, (std::vector<double>{2, -2, 0.5, -1, 0, 0.5}));
}

TEST(LinearModelTest, ContributionsRejectAnotherColumnCount) {
  EXPECT_EQ(MulticlassModel().Contributions(Matrix(1, 3)).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kiln
