// ForestSpec: a tree ensemble as a model format describes it (nodes in the format's own order),
// the input CompiledForest::Compile lays out for serving. Compilers from model formats
// (xgboost_forest.h) fill it; nothing predicts from it directly.
//
// A plain value; not thread-safe to mutate.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kiln {

// The function from a row's summed margins to its outputs.
enum class ForestOutput {
  kIdentity,  // margins as they are (regression, binary:logitraw, rank:*)
  kSigmoid,   // 1 / (1 + exp(-m)) per output (binary:logistic, reg:logistic)
  kExp,       // exp(m) (count:poisson, reg:gamma, reg:tweedie, survival:*)
  kSoftmax,   // a probability per class (multi:softprob)
  kArgMax,    // one value: the index of the largest margin (multi:softmax)
  kHinge,     // 1 if m > 0 else 0 (binary:hinge)
};

// One binary decision tree; node 0 is the root. At an internal node, a row goes left when its
// feature value is missing (NaN) and default_left is set, or when value < threshold (float32
// comparison); otherwise right. Every array has one entry per node.
//
// Categorical splits (XGBoost's native categories): when `categories` is not empty it has one
// entry per node, empty at numerical splits and leaves. At a categorical split a present value
// goes right when it is one of the listed categories (compared as the integer the float truncates
// to), left when it is not, is negative or is at least 2^24; missing values go the default way.
struct SpecTree {
  std::vector<std::int32_t> left;   // left child, -1 at a leaf
  std::vector<std::int32_t> right;  // right child, -1 at a leaf
  std::vector<std::int64_t> feature;
  std::vector<float> value;  // the threshold at an internal node, the leaf value at a leaf
  std::vector<std::uint8_t> default_left;
  std::vector<std::vector<std::int32_t>> categories;  // see above; each list in [0, 2^24)
  int group = 0;  // the output (class) this tree adds its leaf value to

  bool is_categorical(std::size_t node) const {
    return !categories.empty() && !categories[node].empty();
  }
};

// Categories at or above this are never in a split's list (XGBoost's OutOfRangeCat, 2^24).
inline constexpr std::int32_t kMaxCategory = 1 << 24;

struct ForestSpec {
  std::size_t num_features = 0;
  int num_groups = 1;  // margins per row (classes for multiclass)
  float base_margin = 0;
  ForestOutput output = ForestOutput::kIdentity;
  std::vector<SpecTree> trees;  // summed in this order, in float32, starting from base_margin
};

}  // namespace kiln
