#include "learn/forest/tree_shap.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "learn/forest/forest_model.h"
#include "learn/forest/forest_test_data.h"

namespace kiln {
namespace {

using forest_test::Fit;
using forest_test::Make;
using forest_test::Shape;

// The path-dependent expectation of output k given the features in `known` (bit mask): known
// features follow the row, unknown ones average the children by cover.
double ConditionalExpectation(const ForestTree& t, int outputs, int k, std::size_t node,
                              std::span<const float> row, unsigned known) {
  if (t.is_leaf(node))
    return t.value[node * static_cast<std::size_t>(outputs) + k];
  const auto f = static_cast<unsigned>(t.feature[node]);
  const auto l = static_cast<std::size_t>(t.left[node]);
  const auto r = static_cast<std::size_t>(t.right[node]);
  if (known & (1u << f)) {
    const float v = row[f];
    const bool left = std::isnan(v) ? t.default_left[node] != 0 : v <= t.threshold[node];
    return ConditionalExpectation(t, outputs, k, left ? l : r, row, known);
  }
  const double cl = t.cover[l], cr = t.cover[r];
  return (cl * ConditionalExpectation(t, outputs, k, l, row, known) +
          cr * ConditionalExpectation(t, outputs, k, r, row, known)) /
         (cl + cr);
}

// Exact Shapley values by enumerating every subset of the M features.
std::vector<double> BruteForceShap(const ForestTree& t, int outputs, std::span<const float> row) {
  const unsigned m = static_cast<unsigned>(row.size());
  std::vector<double> factorial(m + 1, 1.0);
  for (unsigned i = 1; i <= m; ++i)
    factorial[i] = factorial[i - 1] * i;
  std::vector<double> phi(outputs * (m + 1), 0.0);
  for (int k = 0; k < outputs; ++k) {
    for (unsigned i = 0; i < m; ++i) {
      for (unsigned s = 0; s < (1u << m); ++s) {
        if (s & (1u << i))
          continue;
        const int size = __builtin_popcount(s);
        const double weight = factorial[size] * factorial[m - size - 1] / factorial[m];
        phi[k * (m + 1) + i] +=
            weight * (ConditionalExpectation(t, outputs, k, 0, row, s | (1u << i)) -
                      ConditionalExpectation(t, outputs, k, 0, row, s));
      }
    }
    phi[k * (m + 1) + m] = ConditionalExpectation(t, outputs, k, 0, row, 0);
  }
  return phi;
}

Matrix ProbeRows() {
  const auto data = Make(Shape::kBinary, 12, 31, 0.3);
  Matrix x = data.x;
  x.at(0, 0) = std::numeric_limits<float>::quiet_NaN();
  x.at(1, 1) = std::numeric_limits<float>::quiet_NaN();
  return x;
}

class TreeShapTest : public ::testing::TestWithParam<Shape> {};

TEST_P(TreeShapTest, MatchesBruteForceShapleyValuesOnSmallTrees) {
  const auto data = Make(GetParam(), 300, 32, 0.2);
  auto model =
      Fit("random_forest", {{"n_estimators", "3"}, {"max_depth", "4"}, {"max_features", "2"}},
          GetParam(), data);
  ASSERT_NE(model, nullptr);
  const auto& forest = dynamic_cast<const ForestModel&>(*model);
  const int outputs = forest.num_outputs();
  const Matrix x = ProbeRows();
  auto contributions = forest.Contributions(x);
  ASSERT_TRUE(contributions.ok());
  const std::size_t per_row = static_cast<std::size_t>(outputs) * (x.cols + 1);
  ASSERT_EQ(contributions->size(), x.rows * per_row);
  for (std::size_t r = 0; r < x.rows; ++r) {
    std::vector<double> expected(per_row, 0.0);
    for (const ForestTree& t : forest.trees()) {
      const std::vector<double> phi = BruteForceShap(t, outputs, x.row(r));
      for (std::size_t i = 0; i < per_row; ++i)
        expected[i] += phi[i] / static_cast<double>(forest.trees().size());
    }
    for (std::size_t i = 0; i < per_row; ++i)
      EXPECT_NEAR((*contributions)[r * per_row + i], expected[i], 1e-9) << "row " << r << " " << i;
  }
}

TEST_P(TreeShapTest, ContributionsSumToTheMargin) {
  const auto data = Make(GetParam(), 2000, 33, 0.1);
  for (const char* algorithm : {"random_forest", "extra_trees"}) {
    auto model = Fit(algorithm, {{"n_estimators", "10"}}, GetParam(), data);
    ASSERT_NE(model, nullptr);
    const Matrix x = ProbeRows();
    auto contributions = model->Contributions(x);
    ASSERT_TRUE(contributions.ok());
    std::vector<double> margin;
    model->PredictMargin(x, &margin);
    const std::size_t outputs = static_cast<std::size_t>(model->num_outputs());
    for (std::size_t r = 0; r < x.rows; ++r) {
      for (std::size_t k = 0; k < outputs; ++k) {
        double sum = 0;
        for (std::size_t c = 0; c <= x.cols; ++c)
          sum += (*contributions)[(r * outputs + k) * (x.cols + 1) + c];
        EXPECT_NEAR(sum, margin[r * outputs + k], 1e-6) << algorithm << " row " << r;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Tasks, TreeShapTest,
                         ::testing::Values(Shape::kBinary, Shape::kMulticlass, Shape::kRegression));

TEST(TreeShapTest, HandlesAFeatureSplitTwiceOnOnePath) {
  // x0 <= 0 ? (x1 <= 0 ? (x0 <= -1 ? 1 : 2) : 3) : 4, with uneven covers.
  ForestTree t;
  t.feature = {0, 1, -1, 0, -1, -1, -1};
  t.threshold = {0, 0, 0, -1, 0, 0, 0};
  t.left = {1, 3, 0, 5, 0, 0, 0};
  t.right = {2, 4, 0, 6, 0, 0, 0};
  t.default_left = {0, 1, 0, 1, 0, 0, 0};
  t.cover = {100, 60, 40, 35, 25, 10, 25};
  t.value = {0, 0, 4, 0, 3, 1, 2};
  ASSERT_TRUE(t.Validate(3, 1).ok());
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (const std::vector<float>& row : std::vector<std::vector<float>>{
           {-2, -1, 0}, {-0.5f, -1, 0}, {-2, 1, 5}, {1, -1, 0}, {nan, nan, nan}, {-2, nan, 0}}) {
    std::vector<double> phi(4, 0.0);
    TreeShapWorkspace ws;
    AddTreeShap(t, t.Depth(), 1, row, phi, &ws);
    phi[3] = TreeExpectedValue(t, 1)[0];
    const std::vector<double> expected = BruteForceShap(t, 1, row);
    for (int i = 0; i < 4; ++i)
      EXPECT_NEAR(phi[i], expected[i], 1e-12) << i;
    EXPECT_EQ(phi[2], 0.0);  // x2 is never used
  }
}

TEST(TreeShapTest, ContributionsRejectAWrongColumnCount) {
  const auto data = Make(Shape::kBinary, 200, 34);
  auto model = Fit("extra_trees", {{"n_estimators", "2"}}, Shape::kBinary, data);
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->Contributions(Matrix(2, 4)).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace kiln
