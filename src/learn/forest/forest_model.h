// ForestModel: a trained random forest or extra-trees ensemble (learned state only).
//
// Margin space. Every node stores margins: regression the weighted mean target; binary the
// log-odds of its smoothed class-1 probability; multiclass the log of each smoothed class
// probability, p_k = (w_k + a) / (w + K a), with w_k the node's weighted rows of class k and the
// smoothing a = LeafSmoothing(K) = 2 / K: Laplace's rule (a = 1) for binary, the same total
// pseudo-count of 2 spread over the classes for multiclass. (On 5-fold CV, a = 1 beat a = 0.5 on
// log loss for credit-g and adult; for car, K = 4, a = 0.5 beat a = 1 by far.) PredictMargin is the
// mean over trees of the leaf margins; Predict applies the sigmoid (binary), softmax (multiclass)
// or identity (regression) to it — a geometric (logit-space) average of the trees' probabilities,
// so the forest and its explanations are additive in the same space. Contributions: exact
// path-dependent TreeSHAP per tree (tree_shap.h), averaged over trees; the bias is the mean of the
// trees' expected margins.
//
// Serialized format, version 1, all integers and floats little-endian:
//   offset  size  field
//        0     4  magic "KFOR"
//        4     4  u32 version = 1
//        8     1  u8 algorithm (0 random_forest, 1 extra_trees)
//        9     1  u8 task (0 binary, 1 multiclass, 2 regression)
//       10     1  u8 stop (0 completed, 1 deadline)
//       11     1  u8 reserved = 0
//       12     4  u32 num_classes (2 binary, K multiclass, 0 regression)
//       16     4  u32 num_features
//       20     4  u32 num_outputs (1, or K for multiclass)
//       24     4  u32 num_trees (>= 1)
//       28        the trees, one after another, each:
//                   u32 num_nodes (n >= 1)
//                   n  x i32 feature (-1 leaf)
//                   n  x f32 threshold (left when x <= threshold; 0 for leaves)
//                   n  x i32 left child (0 for leaves)
//                   n  x i32 right child (0 for leaves)
//                   n  x u8  default_left (where NaN goes; 0 right, 1 left)
//                   n  x f32 cover (weighted training rows, > 0)
//                   n * num_outputs x f64 margins, node-major
// Nothing follows. Any other length, or trees that break ForestTree::Validate, is Corruption.
//
// Thread-safety: immutable after construction; Predict, PredictMargin and Contributions are safe
// from many threads.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "learn/forest/forest_params.h"
#include "learn/forest/forest_tree.h"
#include "learn/learner.h"

namespace kiln {

class ForestModel final : public Model {
 public:
  // The smoothing a of leaf class probabilities for `num_classes` classes (see the class comment).
  static constexpr double LeafSmoothing(int num_classes) { return 2.0 / num_classes; }

  enum class Stop : std::uint8_t { kCompleted, kDeadline };

  // REQUIRES !trees.empty() and every tree Validate(num_features, NumOutputs(task, num_classes)).
  ForestModel(ForestKind kind, Task task, int num_classes, int num_features,
              std::vector<ForestTree> trees, Stop stop);

  // Decodes Serialize()'s bytes; Corruption when they are malformed or describe another
  // algorithm, task or class count than expected.
  static Result<std::unique_ptr<ForestModel>> Load(ForestKind kind, std::string_view bytes,
                                                   Task task, int num_classes);

  std::string algorithm() const override { return ForestKindName(kind_); }
  Task task() const override { return task_; }
  int num_classes() const override { return num_classes_; }
  // Both write NaNs when x.cols differs from the columns trained on (the REQUIRES of Model).
  void Predict(const Matrix& x, std::vector<double>* out) const override;
  void PredictMargin(const Matrix& x, std::vector<double>* out) const override;
  // rows x outputs x (cols + 1), bias last; InvalidArgument when x.cols differs from training.
  // Cost: O(total nodes x depth) per row.
  Result<std::vector<double>> Contributions(const Matrix& x) const override;
  // n_estimators, mean_depth, max_depth, mean_leaves, num_features, stop ("completed",
  // "deadline").
  std::map<std::string, std::string> Info() const override;
  Result<std::string> Serialize() const override;

  int num_features() const { return num_features_; }
  const std::vector<ForestTree>& trees() const { return trees_; }

 private:
  ForestKind kind_;
  Task task_;
  int num_classes_;
  int num_features_;
  std::vector<ForestTree> trees_;
  Stop stop_;
  std::vector<int> depths_;   // per tree
  std::vector<double> bias_;  // mean expected margin per output
};

}  // namespace kiln
