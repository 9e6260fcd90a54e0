// Synthetic labelled problems for the tree learners' tests, generated from a fixed seed: normal
// features, labels that are simple functions of the first three, and some values of column 3
// missing. The forest and xgboost tests learn the same problems and score them by the same
// accuracy, so both live here once. Test-only.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <random>
#include <vector>

#include "learn/learner.h"
#include "learn/matrix.h"

namespace kiln::learn_test {

struct Data {
  Matrix x;
  std::vector<float> y;
  std::vector<bool> categorical;  // empty: every column numeric

  TrainSet Set() const { return TrainSet{&x, y, {}, categorical}; }
};

enum class Shape { kBinary, kMulticlass, kRegression };

inline Task TaskOf(Shape shape) {
  return shape == Shape::kBinary       ? Task::kBinary
         : shape == Shape::kMulticlass ? Task::kMulticlass
                                       : Task::kRegression;
}
inline int ClassesOf(Shape shape) {
  return shape == Shape::kBinary ? 2 : shape == Shape::kMulticlass ? 3 : 0;
}

struct SyntheticSpec {
  std::size_t columns = 5;  // at least 4; those past the first three are pure noise
  double missing = 0.02;    // the share of rows whose column 3 is NaN
  double noise = 0.1;       // standard deviation of the regression noise
  // When set, the probability that a classification label moves to the next class. A set flip
  // draws one uniform number per classification row even at 0, so 0 and unset give other data.
  std::optional<double> flip;
};

// Binary: x0 + 0.5 x1 > 0. Multiclass (3): which of x0, x1, -x0 - x1 is largest. Regression:
// 3 x0 - 2 x1 + x2² plus N(0, noise²).
inline Data MakeSynthetic(Shape shape, std::size_t rows, unsigned seed, const SyntheticSpec& spec) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::uniform_real_distribution<double> unit;
  Data d{Matrix(rows, spec.columns), std::vector<float>(rows), {}};
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < spec.columns; ++c)
      d.x.at(r, c) = normal(rng);
    const float x0 = d.x.at(r, 0), x1 = d.x.at(r, 1), x2 = d.x.at(r, 2);
    float y = 0;
    switch (shape) {
      case Shape::kBinary:
        y = x0 + 0.5f * x1 > 0 ? 1 : 0;
        if (spec.flip && unit(rng) < *spec.flip)
          y = 1 - y;
        break;
      case Shape::kMulticlass: {
        const float s[3] = {x0, x1, -x0 - x1};
        y = s[1] > s[0] ? 1 : 0;
        if (s[2] > s[static_cast<int>(y)])
          y = 2;
        if (spec.flip && unit(rng) < *spec.flip)
          y = static_cast<float>(static_cast<int>(y + 1) % 3);
        break;
      }
      case Shape::kRegression:
        y = 3 * x0 - 2 * x1 + x2 * x2 + static_cast<float>(spec.noise) * normal(rng);
        break;
    }
    d.y[r] = y;
    if (unit(rng) < spec.missing)
      d.x.at(r, 3) = std::numeric_limits<float>::quiet_NaN();
  }
  return d;
}

// The share of rows whose most probable class (P(class 1) > 0.5 for binary `pred`) is y's.
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

}  // namespace kiln::learn_test
