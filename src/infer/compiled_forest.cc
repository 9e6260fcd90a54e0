// CompiledForest: layout (Compile) and the branch-free evaluation kernels; see the header.
#include "infer/compiled_forest.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace kiln {
namespace {

// Margins per row kept on the stack (multi:softmax's argmax); more are refused at Compile.
constexpr std::size_t kMaxGroups = 4096;

std::string Where(std::size_t tree, std::size_t node) {
  return "tree " + std::to_string(tree) + ", node " + std::to_string(node);
}

// Checks one tree and returns its depth (levels of internal nodes on its longest path).
Result<std::uint32_t> CheckTree(const SpecTree& t, std::size_t index, std::size_t num_features,
                                int num_groups) {
  const std::size_t n = t.left.size();
  const std::string tree = "tree " + std::to_string(index);
  if (n == 0)
    return Status::InvalidArgument(tree + " has no nodes");
  if (t.right.size() != n || t.feature.size() != n || t.value.size() != n ||
      t.default_left.size() != n || (!t.categories.empty() && t.categories.size() != n)) {
    return Status::InvalidArgument(tree + ": its node arrays differ in length");
  }
  for (std::size_t node = 0; node < t.categories.size(); ++node) {
    for (const std::int32_t c : t.categories[node]) {
      if (c < 0 || c >= kMaxCategory) {
        return Status::InvalidArgument(Where(index, node) + " splits on category " +
                                       std::to_string(c));
      }
    }
  }
  if (t.group < 0 || t.group >= num_groups) {
    return Status::InvalidArgument(tree + " adds to output " + std::to_string(t.group) +
                                   ", the model has " + std::to_string(num_groups));
  }
  std::vector<std::uint8_t> seen(n, 0);
  std::vector<std::pair<std::int32_t, std::uint32_t>> stack = {{0, 0}};  // node, its depth
  seen[0] = 1;
  std::uint32_t depth = 0;
  while (!stack.empty()) {
    const auto [node, d] = stack.back();
    stack.pop_back();
    const std::int32_t l = t.left[node];
    const std::int32_t r = t.right[node];
    if (l == -1 && r == -1) {
      depth = std::max(depth, d);
      continue;
    }
    for (const std::int32_t child : {l, r}) {
      if (child < 0 || static_cast<std::size_t>(child) >= n) {
        return Status::InvalidArgument(Where(index, node) + ": child " + std::to_string(child) +
                                       " is not a node (the tree has " + std::to_string(n) + ")");
      }
      if (seen[child] != 0) {
        return Status::InvalidArgument(Where(index, node) + ": node " + std::to_string(child) +
                                       " is reached twice (the tree is not a tree)");
      }
      seen[child] = 1;
      stack.push_back({child, d + 1});
    }
    if (t.feature[node] < 0 || static_cast<std::size_t>(t.feature[node]) >= num_features) {
      return Status::InvalidArgument(Where(index, node) + " splits on feature " +
                                     std::to_string(t.feature[node]) + ", the model has " +
                                     std::to_string(num_features));
    }
  }
  return depth;
}

// The feature word of an internal node: f, or num_features + f when missing goes left.
std::uint32_t FeatureWord(const SpecTree& t, std::int32_t node, std::size_t num_features) {
  return static_cast<std::uint32_t>(
      t.feature[node] + (t.default_left[node] ? static_cast<std::int64_t>(num_features) : 0));
}

// Appends the bit set of `categories` (REQUIRES each in [0, kMaxCategory)) to `words` as its word
// count and then its words, category c at bit c % 32 of word c / 32; returns where it starts.
std::int32_t AppendCategoryBits(const std::vector<std::int32_t>& categories,
                                std::vector<std::uint32_t>* words) {
  const std::int32_t at = static_cast<std::int32_t>(words->size());
  const std::int32_t top = *std::max_element(categories.begin(), categories.end());
  const std::uint32_t count = static_cast<std::uint32_t>(top) / 32 + 1;
  words->push_back(count);
  words->resize(words->size() + count, 0);
  for (const std::int32_t c : categories)
    (*words)[static_cast<std::size_t>(at) + 1 + static_cast<std::uint32_t>(c) / 32] |=
        1u << (static_cast<std::uint32_t>(c) % 32);
  return at;
}

// Whether `v` is in the bit set at `bits` (AppendCategoryBits' layout), as XGBoost decides a
// categorical split: the integer v truncates to; NaN, negative values and values from
// kMaxCategory on are in no set. Without branches: the walk below runs it for every node.
inline bool InCategories(const std::uint32_t* bits, float v) {
  const bool valid = v >= 0.0f && v < static_cast<float>(kMaxCategory);
  const auto c = static_cast<std::uint32_t>(valid ? v : 0.0f);
  const bool in_range = c / 32 < bits[0];
  const std::uint32_t word = bits[1 + (in_range ? c / 32 : 0)];
  return valid & in_range & (((word >> (c % 32)) & 1u) != 0);
}

// Writes `node`'s subtree at heap position `heap` of a perfect tree of `depth` levels, lane `lane`
// of a block of width `width` (node j at j * width + lane, leaf i at i * width + lane).
// A categorical split's set is appended to `words` and its offset written to `category` (0 for
// numerical splits and padding).
void FillPerfect(const SpecTree& t, std::size_t num_features, std::int32_t node, std::uint32_t heap,
                 std::uint32_t level, std::uint32_t depth, std::uint32_t width, std::uint32_t lane,
                 std::uint32_t* feature, float* threshold, float* leaf, std::int32_t* category,
                 std::vector<std::uint32_t>* words) {
  if (level == depth) {
    leaf[(heap - ((1u << depth) - 1)) * width + lane] = t.value[node];
    return;
  }
  const std::uint32_t at = heap * width + lane;
  std::int32_t left = node;
  std::int32_t right = node;
  category[at] = 0;
  if (t.left[node] < 0) {  // a leaf above the last level: both sides lead to it
    feature[at] = 0;
    threshold[at] = 0;
  } else {
    feature[at] = FeatureWord(t, node, num_features);
    threshold[at] = t.value[node];
    if (t.is_categorical(static_cast<std::size_t>(node)))
      category[at] = AppendCategoryBits(t.categories[node], words);
    left = t.left[node];
    right = t.right[node];
  }
  FillPerfect(t, num_features, left, 2 * heap + 1, level + 1, depth, width, lane, feature,
              threshold, leaf, category, words);
  FillPerfect(t, num_features, right, 2 * heap + 2, level + 1, depth, width, lane, feature,
              threshold, leaf, category, words);
}

// The stack scratch of a tile: each row twice, NaN as +inf and as -inf (see the header's Layout).
constexpr std::size_t kScratchFloats = 2 * CompiledForest::kMaxScratchFeatures;
constexpr std::size_t kTileRows = 32;

}  // namespace

