// The synthetic problems the xgboost tests learn (see learn/internal/synthetic_data.h).
#pragma once

#include <cstddef>

#include "learn/internal/synthetic_data.h"

namespace kiln::xgboost_test {

using learn_test::Accuracy;
using learn_test::Data;
using learn_test::Shape;

// 4 numeric columns, ~2% missing in column 3, regression noise N(0, noise²). Labels flip with
// probability `flip` (classification) to make overfitting possible.
inline Data Make(Shape shape, std::size_t rows, unsigned seed, double noise = 0.1,
                 double flip = 0) {
  return learn_test::MakeSynthetic(shape, rows, seed, {.columns = 4, .noise = noise, .flip = flip});
}

}  // namespace kiln::xgboost_test
