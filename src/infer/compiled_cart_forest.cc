// CompiledCartForest: packing ForestModel's trees and walking them; see the header.
#include "infer/compiled_cart_forest.h"

#include <algorithm>
#include <cmath>

#include "learn/forest/forest_model.h"

namespace kiln {

Result<CompiledCartForest> CompiledCartForest::Compile(const ForestModel& model) {
  CompiledCartForest out;
  out.num_features_ = static_cast<std::size_t>(model.num_features());
  out.outputs_ = model.num_outputs();
  const std::size_t k = static_cast<std::size_t>(out.outputs_);
  if (out.num_features_ >= kDefaultLeft)
    return Status::FailedPrecondition("the forest reads too many features to compile");
  std::size_t total = 0;
  for (const ForestTree& t : model.trees())
    total += t.size();
  if (total >= kDefaultLeft || total * k >= kDefaultLeft)
    return Status::FailedPrecondition("the forest has too many nodes to compile");
  out.nodes_.reserve(total);
  for (const ForestTree& t : model.trees()) {
    const auto base = static_cast<std::uint32_t>(out.nodes_.size());
    out.roots_.push_back(base);
    for (std::size_t n = 0; n < t.size(); ++n) {
      Node node;
      if (t.is_leaf(n)) {
        node.feature = kLeaf;
        node.left = static_cast<std::uint32_t>(out.values_.size());
        out.values_.insert(out.values_.end(), t.value.begin() + static_cast<std::ptrdiff_t>(n * k),
                           t.value.begin() + static_cast<std::ptrdiff_t>((n + 1) * k));
      } else {
        node.feature =
            static_cast<std::uint32_t>(t.feature[n]) | (t.default_left[n] != 0 ? kDefaultLeft : 0u);
        node.threshold = t.threshold[n];
        node.left = base + static_cast<std::uint32_t>(t.left[n]);
        node.right = base + static_cast<std::uint32_t>(t.right[n]);
      }
      out.nodes_.push_back(node);
    }
  }
  out.scale_ = 1.0 / static_cast<double>(std::max<std::size_t>(1, out.roots_.size()));
  return out;
}

void CompiledCartForest::Margin(const float* row, double* out) const {
  const std::size_t k = static_cast<std::size_t>(outputs_);
  std::fill(out, out + k, 0.0);
  for (const std::uint32_t root : roots_) {
    const Node* n = &nodes_[root];
    while ((n->feature & kLeaf) == 0) {
      const float v = row[n->feature & ~kDefaultLeft];
      const bool left = std::isnan(v) ? (n->feature & kDefaultLeft) != 0 : v <= n->threshold;
      n = &nodes_[left ? n->left : n->right];
    }
    const double* v = values_.data() + n->left;
    for (std::size_t j = 0; j < k; ++j)
      out[j] += v[j];
  }
  for (std::size_t j = 0; j < k; ++j)
    out[j] *= scale_;
}

}  // namespace kiln
