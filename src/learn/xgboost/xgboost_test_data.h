// Small synthetic data sets for the xgboost tests, generated from a fixed seed.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <vector>

#include "learn/learner.h"
#include "learn/matrix.h"

namespace kiln::xgboost_test {

struct Data {
  Matrix x;
  std::vector<float> y;
  std::vector<bool> categorical;

  TrainSet Set() const { return TrainSet{&x, y, {}, categorical}; }
};

enum class Shape { kBinary, kMulticlass, kRegression };

// 4 numeric columns, ~2% missing. Binary: x0 + 0.5 x1 > 0. Multiclass (3): which of x0, x1, -x0 -
// x1 is largest. Regression: 3 x0 - 2 x1 + x2² plus N(0, noise²). Labels flip with probability
// `flip` (classification) to make overfitting possible.
inline Data Make(Shape shape, std::size_t rows, unsigned seed, double noise = 0.1,
                 double flip = 0) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::uniform_real_distribution<double> unit;
  Data d{Matrix(rows, 4), std::vector<float>(rows), {}};
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < 4; ++c)
      d.x.at(r, c) = normal(rng);
    const float x0 = d.x.at(r, 0), x1 = d.x.at(r, 1), x2 = d.x.at(r, 2);
    float y = 0;
    switch (shape) {
      case Shape::kBinary:
        y = x0 + 0.5f * x1 > 0 ? 1 : 0;
        if (unit(rng) < flip)
          y = 1 - y;
        break;
      case Shape::kMulticlass: {
        const float s[3] = {x0, x1, -x0 - x1};
        y = s[1] > s[0] ? 1 : 0;
        if (s[2] > s[static_cast<int>(y)])
          y = 2;
        if (unit(rng) < flip)
          y = static_cast<float>(static_cast<int>(y + 1) % 3);
        break;
      }
      case Shape::kRegression:
        y = 3 * x0 - 2 * x1 + x2 * x2 + static_cast<float>(noise) * normal(rng);
        break;
    }
    d.y[r] = y;
    if (unit(rng) < 0.02)
      d.x.at(r, 3) = std::numeric_limits<float>::quiet_NaN();
  }
  return d;
}

inline double Accuracy(const std::vector<double>& pred, const std::vector<float>& y, int classes) {
  std::size_t right = 0;
  for (std::size_t r = 0; r < y.size(); ++r) {
    int label = 0;
    if (classes <= 2) {
      label = pred[r] > 0.5 ? 1 : 0;
    } else {
      for (int k = 1; k < classes; ++k) {
        if (pred[r * classes + k] > pred[r * classes + label])
          label = k;
      }
    }
    right += label == static_cast<int>(y[r]);
  }
  return static_cast<double>(right) / static_cast<double>(y.size());
}

}  // namespace kiln::xgboost_test
