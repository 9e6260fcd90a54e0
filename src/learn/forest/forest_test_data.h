// Small synthetic data sets for the forest tests, generated from a fixed seed.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>
#include <random>
#include <vector>

#include "learn/forest/forest_learner.h"
#include "learn/learner.h"
#include "learn/matrix.h"

namespace kiln::forest_test {

struct Data {
  Matrix x;
  std::vector<float> y;

  TrainSet Set() const { return TrainSet{&x, y, {}, {}}; }
};

enum class Shape { kBinary, kMulticlass, kRegression };

// 5 numeric columns (the last one pure noise), `missing` share of NaN in column 3. Binary:
// x0 + 0.5 x1 > 0. Multiclass (3): the largest of x0, x1, -x0 - x1. Regression: 3 x0 - 2 x1 + x2²
// plus N(0, 0.1²).
inline Data Make(Shape shape, std::size_t rows, unsigned seed, double missing = 0.02) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::uniform_real_distribution<double> unit;
  Data d{Matrix(rows, 5), std::vector<float>(rows)};
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < 5; ++c)
      d.x.at(r, c) = normal(rng);
    const float x0 = d.x.at(r, 0), x1 = d.x.at(r, 1), x2 = d.x.at(r, 2);
    float y = 0;
    switch (shape) {
      case Shape::kBinary:
        y = x0 + 0.5f * x1 > 0 ? 1 : 0;
        break;
      case Shape::kMulticlass: {
        const float s[3] = {x0, x1, -x0 - x1};
        y = s[1] > s[0] ? 1 : 0;
        if (s[2] > s[static_cast<int>(y)])
          y = 2;
        break;
      }
      case Shape::kRegression:
        y = 3 * x0 - 2 * x1 + x2 * x2 + 0.1f * normal(rng);
        break;
    }
    d.y[r] = y;
    if (unit(rng) < missing)
      d.x.at(r, 3) = std::numeric_limits<float>::quiet_NaN();
  }
  return d;
}

inline Task TaskOf(Shape shape) {
  return shape == Shape::kBinary       ? Task::kBinary
         : shape == Shape::kMulticlass ? Task::kMulticlass
                                       : Task::kRegression;
}
inline int ClassesOf(Shape shape) {
  return shape == Shape::kBinary ? 2 : shape == Shape::kMulticlass ? 3 : 0;
}

// Fits `algorithm` on `data`; nullptr on any error.
inline std::unique_ptr<Model> Fit(const char* algorithm, const HyperParams& hp, Shape shape,
                                  const Data& data, FitContext ctx = {}) {
  auto learner = MakeForestLearner(algorithm, hp, TaskOf(shape), ClassesOf(shape));
  if (!learner.ok())
    return nullptr;
  auto model = (*learner)->Fit(data.Set(), nullptr, ctx);
  if (!model.ok())
    return nullptr;
  return std::move(model).value();
}

}  // namespace kiln::forest_test
