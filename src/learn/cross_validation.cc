#include "learn/cross_validation.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <random>
#include <utility>

namespace kiln {
namespace {

// A uniform draw in [0, n) by rejection, so results do not depend on the standard library's
// (implementation-defined) distributions: the same seed gives the same folds everywhere.
std::uint64_t UniformBelow(std::mt19937_64& rng, std::uint64_t n) {
  const std::uint64_t limit =
      std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % n;
  std::uint64_t r;
  do {
    r = rng();
  } while (r >= limit);
  return r % n;
}

void Shuffle(std::vector<std::size_t>& v, std::mt19937_64& rng) {
  for (std::size_t i = v.size(); i > 1; --i)
    std::swap(v[i - 1], v[UniformBelow(rng, i)]);
}

// Rows in dealing order: for classification, each class's rows shuffled and the classes
// concatenated in label order; for regression, all rows shuffled.
std::vector<std::size_t> DealingOrder(Task task, std::span<const float> y, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  if (task == Task::kRegression) {
    std::vector<std::size_t> order(y.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    Shuffle(order, rng);
    return order;
  }
  // Non-finite labels (invalid for classification) form one group of their own.
  std::map<long long, std::vector<std::size_t>> by_class;
  for (std::size_t i = 0; i < y.size(); ++i) {
    by_class[std::isfinite(y[i]) ? std::llround(y[i]) : -1].push_back(i);
  }
  std::vector<std::size_t> order;
  order.reserve(y.size());
  for (auto& [label, rows] : by_class) {
    Shuffle(rows, rng);
    order.insert(order.end(), rows.begin(), rows.end());
  }
  return order;
}

Fold FoldFromValidFlags(const std::vector<bool>& is_valid) {
  Fold fold;
  for (std::size_t i = 0; i < is_valid.size(); ++i) {
    (is_valid[i] ? fold.valid : fold.train).push_back(i);
  }
  return fold;
}

}  // namespace

std::vector<Fold> MakeFolds(Task task, std::span<const float> y, int k, std::uint64_t seed) {
  assert(k >= 2 && static_cast<std::size_t>(k) <= y.size());
  if (y.empty() || k < 1)
    return {};
  const std::size_t folds = std::min(static_cast<std::size_t>(k), y.size());
  // Dealing round-robin over the class-grouped order gives every fold floor or ceil of each class's
  // share and keeps fold sizes within one row of each other.
  const std::vector<std::size_t> order = DealingOrder(task, y, seed);
  std::vector<std::size_t> fold_of(y.size());
  for (std::size_t pos = 0; pos < order.size(); ++pos)
    fold_of[order[pos]] = pos % folds;

  std::vector<Fold> out(folds);
  for (std::size_t i = 0; i < y.size(); ++i) {
    for (std::size_t f = 0; f < folds; ++f)
      (fold_of[i] == f ? out[f].valid : out[f].train).push_back(i);
  }
  return out;
}

Fold MakeHoldout(Task task, std::span<const float> y, double valid_fraction, std::uint64_t seed) {
  assert(valid_fraction > 0 && valid_fraction < 1);
  const std::size_t n = y.size();
  if (n == 0)
    return {};
  // m valid rows, at least one on each side when there are two rows or more.
  std::size_t m = static_cast<std::size_t>(std::llround(valid_fraction * static_cast<double>(n)));
  if (n >= 2)
    m = std::clamp<std::size_t>(m, 1, n - 1);
  // Systematic sampling along the class-grouped order: position pos is valid when
  // floor((pos + 1) * m / n) steps up, which picks exactly m rows spread evenly over every class.
  const std::vector<std::size_t> order = DealingOrder(task, y, seed);
  std::vector<bool> is_valid(n, false);
  for (std::size_t pos = 0; pos < n; ++pos) {
    if ((pos + 1) * m / n > pos * m / n)
      is_valid[order[pos]] = true;
  }
  return FoldFromValidFlags(is_valid);
}

}  // namespace kiln
