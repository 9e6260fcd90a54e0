// CompiledForest: a tree ensemble laid out for serving as flat structure-of-arrays, predicting
// without calling into the library that trained it and without allocating.
//
// Layout. Consecutive trees of depth <= kMaxPerfectDepth are grouped in blocks of up to
// kBlockWidth trees, each padded to a perfect binary tree of its block's depth D (a leaf above
// depth D becomes a subtree whose leaves all hold its value, so the padding splits' outcome does
// not matter). A block's internal nodes are interleaved: node j (heap order, children 2j+1 and
// 2j+2) of tree t is entry j * W + t of the flat arrays `feature_` and `threshold_`, its leaves
// likewise in `leaf_`, so one offset per tree walks all W trees with constant displacements. A row
// walks a block level by level, branch-free (q = 2q + W + W * !(x[feature] < threshold)); the W
// independent walks overlap in the CPU. Missing values cost nothing per node: the feature index
// names a column of a scratch copy of the row, f for default-right splits (where NaN became
// +inf) or num_features + f for default-left ones (NaN became -inf), which send NaN the way
// XGBoost does as long as every threshold is finite (checked at Compile; otherwise, or with more
// than kMaxScratchFeatures features, the walk tests NaN at each node instead). Batches go through
// tiles of rows block by block, so a block's nodes stay in L1 cache. Categorical splits (XGBoost's
// native categories; see SpecTree) carry a bit set: a block holding some is walked by a kernel
// whose every node tests both its bit set and its threshold and keeps the one its kind asks for
// (still branch-free; a present +inf becomes the largest float in the scratch row, since +inf
// there means "missing, goes right"). Trees deeper than kMaxPerfectDepth, and categorical trees
// when the scratch row is ruled out, are stored as general node arrays (children adjacent) and
// walked one node at a time, up to kBlockWidth trees side by side without a branch per node.
//
// Exactness. Margins are summed in float32 in tree order starting from the base margin, and
// outputs are transformed in float32 as XGBoost does, so predictions equal XGBoost's own (see
// xgboost_forest.h for what is compiled).
//
// Thread-safety: immutable after Compile; every Predict is safe from many threads at once and
// uses only the caller's buffers and its own stack.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "infer/forest_spec.h"

namespace kiln {

class CompiledForest {
 public:
  static constexpr int kBlockWidth = 8;
  static constexpr int kMaxPerfectDepth = 10;
  static constexpr std::size_t kMaxScratchFeatures = 2048;

  // InvalidArgument naming the tree and node when `spec` is not a well-formed ensemble (a child
  // out of range, a node reached twice, a feature out of range, a group out of range, no trees
  // is fine: every row then predicts the base margin).
  static Result<CompiledForest> Compile(const ForestSpec& spec);

  CompiledForest() = default;

  std::size_t num_features() const { return num_features_; }
  // Values Predict writes per row: 1 for kArgMax, else num_groups().
  int num_outputs() const { return output_ == ForestOutput::kArgMax ? 1 : num_groups_; }
  // Margins per row (what PredictMargin writes).
  int num_groups() const { return num_groups_; }
  ForestOutput output() const { return output_; }
  std::size_t num_trees() const { return num_trees_; }

  // One row of num_features() floats (NaN = missing) -> num_outputs() values at `out`.
  void PredictRow(const float* row, float* out) const;
  // `num_rows` rows, row-major, num_features() floats each -> num_rows * num_outputs() values.
  void PredictBatch(const float* rows, std::size_t num_rows, float* out) const;
  // Like PredictBatch, but the summed margins (num_groups() per row), before the output transform.
  void PredictMargin(const float* rows, std::size_t num_rows, float* out) const;

  // "100 trees (13 blocks of perfect trees, 0 walked node by node), 20 features, 1 output".
  std::string Describe() const;

 private:
  // A run of up to kBlockWidth trees padded to one depth.
  struct Block {
    std::uint32_t first_tree = 0;   // index into tree_group_
    std::uint32_t width = 0;        // trees in the block
    std::uint32_t depth = 0;        // levels of internal nodes
    std::uint32_t node_offset = 0;  // into split_ / threshold_
    std::uint32_t leaf_offset = 0;  // into leaf_
    bool categorical = false;       // some node splits on categories (block_category_)
  };
  // A tree deeper than kMaxPerfectDepth, in deep_* arrays.
  struct DeepTree {
    std::uint32_t tree = 0;         // index into tree_group_
    std::uint32_t node_offset = 0;  // root, into deep_*
  };
  // Blocks and deep trees in tree order: a deep tree runs before block `before_block`.
  struct DeepSlot {
    std::uint32_t before_block = 0;
    DeepTree tree;
  };

  // Sums the margins of `rows` rows (`raw`, and their scratch copies with NaN replaced, or null
  // when !sentinel_) into `acc` (num_groups_ per row, holding the base margin).
  void AccumulateTile(const float* raw, const float* scratch, std::size_t rows, float* acc) const;
  template <int W>
  void BlockTile(const Block& b, const float* raw, const float* scratch, std::size_t rows,
                 float* acc) const;
  void CategoricalBlock(const Block& b, const float* scratch, std::size_t rows, float* acc) const;
  template <int W>
  void CategoricalBlockTile(const Block& b, const float* scratch, std::size_t rows,
                            float* acc) const;
  // The leaves `row` reaches in the `count` (1..kBlockWidth) deep trees of slots[0, count).
  void DeepLeaves(const DeepSlot* slots, std::size_t count, const float* row, float* leaves) const;
  void Transform(const float* margins, float* out) const;
  // Rows per tile for PredictBatch (what the stack scratch holds).
  std::size_t TileRows() const;
  template <bool kTransform>
  void Predict(const float* rows, std::size_t num_rows, float* out) const;

  std::size_t num_features_ = 0;
  int num_groups_ = 1;
  float base_margin_ = 0;
  ForestOutput output_ = ForestOutput::kIdentity;
  std::size_t num_trees_ = 0;
  bool sentinel_ = false;            // NaN handled through the scratch row (see Layout)
  bool categorical_blocks_ = false;  // some block holds categorical splits

  std::vector<Block> blocks_;
  std::vector<DeepSlot> deep_;             // sorted by before_block
  std::vector<std::uint32_t> tree_group_;  // per tree, in order
  // Per block node: f (default right) or num_features_ + f (default left).
  std::vector<std::uint32_t> feature_;
  std::vector<float> threshold_;
  std::vector<float> leaf_;
  // Per block node: 0, or where its categorical split's bit set starts in category_words_.
  std::vector<std::int32_t> block_category_;
  std::vector<std::uint32_t> deep_feature_;  // as feature_
  std::vector<float> deep_value_;            // threshold, or the leaf value at a leaf
  std::vector<std::int32_t> deep_left_;      // left child (right = left + 1), -1 at a leaf
  // Per deep node: 0 (a numerical split or a leaf; category_words_ starts with the empty set), or
  // where its categorical split's bit set starts in category_words_ (the word count, then the
  // words; category c is bit c % 32 of word c / 32).
  std::vector<std::int32_t> deep_category_;
  std::vector<std::uint32_t> category_words_;
  std::size_t num_categorical_trees_ = 0;
};

}  // namespace kiln
