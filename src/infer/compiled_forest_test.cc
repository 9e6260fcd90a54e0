// CompiledForest on hand-built ensembles: the padding of shallow leaves, missing values both ways,
// infinities, deep trees, tails of blocks, groups and output transforms, concurrent use.
#include "infer/compiled_forest.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <thread>

namespace kiln {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

// x[feature] < threshold ? left leaf : right leaf; NaN goes left when default_left.
SpecTree Stump(int feature, float threshold, float left, float right, bool default_left,
               int group = 0) {
  SpecTree t;
  t.left = {1, -1, -1};
  t.right = {2, -1, -1};
  t.feature = {feature, 0, 0};
  t.value = {threshold, left, right};
  t.default_left = {static_cast<std::uint8_t>(default_left), 0, 0};
  t.group = group;
  return t;
}

// A chain: node i splits on feature i % features at threshold 0; left is a leaf of value i+1,
// right continues; the last right leaf is 100. Depth `depth`.
SpecTree Chain(int depth, int features) {
  SpecTree t;
  for (int i = 0; i < depth; ++i) {
    const int node = static_cast<int>(t.left.size());
    t.left.push_back(node + 1);
    t.right.push_back(node + 2);
    t.feature.push_back(i % features);
    t.value.push_back(0);
    t.default_left.push_back(i % 2);
    t.left.push_back(-1);
    t.right.push_back(-1);
    t.feature.push_back(0);
    t.value.push_back(static_cast<float>(i + 1));
    t.default_left.push_back(0);
  }
  t.left.push_back(-1);
  t.right.push_back(-1);
  t.feature.push_back(0);
  t.value.push_back(100);
  t.default_left.push_back(0);
  return t;
}

// What a chain predicts for `x`.
float ChainValue(int depth, int features, const std::vector<float>& x) {
  for (int i = 0; i < depth; ++i) {
    const float v = x[i % features];
    const bool left = std::isnan(v) ? i % 2 == 1 : v < 0;
    if (left)
      return static_cast<float>(i + 1);
  }
  return 100;
}

// A chain of categorical splits: node i splits on feature i % features, its categories {i % 5, 7}
// going right (the chain goes on), the others left to a leaf of value i + 1; NaN goes left when i
// is odd. The last right leaf is 100.
SpecTree CategoricalChain(int depth, int features) {
  SpecTree t = Chain(depth, features);
  t.categories.assign(t.left.size(), {});
  for (int i = 0; i < depth; ++i)
    t.categories[static_cast<std::size_t>(2 * i)] = {i % 5, 7};
  return t;
}

// What a categorical chain predicts for `x`, as XGBoost decides its splits.
float CategoricalChainValue(int depth, int features, const std::vector<float>& x) {
  for (int i = 0; i < depth; ++i) {
    const float v = x[i % features];
    if (std::isnan(v)) {
      if (i % 2 == 1)
        return static_cast<float>(i + 1);
      continue;
    }
    const bool valid = v >= 0 && v < 16777216.0f;
    const int c = valid ? static_cast<int>(v) : -1;
    if (!(c == i % 5 || c == 7))
      return static_cast<float>(i + 1);
  }
  return 100;
}

CompiledForest MustCompile(const ForestSpec& spec) {
  Result<CompiledForest> f = CompiledForest::Compile(spec);
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return f.ok() ? std::move(f).value() : CompiledForest();
}

float One(const CompiledForest& f, std::vector<float> x) {
  float out = kNaN;
  f.PredictRow(x.data(), &out);
  return out;
}

TEST(CompiledForest, AStumpSplitsStrictlyBelowItsThreshold) {
  ForestSpec spec;
  spec.num_features = 2;
  spec.base_margin = 0.5f;
  spec.trees = {Stump(1, 3.0f, -1, 1, false)};
  const CompiledForest f = MustCompile(spec);
  EXPECT_EQ(One(f, {0, 2.999f}), -0.5f);
  EXPECT_EQ(One(f, {0, 3.0f}), 1.5f);
  EXPECT_EQ(One(f, {0, -kInf}), -0.5f);
  EXPECT_EQ(One(f, {0, kInf}), 1.5f);
}

TEST(CompiledForest, MissingValuesFollowTheDefaultDirection) {
  ForestSpec spec;
  spec.num_features = 2;
  spec.trees = {Stump(0, 1, 1, 2, true), Stump(1, 1, 10, 20, false)};
  const CompiledForest f = MustCompile(spec);
  EXPECT_EQ(One(f, {kNaN, kNaN}), 1 + 20);
  EXPECT_EQ(One(f, {5, kNaN}), 2 + 20);
  EXPECT_EQ(One(f, {kNaN, 0}), 1 + 10);
}

TEST(CompiledForest, InfiniteThresholdsTakeTheNanCheckingWalk) {
  ForestSpec spec;
  spec.num_features = 1;
  spec.trees = {Stump(0, kInf, 1, 2, false), Stump(0, -kInf, 10, 20, true)};
  const CompiledForest f = MustCompile(spec);
  EXPECT_EQ(One(f, {0}), 1 + 20);
  EXPECT_EQ(One(f, {kInf}), 2 + 20);
  EXPECT_EQ(One(f, {-kInf}), 1 + 20);
  EXPECT_EQ(One(f, {kNaN}), 2 + 10);
}

TEST(CompiledForest, ShallowLeavesDeepChainsAndBlockTailsAgreeWithAWalk) {
  for (int features : {1, 3, 2500}) {  // 2500: beyond the scratch row, the NaN-checking walk
    ForestSpec spec;
    spec.num_features = static_cast<std::size_t>(features);
    const std::vector<int> depths = {0, 1, 3, 6, 10, 11, 25, 2, 7, 9, 4, 1, 30, 5};
    for (int d : depths)
      spec.trees.push_back(Chain(d, features));
    const CompiledForest f = MustCompile(spec);
    EXPECT_EQ(f.num_trees(), depths.size());
    std::uint64_t state = 1;
    std::vector<float> rows;
    const int n = 200;
    for (int r = 0; r < n; ++r) {
      for (int c = 0; c < features; ++c) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        const int pick = static_cast<int>(state >> 60);
        rows.push_back(pick == 0 ? kNaN : pick < 8 ? -1.0f : 1.0f);
      }
    }
    std::vector<float> got(n);
    f.PredictBatch(rows.data(), n, got.data());
    for (int r = 0; r < n; ++r) {
      const std::vector<float> x(rows.begin() + r * features, rows.begin() + (r + 1) * features);
      float want = 0;
      for (int d : depths)
        want += ChainValue(d, features, x);
      ASSERT_EQ(got[r], want) << "features " << features << ", row " << r;
      ASSERT_EQ(One(f, x), want);
    }
  }
}