Result<CompiledForest> CompiledForest::Compile(const ForestSpec& spec) {
  if (spec.num_features == 0 || spec.num_features > (std::size_t{1} << 30))
    return Status::InvalidArgument("the model reads " + std::to_string(spec.num_features) +
                                   " features");
  if (spec.num_groups < 1 || static_cast<std::size_t>(spec.num_groups) > kMaxGroups) {
    return Status::InvalidArgument("the model has " + std::to_string(spec.num_groups) +
                                   " outputs per row (1 to " + std::to_string(kMaxGroups) +
                                   " are compiled)");
  }
  CompiledForest f;
  f.category_words_ = {0, 0};  // the empty set numerical splits point at (see DeepLeaves)
  const std::size_t nf = spec.num_features;
  f.num_features_ = nf;
  f.num_groups_ = spec.num_groups;
  f.base_margin_ = spec.base_margin;
  f.output_ = spec.output;
  f.num_trees_ = spec.trees.size();
  f.sentinel_ = nf <= kMaxScratchFeatures;
  std::vector<std::uint32_t> depths;
  depths.reserve(spec.trees.size());
  for (std::size_t i = 0; i < spec.trees.size(); ++i) {
    const SpecTree& t = spec.trees[i];
    ASSIGN_OR_RETURN(std::uint32_t depth, CheckTree(t, i, nf, spec.num_groups));
    depths.push_back(depth);
    f.tree_group_.push_back(static_cast<std::uint32_t>(t.group));
    for (std::size_t n = 0; n < t.left.size(); ++n) {
      if (t.left[n] >= 0 && !std::isfinite(t.value[n]))
        f.sentinel_ = false;
    }
  }

  std::vector<std::size_t> pending;  // trees of the block being gathered
  auto flush = [&] {
    if (pending.empty())
      return;
    Block b;
    b.first_tree = static_cast<std::uint32_t>(pending.front());
    b.width = static_cast<std::uint32_t>(pending.size());
    for (std::size_t t : pending)
      b.depth = std::max(b.depth, depths[t]);
    const std::uint32_t inner = (1u << b.depth) - 1;
    b.node_offset = static_cast<std::uint32_t>(f.feature_.size());
    b.leaf_offset = static_cast<std::uint32_t>(f.leaf_.size());
    f.feature_.resize(f.feature_.size() + b.width * inner);
    f.threshold_.resize(f.threshold_.size() + b.width * inner);
    f.block_category_.resize(f.block_category_.size() + b.width * inner);
    f.leaf_.resize(f.leaf_.size() + b.width * (inner + 1));
    for (std::uint32_t k = 0; k < b.width; ++k) {
      const SpecTree& t = spec.trees[pending[k]];
      b.categorical = b.categorical || !t.categories.empty();
      f.categorical_blocks_ = f.categorical_blocks_ || b.categorical;
      FillPerfect(t, nf, 0, 0, 0, b.depth, b.width, k, f.feature_.data() + b.node_offset,
                  f.threshold_.data() + b.node_offset, f.leaf_.data() + b.leaf_offset,
                  f.block_category_.data() + b.node_offset, &f.category_words_);
    }
    f.blocks_.push_back(b);
    pending.clear();
  };
  for (std::size_t i = 0; i < spec.trees.size(); ++i) {
    const bool categorical = !spec.trees[i].categories.empty();
    f.num_categorical_trees_ += categorical ? 1 : 0;
    // Categorical splits take the padded layout only with the NaN-free scratch row (see
    // CategoricalBlockTile).
    if (depths[i] <= static_cast<std::uint32_t>(kMaxPerfectDepth) &&
        (!categorical || f.sentinel_)) {
      pending.push_back(i);
      if (pending.size() == static_cast<std::size_t>(kBlockWidth))
        flush();
      continue;
    }
    flush();
    // Breadth-first renumbering puts each node's children side by side.
    const SpecTree& t = spec.trees[i];
    DeepSlot slot;
    slot.before_block = static_cast<std::uint32_t>(f.blocks_.size());
    slot.tree.tree = static_cast<std::uint32_t>(i);
    slot.tree.node_offset = static_cast<std::uint32_t>(f.deep_feature_.size());
    std::vector<std::int32_t> order = {0};
    std::vector<std::int32_t> renumbered(t.left.size(), -1);
    renumbered[0] = 0;
    for (std::size_t k = 0; k < order.size(); ++k) {
      const std::int32_t node = order[k];
      if (t.left[node] >= 0) {
        renumbered[t.left[node]] = static_cast<std::int32_t>(order.size());
        order.push_back(t.left[node]);
        renumbered[t.right[node]] = static_cast<std::int32_t>(order.size());
        order.push_back(t.right[node]);
      }
    }
    for (const std::int32_t node : order) {
      const bool leaf = t.left[node] < 0;
      f.deep_feature_.push_back(leaf ? 0 : FeatureWord(t, node, nf));
      f.deep_value_.push_back(t.value[node]);
      f.deep_left_.push_back(leaf ? -1 : renumbered[t.left[node]]);
      f.deep_category_.push_back(leaf || !t.is_categorical(node)
                                     ? 0
                                     : AppendCategoryBits(t.categories[node], &f.category_words_));
    }
    f.deep_.push_back(slot);
  }
  flush();
  return f;
}

