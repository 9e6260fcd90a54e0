#include "learn/forest/tree_shap.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace kiln {
namespace {

using PathElement = TreeShapWorkspace::PathElement;

// The three path operations of Algorithm 2 (EXTEND, UNWIND and the sum of UNWIND's weights).
void ExtendPath(PathElement* path, int depth, double zero, double one, int feature) {
  path[depth] = {feature, zero, one, depth == 0 ? 1.0 : 0.0};
  for (int i = depth - 1; i >= 0; --i) {
    path[i + 1].weight += one * path[i].weight * (i + 1) / (depth + 1);
    path[i].weight = zero * path[i].weight * (depth - i) / (depth + 1);
  }
}

void UnwindPath(PathElement* path, int depth, int index) {
  const double one = path[index].one_fraction;
  const double zero = path[index].zero_fraction;
  double next_one_portion = path[depth].weight;
  for (int i = depth - 1; i >= 0; --i) {
    if (one != 0) {
      const double tmp = path[i].weight;
      path[i].weight = next_one_portion * (depth + 1) / ((i + 1) * one);
      next_one_portion = tmp - path[i].weight * zero * (depth - i) / (depth + 1);
    } else {
      path[i].weight = path[i].weight * (depth + 1) / (zero * (depth - i));
    }
  }
  for (int i = index; i < depth; ++i) {
    path[i].feature = path[i + 1].feature;
    path[i].zero_fraction = path[i + 1].zero_fraction;
    path[i].one_fraction = path[i + 1].one_fraction;
  }
}

// 1 / k for the path lengths TreeSHAP meets (the unique path never exceeds the tree depth + 2).
struct Reciprocals {
  double of[ForestTree::kMaxDepth + 4];
  constexpr Reciprocals() : of() {
    of[0] = 0;
    for (int k = 1; k < ForestTree::kMaxDepth + 4; ++k)
      of[k] = 1.0 / k;
  }
};
constexpr Reciprocals kInverse;

// The sum of UNWIND's weights, with the divisions hoisted out of the loop: the hot spot of
// TreeSHAP.
double UnwoundPathSum(const PathElement* path, int depth, int index) {
  const double one = path[index].one_fraction;
  const double zero = path[index].zero_fraction;
  const double d1 = depth + 1;
  const double inv_d1 = kInverse.of[depth + 1];
  double total = 0;
  if (one != 0) {
    const double scale = d1 / one;
    const double zero_scale = zero * inv_d1;
    double next_one_portion = path[depth].weight;
    for (int i = depth - 1; i >= 0; --i) {
      const double tmp = next_one_portion * scale * kInverse.of[i + 1];
      total += tmp;
      next_one_portion = path[i].weight - tmp * zero_scale * (depth - i);
    }
  } else if (zero != 0) {
    const double scale = d1 / zero;
    for (int i = depth - 1; i >= 0; --i)
      total += path[i].weight * scale * kInverse.of[depth - i];
  }
  return total;
}

struct Shap {
  const ForestTree& tree;
  int outputs;
  std::span<const float> row;
  std::span<double> phi;
  std::size_t block;  // row.size() + 1

  void Recurse(std::size_t node, int depth, PathElement* parent_path, double parent_zero,
               double parent_one, int parent_feature) {
    PathElement* path = parent_path + depth + 1;
    std::copy(parent_path, parent_path + depth + 1, path);
    ExtendPath(path, depth, parent_zero, parent_one, parent_feature);

    if (tree.is_leaf(node)) {
      const double* value = &tree.value[node * static_cast<std::size_t>(outputs)];
      for (int i = 1; i <= depth; ++i) {
        const double scale =
            UnwoundPathSum(path, depth, i) * (path[i].one_fraction - path[i].zero_fraction);
        const auto f = static_cast<std::size_t>(path[i].feature);
        for (int k = 0; k < outputs; ++k)
          phi[static_cast<std::size_t>(k) * block + f] += scale * value[k];
      }
      return;
    }

    const int feature = tree.feature[node];
    const float v = row[static_cast<std::size_t>(feature)];
    const bool go_left = std::isnan(v) ? tree.default_left[node] != 0 : v <= tree.threshold[node];
    const auto hot = static_cast<std::size_t>(go_left ? tree.left[node] : tree.right[node]);
    const auto cold = static_cast<std::size_t>(go_left ? tree.right[node] : tree.left[node]);
    // Normalized by the children's sum so the fractions add up to exactly one.
    const double children = static_cast<double>(tree.cover[hot]) + tree.cover[cold];
    const double hot_zero = tree.cover[hot] / children;
    const double cold_zero = tree.cover[cold] / children;

    double incoming_zero = 1;
    double incoming_one = 1;
    int index = 0;
    while (index <= depth && path[index].feature != feature)
      ++index;
    if (index <= depth) {
      // Split on this feature before: undo that, and carry its fractions down.
      incoming_zero = path[index].zero_fraction;
      incoming_one = path[index].one_fraction;
      UnwindPath(path, depth, index);
      --depth;
    }
    Recurse(hot, depth + 1, path, hot_zero * incoming_zero, incoming_one, feature);
    Recurse(cold, depth + 1, path, cold_zero * incoming_zero, 0, feature);
  }
};

}  // namespace

std::vector<double> TreeExpectedValue(const ForestTree& tree, int outputs) {
  const std::size_t k_out = static_cast<std::size_t>(outputs);
  std::vector<double> mean(tree.value);
  // Children come after their parent: a backward pass sees both before the parent.
  for (std::size_t n = tree.size(); n-- > 0;) {
    if (tree.is_leaf(n))
      continue;
    const auto l = static_cast<std::size_t>(tree.left[n]);
    const auto r = static_cast<std::size_t>(tree.right[n]);
    const double cl = tree.cover[l];
    const double cr = tree.cover[r];
    for (std::size_t k = 0; k < k_out; ++k)
      mean[n * k_out + k] = (cl * mean[l * k_out + k] + cr * mean[r * k_out + k]) / (cl + cr);
  }
  return std::vector<double>(mean.begin(), mean.begin() + static_cast<std::ptrdiff_t>(k_out));
}

void AddTreeShap(const ForestTree& tree, int depth, int outputs, std::span<const float> row,
                 std::span<double> phi, TreeShapWorkspace* workspace) {
  const std::size_t levels = static_cast<std::size_t>(depth) + 2;
  const std::size_t needed = levels * (levels + 1) / 2;
  if (workspace->path.size() < needed)
    workspace->path.resize(needed);
  Shap shap{tree, outputs, row, phi, row.size() + 1};
  shap.Recurse(0, 0, workspace->path.data(), 1, 1, -1);
}

}  // namespace kiln
