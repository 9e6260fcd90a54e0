// K-fold splits: stratified by class for classification, shuffled for regression; deterministic
// for a given seed. Thread-safe: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "learn/task.h"

namespace kiln {

struct Fold {
  std::vector<std::size_t> train;  // row indices, ascending
  std::vector<std::size_t> valid;  // row indices, ascending
};

// Splits rows 0..y.size()-1 into k folds. Classification keeps each class's share in every fold
// (a class with fewer than k rows lands in as many folds as it has rows). REQUIRES 2 <= k <= rows.
std::vector<Fold> MakeFolds(Task task, std::span<const float> y, int k, std::uint64_t seed);

// A single holdout split (stratified for classification, shuffled for regression) with
// round(valid_fraction * rows) rows in valid, at least one row on each side when rows >= 2.
// REQUIRES 0 < valid_fraction < 1.
Fold MakeHoldout(Task task, std::span<const float> y, double valid_fraction, std::uint64_t seed);

}  // namespace kiln