// Scalar on purpose: the W walks are independent chains the CPU overlaps; auto-vectorized, GCC
// shuffles the offsets through memory and runs 3x slower.
template <int W>
__attribute__((optimize("no-tree-vectorize"))) void CompiledForest::BlockTile(
    const Block& b, const float* raw, const float* scratch, std::size_t rows, float* acc) const {
  const std::uint32_t inner = (1u << b.depth) - 1;
  const std::uint32_t* feature = feature_.data() + b.node_offset;
  const float* threshold = threshold_.data() + b.node_offset;
  const float* leaf = leaf_.data() + b.leaf_offset - inner * W;  // indexed by q + t at the end
  const std::uint32_t* group = tree_group_.data() + b.first_tree;
  const std::size_t g = static_cast<std::size_t>(num_groups_);
  const std::uint32_t nf = static_cast<std::uint32_t>(num_features_);
  for (std::size_t r = 0; r < rows; ++r) {
    std::size_t q[W] =
        {};  // per tree: j * W for the node j it is at (64-bit: folds into addresses)
    if (scratch != nullptr) {
      const float* x = scratch + r * 2 * num_features_;
      for (std::uint32_t level = 0; level < b.depth; ++level) {
#pragma GCC unroll 8
        for (int t = 0; t < W; ++t) {
          const std::size_t n = q[t] + t;
          const std::size_t right = !(x[feature[n]] < threshold[n]);
          q[t] = 2 * q[t] + W + W * right;
        }
      }
    } else {
      const float* x = raw + r * num_features_;
      for (std::uint32_t level = 0; level < b.depth; ++level) {
#pragma GCC unroll 8
        for (int t = 0; t < W; ++t) {
          const std::size_t n = q[t] + t;
          const std::uint32_t u = feature[n];
          const std::uint32_t default_left = u >= nf;
          const float v = x[u - (default_left ? nf : 0)];
          const std::size_t left = static_cast<std::size_t>(v < threshold[n]) |
                                   (static_cast<std::size_t>(v != v) & default_left);
          q[t] = 2 * q[t] + 2 * W - W * left;
        }
      }
    }
    float* a = acc + r * g;
    if (g == 1) {
      float sum = a[0];
#pragma GCC unroll 8
      for (int t = 0; t < W; ++t)
        sum += leaf[q[t] + t];
      a[0] = sum;
    } else {
      for (int t = 0; t < W; ++t)
        a[group[t]] += leaf[q[t] + t];
    }
  }
}

