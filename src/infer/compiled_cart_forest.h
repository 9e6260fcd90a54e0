// CompiledCartForest: a random forest or extra-trees model (src/learn/forest's ForestModel)
// compiled for serving: every tree's nodes packed into one array of 16-byte nodes (split feature
// with the missing-value direction in its top bits, threshold, children), leaves pointing into one
// array of double margins. A row is walked tree by tree without allocating. Margins equal
// ForestModel::PredictMargin's exactly: the same routing (left when x <= threshold, NaN the
// default way), leaf margins summed in double in tree order from 0, then scaled by 1 / trees.
// CompiledForest's layout (float32 leaves, `<` splits) does not fit: these leaves are doubles and
// their sum must not round.
//
// Thread-safety: immutable after Compile; Margin is safe from many threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/status.h"

namespace kiln {

class ForestModel;

class CompiledCartForest {
 public:
  // FailedPrecondition when the model cannot be packed (more than 2^30 features or nodes).
  static Result<CompiledCartForest> Compile(const ForestModel& model);

  std::size_t num_features() const { return num_features_; }
  int num_outputs() const { return outputs_; }
  std::size_t num_trees() const { return roots_.size(); }
  // One row of num_features() floats (NaN missing) -> num_outputs() margins at `out`.
  void Margin(const float* row, double* out) const;

 private:
  struct Node {
    std::uint32_t feature = 0;  // kLeaf for a leaf; kDefaultLeft set: missing goes left
    float threshold = 0;
    std::uint32_t left = 0;  // a leaf: offset of its margins in values_
    std::uint32_t right = 0;
  };
  static constexpr std::uint32_t kLeaf = 0x80000000u;
  static constexpr std::uint32_t kDefaultLeft = 0x40000000u;

  std::size_t num_features_ = 0;
  int outputs_ = 1;
  std::vector<Node> nodes_;
  std::vector<std::uint32_t> roots_;  // per tree, index into nodes_
  std::vector<double> values_;
  double scale_ = 1;  // 1 / trees
};

}  // namespace kiln
