// TreeBuilder: grows one CART tree of a random forest or extra-trees ensemble on binned data.
//
// Each tree draws its rows (a bootstrap sample, or all rows), then splits nodes depth first. At a
// node it visits columns in random order until `max_features` non-constant ones have been tried
// (as scikit-learn, constant columns do not count). Random forest: the best split over every bin
// edge of each tried column. Extra-trees: one threshold per tried column, drawn uniformly between
// the column's smallest and largest value in the node (the bounds of its lowest and highest
// occupied bins) and rounded to the nearer bin edge; the best of those.
// Missing values: every candidate is scored with the node's missing rows sent left and sent right,
// and the better side becomes the split's default direction (when the node has no missing rows,
// the side with more weight). "Missing vs. present" (threshold +inf, missing right) is a candidate
// of its own for random forests, and extra-trees' only one on a column with a single present value.
// A node becomes a leaf when it is pure, too small (min_samples_split, 2 * min_samples_leaf),
// at max_depth, has no valid split, or its best split decreases impurity by less than
// min_impurity_decrease (scikit-learn's weighted definition).
//
// Leaf and node values are margins (see forest_model.h); covers are weighted row counts.
//
// Not thread-safe: one TreeBuilder per thread; it reuses its buffers from tree to tree.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "learn/forest/feature_bins.h"
#include "learn/forest/forest_params.h"
#include "learn/forest/forest_random.h"
#include "learn/forest/forest_tree.h"
#include "learn/task.h"

namespace kiln {

// What all trees of one fit share. Classification: `label` holds class indices; regression:
// `target` the values. `weight`: per row, sample weight x class weight, scaled to mean 1.
struct TreeTrainingData {
  const FeatureBins* bins = nullptr;
  Task task = Task::kRegression;
  int num_classes = 0;  // 2 binary, K multiclass, 0 regression
  std::vector<std::int32_t> label;
  std::vector<float> target;
  std::vector<double> weight;
};

// Settings resolved for the data set (counts, not fractions).
struct TreeOptions {
  ForestKind kind = ForestKind::kRandomForest;
  SplitCriterion criterion = SplitCriterion::kGini;
  int max_depth = ForestTree::kMaxDepth;
  std::size_t min_samples_split = 2;
  std::size_t min_samples_leaf = 1;
  std::size_t max_features = 1;
  double min_impurity_decrease = 0;
  bool bootstrap = true;
  std::size_t bootstrap_size = 0;  // rows drawn with replacement
  bool balanced_subsample = false;
  double leaf_smoothing = 1;  // a in p_k = (w_k + a) / (w + K a)
};

// The margins of a node with per-class weights `class_weight` (classification: K values, binary:
// log-odds of class 1, multiclass: log p_k) or, for regression, weighted target sum `sum` over
// weight `w` (the mean). Writes NumOutputs values to `out`.
void NodeMargins(Task task, int num_classes, double smoothing, double w, const double* sums,
                 double* out);

class TreeBuilder {
 public:
  // Keeps references to `data` and `options`; both must outlive the builder.
  TreeBuilder(const TreeTrainingData& data, const TreeOptions& options);

  // Grows the tree drawn from `seed` into *tree. Returns false, with *tree unspecified, when
  // `deadline` passes before it is complete.
  bool Build(std::uint64_t seed, std::chrono::steady_clock::time_point deadline, ForestTree* tree);

 private:
  struct Split;

  void SampleRows(std::uint64_t seed);
  // Adds `row` to a stats group: count, weight, and its weight (classification, at 2 + class) or
  // weighted target (regression, at 2).
  void Accumulate(std::uint32_t row, double* stats) const {
    const RowStat& s = row_stats_[row];
    stats[0] += 1;
    stats[1] += s.weight;
    stats[s.slot] += s.value;
  }
  double NegImpurity(const double* stats) const;
  bool IsPure(const double* stats, std::size_t begin, std::size_t end) const;
  std::int32_t AddNode(const double* stats, ForestTree* tree);
  // Compressed histogram of column `f` over rows_[begin, end) into entries_/missing_.
  void BuildHistogram(std::size_t f, std::size_t begin, std::size_t end);
  void Consider(std::size_t f, int edge, bool default_left, const double* left, const double* right,
                Split* best);
  void ScanAllEdges(std::size_t f, Split* best);
  // Extra-trees: scores one random edge of column `f`; false when `f` is constant in the node.
  bool TryRandomEdge(std::size_t f, std::size_t begin, std::size_t end, const double* stats,
                     ForestRandom* rng, Split* best);
  void ConsiderEdge(std::size_t f, int edge, const double* prefix, Split* best);
  std::size_t Partition(const Split& split, std::size_t begin, std::size_t end, double* left,
                        double* right);

  const TreeTrainingData& data_;
  const TreeOptions& opt_;
  int stride_;  // stats per group: count, weight, then K class weights or the weighted target sum
  int outputs_;

  struct RowStat {
    double weight;  // in this tree (multiplicity x row weight); 0 = not drawn
    double value;   // weight (classification) or weight x target (regression)
    std::int64_t slot;
  };
  std::vector<RowStat> row_stats_;       // per row
  std::vector<std::uint32_t> rows_;      // drawn rows, grouped by node
  std::vector<std::uint32_t> scratch_;   // partition buffer
  std::vector<std::uint32_t> keys_;      // small-node sort keys
  std::vector<double> dense_;            // 256 bins * stride_
  std::vector<std::uint8_t> entry_bin_;  // non-empty bins of the current histogram
  std::vector<double> entry_stats_;      // their stats
  std::vector<double> missing_, present_, prefix_, tmp_left_, tmp_right_, node_stats_;
  std::vector<std::size_t> features_;  // column order, shuffled in place
  std::vector<double> margins_;        // scratch for NodeMargins
};

}  // namespace kiln