// A block with categorical splits, on the scratch rows (missing values are +inf where they go
// right and -inf where they go left, as for numerical splits). A categorical node goes right for
// +inf and for a category in its set; -inf is in no set. Each node tests both ways and keeps the
// one its kind asks for, so the walk stays branch-free.
template <int W>
__attribute__((optimize("no-tree-vectorize"))) void CompiledForest::CategoricalBlockTile(
    const Block& b, const float* scratch, std::size_t rows, float* acc) const {
  const std::uint32_t inner = (1u << b.depth) - 1;
  const std::uint32_t* feature = feature_.data() + b.node_offset;
  const float* threshold = threshold_.data() + b.node_offset;
  const std::int32_t* category = block_category_.data() + b.node_offset;
  const std::uint32_t* words = category_words_.data();
  const float* leaf = leaf_.data() + b.leaf_offset - inner * W;
  const std::uint32_t* group = tree_group_.data() + b.first_tree;
  const std::size_t g = static_cast<std::size_t>(num_groups_);
  for (std::size_t r = 0; r < rows; ++r) {
    std::size_t q[W] = {};
    const float* x = scratch + r * 2 * num_features_;
    for (std::uint32_t level = 0; level < b.depth; ++level) {
#pragma GCC unroll 8
      for (int t = 0; t < W; ++t) {
        const std::size_t n = q[t] + t;
        const float v = x[feature[n]];
        const std::int32_t c = category[n];
        const bool in = InCategories(words + c, v) | (v == std::numeric_limits<float>::infinity());
        const std::size_t right = c != 0 ? in : !(v < threshold[n]);
        q[t] = 2 * q[t] + W + W * right;
      }
    }
    float* a = acc + r * g;
    for (int t = 0; t < W; ++t)
      a[group[t]] += leaf[q[t] + t];
  }
}

void CompiledForest::CategoricalBlock(const Block& b, const float* scratch, std::size_t rows,
                                      float* acc) const {
  switch (b.width) {
    case 8:
      return CategoricalBlockTile<8>(b, scratch, rows, acc);
    case 7:
      return CategoricalBlockTile<7>(b, scratch, rows, acc);
    case 6:
      return CategoricalBlockTile<6>(b, scratch, rows, acc);
    case 5:
      return CategoricalBlockTile<5>(b, scratch, rows, acc);
    case 4:
      return CategoricalBlockTile<4>(b, scratch, rows, acc);
    case 3:
      return CategoricalBlockTile<3>(b, scratch, rows, acc);
    case 2:
      return CategoricalBlockTile<2>(b, scratch, rows, acc);
    default:
      return CategoricalBlockTile<1>(b, scratch, rows, acc);
  }
}