TEST(CompiledForest, GroupsAndTransforms) {
  ForestSpec spec;
  spec.num_features = 1;
  spec.num_groups = 3;
  spec.trees = {Stump(0, 0, 1, 0, false, 0), Stump(0, 0, 0, 2, false, 1),
                Stump(0, 0, 0.5f, 0.5f, false, 2)};
  spec.output = ForestOutput::kIdentity;
  const CompiledForest id = MustCompile(spec);
  std::vector<float> out(3);
  const float neg = -1;
  id.PredictRow(&neg, out.data());
  EXPECT_EQ(out, (std::vector<float>{1, 0, 0.5f}));
  spec.output = ForestOutput::kArgMax;
  const CompiledForest argmax = MustCompile(spec);
  EXPECT_EQ(argmax.num_outputs(), 1);
  EXPECT_EQ(One(argmax, {-1}), 0);
  EXPECT_EQ(One(argmax, {1}), 1);
  spec.output = ForestOutput::kSoftmax;
  const CompiledForest softmax = MustCompile(spec);
  softmax.PredictRow(&neg, out.data());
  EXPECT_NEAR(out[0] + out[1] + out[2], 1, 1e-6);
  EXPECT_GT(out[0], out[2]);
  std::vector<float> margins(3);
  softmax.PredictMargin(&neg, 1, margins.data());
  EXPECT_EQ(margins, (std::vector<float>{1, 0, 0.5f}));

  ForestSpec one;
  one.num_features = 1;
  one.trees = {Stump(0, 0, -2, 3, false)};
  one.output = ForestOutput::kSigmoid;
  EXPECT_FLOAT_EQ(One(MustCompile(one), {-1}), 1 / (1 + std::exp(2.0f)));
  one.output = ForestOutput::kExp;
  EXPECT_FLOAT_EQ(One(MustCompile(one), {1}), std::exp(3.0f));
  one.output = ForestOutput::kHinge;
  EXPECT_EQ(One(MustCompile(one), {1}), 1);
  EXPECT_EQ(One(MustCompile(one), {-1}), 0);
}

TEST(CompiledForest, NoTreesPredictsTheBaseMargin) {
  ForestSpec spec;
  spec.num_features = 4;
  spec.base_margin = 0.25f;
  EXPECT_EQ(One(MustCompile(spec), {1, 2, 3, 4}), 0.25f);
}

