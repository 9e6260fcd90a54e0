#include "learn/linear/linear_model.h"

#include <gtest/gtest.h>

#include <cmath>

#include "learn/linear/linear_learner.h"

namespace kiln {
namespace {

LinearModel MulticlassModel() {
  return LinearModel(Task::kMulticlass, 3, 2, {1.5, -2, 0, 0.25, -1e-300, 3}, {0.1, -0.2, 0.1},
                     {42, 0.625, SolverStop::kConverged});
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
  EXPECT_EQ(bytes->size(), 36u + 8 * 9);
  EXPECT_EQ(bytes->substr(0, 4), "KLIN");
  Result<std::unique_ptr<Model>> loaded = LoadLinearModel(*bytes, Task::kMulticlass, 3);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const auto& back = dynamic_cast<const LinearModel&>(**loaded);
  EXPECT_EQ(back.num_features(), 2);
  EXPECT_TRUE(std::equal(back.coefficients().begin(), back.coefficients().end(),
                         m.coefficients().begin(), m.coefficients().end()));
  EXPECT_TRUE(std::equal(back.intercepts().begin(), back.intercepts().end(), m.intercepts().begin(),
                         m.intercepts().end()));
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
  bad = good;
  bad[4] = 2;
  ExpectCorruption(bad, Task::kMulticlass, 3, "version");
  bad = good;
  bad[16] = 3;  // num_features 3 no longer matches the length
  ExpectCorruption(bad, Task::kMulticlass, 3, "dimensions");
  bad = good;
  bad[bad.size() - 1] = '\x7f';  // last intercept's exponent -> NaN
  bad[bad.size() - 2] = '\xf8';
  ExpectCorruption(bad, Task::kMulticlass, 3, "nan");
  ExpectCorruption(good, Task::kBinary, 2, "other task");
  ExpectCorruption(good, Task::kMulticlass, 4, "other class count");
}

}  // namespace
}  // namespace kiln
