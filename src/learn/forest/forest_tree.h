// ForestTree: one decision tree of a forest, stored flat as a structure of arrays (as treelite),
// node 0 the root. Children always have larger indices than their parent, and the two children of
// a split are adjacent (right == left + 1) when built by TreeBuilder; Validate accepts any layout
// that forms a tree.
//
// Routing: a row goes left when x[feature] <= threshold, right when greater, and to the
// default_left side when x[feature] is NaN. Every node (internal ones too) carries its margins
// (num_outputs values, see forest_model.h) and its cover: the weighted number of training rows
// (bootstrap multiplicity x sample weight x class weight) that reached it.
//
// A plain value type; thread-safe as any const object.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/status.h"

namespace kiln {

struct ForestTree {
  // Deeper trees are cut to leaves at this depth when built and rejected when loaded; it bounds
  // recursion and TreeSHAP's O(depth^2) path memory.
  static constexpr int kMaxDepth = 500;

  std::vector<std::int32_t> feature;       // split column; -1 for a leaf
  std::vector<float> threshold;            // left when x <= threshold; 0 for leaves
  std::vector<std::int32_t> left;          // child index; 0 for leaves
  std::vector<std::int32_t> right;         // child index; 0 for leaves
  std::vector<std::uint8_t> default_left;  // 1: missing values go left; 0: right
  std::vector<float> cover;                // weighted training rows at the node, > 0
  std::vector<double> value;               // size() * outputs margins, node-major

  std::size_t size() const { return feature.size(); }
  bool is_leaf(std::size_t node) const { return feature[node] < 0; }

  // The index of the leaf `row` falls into. REQUIRES row.size() > every split feature.
  std::size_t Leaf(std::span<const float> row) const {
    std::size_t n = 0;
    while (feature[n] >= 0) {
      const float v = row[static_cast<std::size_t>(feature[n])];
      const bool go_left = std::isnan(v) ? default_left[n] != 0 : v <= threshold[n];
      n = static_cast<std::size_t>(go_left ? left[n] : right[n]);
    }
    return n;
  }

  // The number of edges on the longest root-to-leaf path.
  int Depth() const;
  std::size_t NumLeaves() const;

  // Checks that the arrays describe a tree over `num_features` columns with `outputs` values per
  // node: consistent sizes, children after their parent and reached exactly once, features in
  // range, thresholds not NaN, finite values and covers, depth <= kMaxDepth. Corruption otherwise.
  Status Validate(std::size_t num_features, int outputs) const;
};

}  // namespace kiln
