// CompiledKnn gives KnnModel::PredictMargin's margins bit for bit: classification (binary and
// multiclass) and regression, uniform and distance weights, Euclidean and Manhattan, k from 1 to
// past a search block, queries with missing values and exact matches of training rows, data full
// of tied distances; it refuses n_neighbors above kMaxNeighbors.
#include "infer/compiled_knn.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "learn/knn/knn_model.h"

namespace kiln {
namespace {

struct Case {
  Task task;
  int classes;
  int k;
  bool distance;
  int p;
};

std::string Name(const Case& c) {
  return std::string(TaskName(c.task)) + " k=" + std::to_string(c.k) +
         (c.distance ? " distance" : " uniform") + " p=" + std::to_string(c.p);
}

// `rows` training rows of `cols` features: uniform in [-1, 1), or (grid) small integers, which
// tie distances by the hundred and which float arithmetic holds exactly.
Matrix Features(std::size_t rows, std::size_t cols, bool grid, std::mt19937* rng) {
  std::uniform_real_distribution<float> u(-1, 1);
  std::uniform_int_distribution<int> level(0, 2);
  Matrix x(rows, cols);
  for (float& v : x.values)
    v = grid ? static_cast<float>(level(*rng)) : u(*rng);
  return x;
}

KnnModel MakeModel(const Case& c, const Matrix& train, std::mt19937* rng) {
  std::uniform_real_distribution<float> u(0, 1);
  std::vector<float> labels(train.rows), weights(train.rows);
  for (std::size_t r = 0; r < train.rows; ++r) {
    const float s = train.at(r, 0) + 0.5f * train.at(r, 1) + 0.3f * u(*rng);
    labels[r] = c.task == Task::kRegression ? 4 * s
                : c.task == Task::kBinary   ? (s > 0.2f ? 1.0f : 0.0f)
                                            : static_cast<float>(r % c.classes);
    weights[r] = 0.5f + 1.5f * u(*rng);
  }
  return KnnModel(c.task, c.task == Task::kRegression ? 0 : c.classes,
                  KnnModel::Settings{c.k, c.distance, c.p}, train, labels, weights);
}

// Queries: fresh rows, training rows (distance 0), rows with NaN and infinities (read as 0).
Matrix Queries(const Matrix& train, bool grid, std::mt19937* rng) {
  Matrix q = Features(120, train.cols, grid, rng);
  for (std::size_t r = 0; r < 30; ++r) {
    for (std::size_t j = 0; j < train.cols; ++j)
      q.at(r, j) = train.at((r * 37) % train.rows, j);
  }
  for (std::size_t r = 30; r < 50; ++r)
    q.at(r, r % train.cols) = r % 3 == 0 ? std::nanf("") : (r % 3 == 1 ? INFINITY : -INFINITY);
  return q;
}

void ExpectSameMargins(const Case& c, bool grid) {
  std::mt19937 rng(static_cast<unsigned>(c.k * 31 + c.p + (c.distance ? 7 : 0)));
  const Matrix train = Features(grid ? 500 : 601, grid ? 3 : 7, grid, &rng);
  const KnnModel model = MakeModel(c, train, &rng);
  Result<CompiledKnn> compiled = CompiledKnn::Compile(model);
  ASSERT_TRUE(compiled.ok()) << compiled.status().ToString();
  ASSERT_EQ(compiled->num_outputs(), model.num_outputs());
  ASSERT_EQ(compiled->num_features(), train.cols);
  const Matrix q = Queries(train, grid, &rng);
  std::vector<double> want;
  model.PredictMargin(q, &want);
  const std::size_t k = static_cast<std::size_t>(model.num_outputs());
  ASSERT_EQ(want.size(), q.rows * k);
  std::vector<double> got(k);
  for (std::size_t r = 0; r < q.rows; ++r) {
    compiled->Margin(q.values.data() + r * q.cols, got.data());
    for (std::size_t o = 0; o < k; ++o)
      ASSERT_EQ(got[o], want[r * k + o]) << Name(c) << (grid ? " grid" : "") << " row " << r;
  }
}

TEST(CompiledKnn, MarginsEqualKnnModelBitForBit) {
  for (const Task task : {Task::kBinary, Task::kMulticlass, Task::kRegression}) {
    for (const int k : {1, 5, 17, 300}) {
      for (const bool distance : {false, true}) {
        for (const int p : {1, 2})
          ExpectSameMargins({task, task == Task::kMulticlass ? 4 : 2, k, distance, p}, false);
      }
    }
  }
}

TEST(CompiledKnn, TiedDistancesBreakToTheLowerTrainingIndexAsKnnModel) {
  for (const Task task : {Task::kBinary, Task::kMulticlass, Task::kRegression}) {
    for (const int k : {1, 4, 9}) {
      for (const bool distance : {false, true}) {
        for (const int p : {1, 2})
          ExpectSameMargins({task, 3, k, distance, p}, true);
      }
    }
  }
}

TEST(CompiledKnn, RefusesMoreNeighboursThanItsStackSelectionHolds) {
  std::mt19937 rng(1);
  const Matrix train = Features(CompiledKnn::kMaxNeighbors + 1, 2, false, &rng);
  const int k = static_cast<int>(CompiledKnn::kMaxNeighbors);
  EXPECT_TRUE(
      CompiledKnn::Compile(MakeModel({Task::kRegression, 0, k, false, 2}, train, &rng)).ok());
  Result<CompiledKnn> r =
      CompiledKnn::Compile(MakeModel({Task::kRegression, 0, k + 1, false, 2}, train, &rng));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(r.error().message().find("n_neighbors 1025 (at most 1024"), std::string::npos)
      << r.error().message();
}

}  // namespace
}  // namespace kiln