// Up to kBlockWidth trees walked side by side, one node per tree per step and no branch per node
// (a tree at its leaf stays there), so the walks overlap in the CPU as the blocks' do. A node
// tests its category bit set and its threshold both and keeps the one its kind asks for.
void CompiledForest::DeepLeaves(const DeepSlot* slots, std::size_t count, const float* row,
                                float* leaves) const {
  const std::uint32_t nf = static_cast<std::uint32_t>(num_features_);
  const std::uint32_t* feature = deep_feature_.data();
  const float* value = deep_value_.data();
  const std::int32_t* left = deep_left_.data();
  const std::int32_t* category = deep_category_.data();
  const std::uint32_t* words = category_words_.data();
  std::uint32_t n[kBlockWidth];
  std::uint32_t base[kBlockWidth];
  for (std::size_t k = 0; k < static_cast<std::size_t>(kBlockWidth); ++k) {
    base[k] = slots[k < count ? k : 0].tree.node_offset;  // extra lanes repeat the first tree
    n[k] = base[k];
  }
  while (true) {
    bool moved = false;
#pragma GCC unroll 8
    for (int k = 0; k < kBlockWidth; ++k) {
      const std::uint32_t at = n[k];
      const std::int32_t l = left[at];
      const std::uint32_t u = feature[at];
      const bool default_left = u >= nf;
      const float v = row[u - (default_left ? nf : 0)];
      const bool missing = v != v;
      const std::int32_t cat = category[at];
      const bool in = InCategories(words + cat, v);
      const bool go_left = missing ? default_left : (cat != 0 ? !in : v < value[at]);
      const bool leaf = l < 0;
      n[k] = leaf ? at : base[k] + static_cast<std::uint32_t>(l) + (go_left ? 0u : 1u);
      moved |= !leaf;
    }
    if (!moved)
      break;
  }
  for (std::size_t k = 0; k < count; ++k)
    leaves[k] = value[n[k]];
}

void CompiledForest::AccumulateTile(const float* raw, const float* scratch, std::size_t rows,
                                    float* acc) const {
  const std::size_t g = static_cast<std::size_t>(num_groups_);
  std::size_t d = 0;
  for (std::size_t b = 0; b <= blocks_.size(); ++b) {
    // The deep trees before block b, kBlockWidth at a time, summed in tree order.
    while (d < deep_.size() && deep_[d].before_block == b) {
      std::size_t count = 1;
      while (count < static_cast<std::size_t>(kBlockWidth) && d + count < deep_.size() &&
             deep_[d + count].before_block == b)
        ++count;
      float leaves[kBlockWidth];
      for (std::size_t r = 0; r < rows; ++r) {
        DeepLeaves(&deep_[d], count, raw + r * num_features_, leaves);
        for (std::size_t k = 0; k < count; ++k)
          acc[r * g + tree_group_[deep_[d + k].tree.tree]] += leaves[k];
      }
      d += count;
    }
    if (b == blocks_.size())
      break;
    const Block& blk = blocks_[b];
    if (blk.categorical) {
      CategoricalBlock(blk, scratch, rows, acc);
      continue;
    }
    switch (blk.width) {
      case 8:
        BlockTile<8>(blk, raw, scratch, rows, acc);
        break;
      case 7:
        BlockTile<7>(blk, raw, scratch, rows, acc);
        break;
      case 6:
        BlockTile<6>(blk, raw, scratch, rows, acc);
        break;
      case 5:
        BlockTile<5>(blk, raw, scratch, rows, acc);
        break;
      case 4:
        BlockTile<4>(blk, raw, scratch, rows, acc);
        break;
      case 3:
        BlockTile<3>(blk, raw, scratch, rows, acc);
        break;
      case 2:
        BlockTile<2>(blk, raw, scratch, rows, acc);
        break;
      default:
        BlockTile<1>(blk, raw, scratch, rows, acc);
        break;
    }
  }
}