TEST(CompiledForest, MalformedTreesAreRefusedWithWhere) {
  auto error = [](SpecTree t, std::size_t features = 2, int groups = 1) {
    ForestSpec spec;
    spec.num_features = features;
    spec.num_groups = groups;
    spec.trees = {Stump(0, 1, 1, 2, false), std::move(t)};
    Result<CompiledForest> f = CompiledForest::Compile(spec);
    EXPECT_FALSE(f.ok());
    return f.ok() ? std::string() : f.error().message();
  };
  SpecTree t = Stump(0, 1, 1, 2, false);
  t.left[0] = 7;
  EXPECT_NE(error(t).find("tree 1, node 0: child 7 is not a node"), std::string::npos);
  t = Stump(0, 1, 1, 2, false);
  t.left[0] = 0;
  EXPECT_NE(error(t).find("reached twice"), std::string::npos);
  t = Stump(0, 1, 1, 2, false);
  t.left[1] = 2;
  t.right[1] = 1;  // a cycle below the root
  EXPECT_NE(error(t).find("reached twice"), std::string::npos);
  t = Stump(5, 1, 1, 2, false);
  EXPECT_NE(error(t).find("splits on feature 5"), std::string::npos);
  t = Stump(0, 1, 1, 2, false, 3);
  EXPECT_NE(error(t).find("adds to output 3"), std::string::npos);
  t = Stump(0, 1, 1, 2, false);
  t.value.pop_back();
  EXPECT_NE(error(t).find("differ in length"), std::string::npos);
  EXPECT_NE(error(SpecTree{}).find("no nodes"), std::string::npos);
  t = Stump(0, 1, 1, 2, false);
  t.right[0] = -1;  // half a split
  EXPECT_NE(error(t).find("child -1"), std::string::npos);
  EXPECT_NE(error(Stump(0, 1, 1, 2, false), 0).find("0 features"), std::string::npos);
  EXPECT_NE(error(Stump(0, 1, 1, 2, false), 2, 0).find("outputs per row"), std::string::npos);
}

TEST(CompiledForest, ManyThreadsPredictTheSame) {
  ForestSpec spec;
  spec.num_features = 3;
  for (int d = 0; d < 40; ++d)
    spec.trees.push_back(Chain(d % 12, 3));
  const CompiledForest f = MustCompile(spec);
  std::vector<float> rows(3 * 100);
  for (std::size_t i = 0; i < rows.size(); ++i)
    rows[i] = i % 7 == 0 ? kNaN : (i % 3 == 0 ? -1.0f : 1.0f);
  std::vector<float> want(100);
  f.PredictBatch(rows.data(), 100, want.data());
  std::vector<int> bad(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::vector<float> got(100);
      for (int i = 0; i < 200; ++i) {
        f.PredictBatch(rows.data(), 100, got.data());
        bad[t] += got != want;
        float one = 0;
        f.PredictRow(&rows[3 * (i % 100)], &one);
        bad[t] += one != want[i % 100];
      }
    });
  }
  for (auto& th : threads)
    th.join();
  EXPECT_EQ(bad, (std::vector<int>(4, 0)));
}

// Categorical splits in the padded layout (shallow trees), walked node by node (deep trees, and
// shallow ones when an infinite threshold rules the scratch row out), on categories in and out of
// the sets, fractions, negatives, infinities, huge codes and missing values.
TEST(CompiledForest, CategoricalSplitsGoRightForTheirCategories) {
  const std::vector<float> values = {kNaN, -1, 0,    1, 2,     3,    4,     5,
                                     6,    7,  7.5f, 9, 1e30f, kInf, -kInf, 16777216.0f};
  for (const bool infinite_threshold : {false, true}) {
    for (const int depth : {4, 9, 14}) {
      ForestSpec spec;
      spec.num_features = 3;
      spec.trees = {CategoricalChain(depth, 3), Chain(3, 3), CategoricalChain(depth / 2, 2)};
      if (infinite_threshold)
        spec.trees.push_back(Stump(2, kInf, 0, 0, false));
      const CompiledForest f = MustCompile(spec);
      for (std::size_t i = 0; i < values.size(); ++i) {
        for (std::size_t j = 0; j < values.size(); j += 3) {
          const std::vector<float> x = {values[i], values[j], values[(i + j) % values.size()]};
          const float want = CategoricalChainValue(depth, 3, x) + ChainValue(3, 3, x) +
                             CategoricalChainValue(depth / 2, 2, x);
          ASSERT_EQ(One(f, x), want) << "depth " << depth << ", inf " << infinite_threshold
                                     << ", x " << x[0] << " " << x[1] << " " << x[2];
        }
      }
    }
  }
}

}  // namespace
}  // namespace kiln
