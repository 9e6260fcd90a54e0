#include "learn/forest/forest_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "learn/forest/forest_learner.h"
#include "learn/forest/forest_test_data.h"

namespace kiln {
namespace {

using forest_test::ClassesOf;
using forest_test::Fit;
using forest_test::Make;
using forest_test::Shape;
using forest_test::TaskOf;

struct Case {
  const char* algorithm;
  Shape shape;
};

class ForestRoundTripTest : public ::testing::TestWithParam<Case> {};

TEST_P(ForestRoundTripTest, SerializeThenLoadGivesIdenticalPredictions) {
  const auto [algorithm, shape] = GetParam();
  const auto data = Make(shape, 800, 21, 0.1);
  auto model = Fit(algorithm, {{"n_estimators", "7"}}, shape, data);
  ASSERT_NE(model, nullptr);
  auto bytes = model->Serialize();
  ASSERT_TRUE(bytes.ok());
  ASSERT_EQ(bytes->substr(0, 4), "KFOR");
  auto loaded = LoadForestModel(algorithm, *bytes, TaskOf(shape), ClassesOf(shape));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->algorithm(), algorithm);
  EXPECT_EQ((*loaded)->Info(), model->Info());
  EXPECT_EQ((*loaded)->Serialize().value(), *bytes);
  std::vector<double> a, b;
  model->Predict(data.x, &a);
  (*loaded)->Predict(data.x, &b);
  EXPECT_EQ(a, b);
  EXPECT_EQ(model->Contributions(data.x).value(), (*loaded)->Contributions(data.x).value());
}

INSTANTIATE_TEST_SUITE_P(Forests, ForestRoundTripTest,
                         ::testing::Values(Case{"random_forest", Shape::kBinary},
                                           Case{"random_forest", Shape::kMulticlass},
                                           Case{"random_forest", Shape::kRegression},
                                           Case{"extra_trees", Shape::kBinary},
                                           Case{"extra_trees", Shape::kMulticlass},
                                           Case{"extra_trees", Shape::kRegression}));

std::string SmallModelBytes() {
  const auto data = Make(Shape::kMulticlass, 200, 22, 0.1);
  auto model =
      Fit("random_forest", {{"n_estimators", "2"}, {"max_depth", "3"}}, Shape::kMulticlass, data);
  return model->Serialize().value();
}

TEST(ForestModelLoadTest, EveryTruncationIsCorruption) {
  const std::string bytes = SmallModelBytes();
  for (std::size_t len = 0; len < bytes.size(); ++len) {
    auto m = LoadForestModel("random_forest", bytes.substr(0, len), Task::kMulticlass, 3);
    ASSERT_EQ(m.status().code(), StatusCode::kCorruption) << "length " << len;
  }
  EXPECT_EQ(LoadForestModel("random_forest", bytes + "x", Task::kMulticlass, 3).status().code(),
            StatusCode::kCorruption);
}

TEST(ForestModelLoadTest, GarbageAndMutatedBytesNeverCrash) {
  std::mt19937 rng(23);
  const std::string bytes = SmallModelBytes();
  Matrix probe(4, 5);
  for (std::size_t i = 0; i < probe.values.size(); ++i)
    probe.values[i] = static_cast<float>(i % 7) - 3;
  probe.at(1, 3) = std::numeric_limits<float>::quiet_NaN();
  int rejected = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::string b = bytes;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f)
      b[rng() % b.size()] = static_cast<char>(rng());
    auto m = LoadForestModel("random_forest", b, Task::kMulticlass, 3);
    if (!m.ok()) {
      ASSERT_EQ(m.status().code(), StatusCode::kCorruption) << m.status().ToString();
      ++rejected;
      continue;
    }
    // Whatever loads is a well-formed forest: predicting and explaining must work (or report a
    // column count that no longer matches, when the mutation hit num_features).
    std::vector<double> p;
    (*m)->Predict(probe, &p);
    ASSERT_EQ(p.size(), 12u);
    const bool same_columns = dynamic_cast<const ForestModel&>(**m).num_features() == 5;
    ASSERT_EQ(std::isnan(p[0]), !same_columns);
    ASSERT_EQ((*m)->Contributions(probe).ok(), same_columns);
  }
  EXPECT_GT(rejected, 100);
  std::string noise(5000, '\0');
  for (char& c : noise)
    c = static_cast<char>(rng());
  EXPECT_EQ(LoadForestModel("random_forest", noise, Task::kMulticlass, 3).status().code(),
            StatusCode::kCorruption);
}

TEST(ForestModelLoadTest, WrongAlgorithmTaskOrClassesIsCorruption) {
  const std::string bytes = SmallModelBytes();
  EXPECT_EQ(LoadForestModel("extra_trees", bytes, Task::kMulticlass, 3).status().code(),
            StatusCode::kCorruption);
  EXPECT_EQ(LoadForestModel("random_forest", bytes, Task::kRegression, 0).status().code(),
            StatusCode::kCorruption);
  EXPECT_EQ(LoadForestModel("random_forest", bytes, Task::kMulticlass, 4).status().code(),
            StatusCode::kCorruption);
}

TEST(ForestModelLoadTest, CyclicOrSharedChildrenAreCorruption) {
  ForestTree t;
  t.feature = {0, -1, -1};
  t.threshold = {0.5f, 0, 0};
  t.left = {1, 0, 0};
  t.right = {2, 0, 0};
  t.default_left = {1, 0, 0};
  t.cover = {2, 1, 1};
  t.value = {0, -1, 1};
  EXPECT_TRUE(t.Validate(1, 1).ok());
  ForestTree shared = t;
  shared.right[0] = 1;
  EXPECT_EQ(shared.Validate(1, 1).code(), StatusCode::kCorruption);
  ForestTree backwards = t;
  backwards.feature[1] = 0;
  backwards.left[1] = 0;
  backwards.right[1] = 2;
  EXPECT_EQ(backwards.Validate(1, 1).code(), StatusCode::kCorruption);
  ForestTree out_of_range = t;
  out_of_range.feature[0] = 1;
  EXPECT_EQ(out_of_range.Validate(1, 1).code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace kiln