void CompiledForest::Transform(const float* m, float* out) const {
  const int g = num_groups_;
  switch (output_) {
    case ForestOutput::kIdentity:
      std::copy(m, m + g, out);
      return;
    case ForestOutput::kSigmoid:
      for (int k = 0; k < g; ++k)
        out[k] = 1.0f / (1.0f + std::exp(-m[k]));
      return;
    case ForestOutput::kExp:
      for (int k = 0; k < g; ++k)
        out[k] = std::exp(m[k]);
      return;
    case ForestOutput::kHinge:
      for (int k = 0; k < g; ++k)
        out[k] = m[k] > 0.0f ? 1.0f : 0.0f;
      return;
    case ForestOutput::kSoftmax: {
      // As XGBoost's common::Softmax: float exponentials, a double sum.
      float wmax = m[0];
      for (int k = 1; k < g; ++k)
        wmax = std::fmax(m[k], wmax);
      double wsum = 0;
      for (int k = 0; k < g; ++k) {
        out[k] = std::exp(m[k] - wmax);
        wsum += out[k];
      }
      for (int k = 0; k < g; ++k)
        out[k] /= static_cast<float>(wsum);
      return;
    }
    case ForestOutput::kArgMax: {
      int best = 0;
      for (int k = 1; k < g; ++k) {
        if (m[k] > m[best])
          best = k;
      }
      out[0] = static_cast<float>(best);
      return;
    }
  }
}

std::size_t CompiledForest::TileRows() const {
  std::size_t rows = kTileRows;
  if (sentinel_)
    rows = std::min(rows, kScratchFloats / (2 * num_features_));
  if (output_ == ForestOutput::kArgMax)
    rows = std::min(rows, kMaxGroups / static_cast<std::size_t>(num_groups_));
  return std::max<std::size_t>(rows, 1);
}

template <bool kTransform>
void CompiledForest::Predict(const float* rows, std::size_t num_rows, float* out) const {
  const std::size_t g = static_cast<std::size_t>(num_groups_);
  const std::size_t nf = num_features_;
  const bool argmax = kTransform && output_ == ForestOutput::kArgMax;
  float scratch[kScratchFloats];
  float margins[kMaxGroups];
  const std::size_t tile = TileRows();
  for (std::size_t begin = 0; begin < num_rows; begin += tile) {
    const std::size_t n = std::min(tile, num_rows - begin);
    const float* raw = rows + begin * nf;
    if (sentinel_) {
      for (std::size_t r = 0; r < n; ++r) {
        const float* x = raw + r * nf;
        float* right = scratch + r * 2 * nf;
        float* left = right + nf;
        for (std::size_t c = 0; c < nf; ++c) {
          const bool missing = std::isnan(x[c]);
          right[c] = missing ? std::numeric_limits<float>::infinity() : x[c];
          left[c] = missing ? -std::numeric_limits<float>::infinity() : x[c];
        }
        if (categorical_blocks_) {
          // +inf now means "missing, goes right"; a present +inf is in no category set and
          // above every finite threshold, as the largest float is.
          for (std::size_t c = 0; c < nf; ++c) {
            if (x[c] == std::numeric_limits<float>::infinity())
              right[c] = left[c] = std::numeric_limits<float>::max();
          }
        }
      }
    }
    float* acc = argmax ? margins : out + begin * g;
    std::fill(acc, acc + n * g, base_margin_);
    AccumulateTile(raw, sentinel_ ? scratch : nullptr, n, acc);
    if (!kTransform)
      continue;
    for (std::size_t r = 0; r < n; ++r) {
      if (argmax)
        Transform(acc + r * g, out + begin + r);
      else
        Transform(acc + r * g, acc + r * g);
    }
  }
}

void CompiledForest::PredictRow(const float* row, float* out) const { Predict<true>(row, 1, out); }

void CompiledForest::PredictBatch(const float* rows, std::size_t num_rows, float* out) const {
  Predict<true>(rows, num_rows, out);
}

void CompiledForest::PredictMargin(const float* rows, std::size_t num_rows, float* out) const {
  Predict<false>(rows, num_rows, out);
}

std::string CompiledForest::Describe() const {
  const std::string categorical =
      num_categorical_trees_ == 0
          ? ""
          : ", " + std::to_string(num_categorical_trees_) + " of them with categorical splits";
  return std::to_string(num_trees_) + " trees (" + std::to_string(blocks_.size()) +
         " blocks of perfect trees, " + std::to_string(deep_.size()) + " walked node by node" +
         categorical + "), " + std::to_string(num_features_) + " features, " +
         std::to_string(num_outputs()) + (num_outputs() == 1 ? " output" : " outputs");
}

}  // namespace kiln
