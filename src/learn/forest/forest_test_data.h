// The synthetic problems the forest tests learn (see learn/internal/synthetic_data.h), and a fit
// helper.
#pragma once

#include <cstddef>
#include <memory>

#include "learn/forest/forest_learner.h"
#include "learn/internal/synthetic_data.h"
#include "learn/learner.h"

namespace kiln::forest_test {

using learn_test::Accuracy;
using learn_test::ClassesOf;
using learn_test::Data;
using learn_test::Shape;
using learn_test::TaskOf;

// 5 numeric columns (the last one pure noise), `missing` share of NaN in column 3.
inline Data Make(Shape shape, std::size_t rows, unsigned seed, double missing = 0.02) {
  return learn_test::MakeSynthetic(shape, rows, seed, {.columns = 5, .missing = missing});
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
