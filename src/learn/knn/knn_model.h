// KnnModel: a fitted k-nearest-neighbours model — the training rows, their labels and row weights,
// and the search settings (n_neighbors, weighting, Minkowski p).
//
// Predict: classification gives the (weighted) share of neighbour votes per class (binary: of
// class 1), as scikit-learn's predict_proba; regression the (weighted) mean of the neighbours'
// labels. A neighbour's weight is its training row weight, times 1 / distance for "distance"
// weighting (when some neighbours are at distance 0, only those count, as in scikit-learn).
// PredictMargin: the regression value; for classification the vote shares are first smoothed
// with one extra vote spread evenly over the classes, p' = (k p + 1 / K) / (k + 1), so margins
// are finite: the log-odds log(p' / (1 - p')) of class 1 (binary, |margin| <= log(2k + 1)) or
// log p' per class (multiclass; the softmax of these is p').
//
// Predict searches on kPredictThreads threads when the batch spans more than one block of 256
// rows, else on the caller's thread only; Kneighbors takes an explicit thread count. Non-finite
// query values are treated as 0.
//
// Serialized format, version 1, little-endian:
//   offset  size  field
//        0     4  magic "KKNN"
//        4     4  u32 version = 1
//        8     1  u8 task (0 binary, 1 multiclass, 2 regression)
//        9     1  u8 weights (0 uniform, 1 distance)
//       10     1  u8 p (1 or 2)
//       11     1  u8 reserved = 0
//       12     4  u32 num_classes (2 binary, K multiclass, 0 regression)
//       16     4  u32 n_neighbors (1 ..= rows)
//       20     8  u64 rows (< 2^32)
//       28     4  u32 cols (>= 1)
//       32     4 * rows * cols  f32 training features, row-major (finite)
//        …     4 * rows  f32 labels (class indices 0..K-1, or finite values)
//        …     4 * rows  f32 row weights (finite, > 0)
// Nothing follows; any other length or value is Corruption.
//
// Thread-safety: immutable after construction; Predict is safe from many threads.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "learn/knn/brute_force_index.h"
#include "learn/learner.h"

namespace kiln {

class KnnModel final : public Model {
 public:
  // Search threads used by Predict / PredictMargin for batches of more than 256 rows.
  static constexpr int kPredictThreads = 2;

  struct Settings {
    int n_neighbors = 5;
    bool distance_weights = false;
    int p = 2;
  };

  // REQUIRES 1 <= settings.n_neighbors <= train.rows < 2^32, train.cols >= 1, finite features;
  // labels and row_weights have train.rows entries, labels are class indices for classification,
  // weights are finite and > 0.
  KnnModel(Task task, int num_classes, Settings settings, Matrix train, std::vector<float> labels,
           std::vector<float> row_weights);

  // Decodes Serialize()'s bytes; Corruption if they are malformed or describe another task or
  // class count than expected.
  static Result<std::unique_ptr<KnnModel>> Load(std::string_view bytes, Task task, int num_classes);

  std::string algorithm() const override { return "knn"; }
  Task task() const override { return task_; }
  int num_classes() const override { return num_classes_; }
  void Predict(const Matrix& x, std::vector<double>* out) const override;
  // Smoothed log-probabilities (see the class comment); the value for regression.
  void PredictMargin(const Matrix& x, std::vector<double>* out) const override;
  // n_neighbors, p, weights, training_rows.
  std::map<std::string, std::string> Info() const override;
  Result<std::string> Serialize() const override;

  // The n_neighbors nearest training rows of every row of x, nearest first (see BruteForceIndex).
  void Kneighbors(const Matrix& x, int num_threads, std::vector<std::uint32_t>* indices,
                  std::vector<double>* distances) const;

  const Settings& settings() const { return settings_; }
  const Matrix& train() const { return index_.train(); }
  std::span<const float> labels() const { return labels_; }
  std::span<const float> row_weights() const { return row_weights_; }

 private:
  Task task_;
  int num_classes_;
  Settings settings_;
  BruteForceIndex index_;
  std::vector<float> labels_;
  std::vector<float> row_weights_;
};

}  // namespace kiln
