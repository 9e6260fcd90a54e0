// Exact TreeSHAP for one ForestTree: Lundberg, Erion & Lee, "Consistent Individualized Feature
// Attribution for Tree Ensembles" (2018), Algorithm 2 — path-dependent conditional expectations
// weighted by node covers — extended to trees with several outputs per leaf (multiclass margins)
// and to missing values (a NaN follows the node's default direction, like any value).
//
// Cost per row: O(nodes x depth) per tree.
//
// Thread-safety: TreeShapWorkspace is per thread; the tree is only read.
#pragma once

#include <span>
#include <vector>

#include "learn/forest/forest_tree.h"

namespace kiln {

// Scratch memory reused between calls; one per thread.
class TreeShapWorkspace {
 public:
  struct PathElement {
    int feature;
    double zero_fraction;
    double one_fraction;
    double weight;
  };
  std::vector<PathElement> path;
};

// The tree's expected margins over its training distribution (cover-weighted mean of the leaves):
// `outputs` values, TreeSHAP's bias.
std::vector<double> TreeExpectedValue(const ForestTree& tree, int outputs);

// Adds the tree's SHAP values for `row` to `phi`, laid out outputs x (row.size() + 1) (the last
// entry of each block, the bias, is left alone). For each output they sum to the tree's margin
// for `row` minus TreeExpectedValue. REQUIRES tree.Validate(row.size(), outputs) is OK and
// depth == tree.Depth().
void AddTreeShap(const ForestTree& tree, int depth, int outputs, std::span<const float> row,
                 std::span<double> phi, TreeShapWorkspace* workspace);

}  // namespace kiln
