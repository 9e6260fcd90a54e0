#include "learn/forest/forest_tree.h"

#include <algorithm>
#include <string>
#include <utility>

namespace kiln {

int ForestTree::Depth() const {
  if (size() == 0)
    return 0;
  // Children come after their parent, so one forward pass settles every depth.
  std::vector<int> depth(size(), 0);
  int deepest = 0;
  for (std::size_t n = 0; n < size(); ++n) {
    deepest = std::max(deepest, depth[n]);
    if (!is_leaf(n)) {
      depth[static_cast<std::size_t>(left[n])] = depth[n] + 1;
      depth[static_cast<std::size_t>(right[n])] = depth[n] + 1;
    }
  }
  return deepest;
}

std::size_t ForestTree::NumLeaves() const {
  return static_cast<std::size_t>(
      std::count_if(feature.begin(), feature.end(), [](std::int32_t f) { return f < 0; }));
}

Status ForestTree::Validate(std::size_t num_features, int outputs) const {
  const std::size_t n = size();
  auto corrupt = [](const std::string& what) { return Status::Corruption("forest tree: " + what); };
  if (n == 0)
    return corrupt("no nodes");
  if (threshold.size() != n || left.size() != n || right.size() != n || default_left.size() != n ||
      cover.size() != n || value.size() != n * static_cast<std::size_t>(outputs)) {
    return corrupt("array sizes disagree");
  }
  std::vector<std::uint8_t> parents(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string where = "node " + std::to_string(i) + ": ";
    if (!std::isfinite(cover[i]) || !(cover[i] > 0))
      return corrupt(where + "cover is not a positive number");
    for (int k = 0; k < outputs; ++k) {
      if (!std::isfinite(value[i * static_cast<std::size_t>(outputs) + k]))
        return corrupt(where + "value is not finite");
    }
    if (default_left[i] > 1)
      return corrupt(where + "default_left is not 0 or 1");
    if (feature[i] < 0) {
      if (feature[i] != -1 || left[i] != 0 || right[i] != 0 || threshold[i] != 0)
        return corrupt(where + "malformed leaf");
      continue;
    }
    if (static_cast<std::size_t>(feature[i]) >= num_features)
      return corrupt(where + "feature " + std::to_string(feature[i]) + " is out of range");
    if (std::isnan(threshold[i]))
      return corrupt(where + "threshold is NaN");
    for (std::int32_t child : {left[i], right[i]}) {
      if (child <= static_cast<std::int64_t>(i) || static_cast<std::size_t>(child) >= n)
        return corrupt(where + "child " + std::to_string(child) + " is out of range");
      if (++parents[static_cast<std::size_t>(child)] > 1)
        return corrupt(where + "child " + std::to_string(child) + " has two parents");
    }
  }
  for (std::size_t i = 1; i < n; ++i) {
    if (parents[i] != 1)
      return corrupt("node " + std::to_string(i) + " is unreachable");
  }
  if (Depth() > kMaxDepth)
    return corrupt("deeper than " + std::to_string(kMaxDepth));
  return Status::Ok();
}

}  // namespace kiln
