// CompiledKnn: transposing KnnModel's training rows and searching them; see the header.
#include "infer/compiled_knn.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "learn/knn/knn_model.h"

namespace kiln {
namespace {

constexpr std::size_t kBlock = 256;  // training rows whose distances are summed together
constexpr std::size_t kLanes = 8;    // rows per unrolled step (the padding unit)

}  // namespace

Result<CompiledKnn> CompiledKnn::Compile(const KnnModel& model) {
  const KnnModel::Settings& settings = model.settings();
  const Matrix& train = model.train();
  if (settings.n_neighbors < 1 || static_cast<std::size_t>(settings.n_neighbors) > kMaxNeighbors) {
    return Status::FailedPrecondition("a knn model with n_neighbors " +
                                      std::to_string(settings.n_neighbors) + " (at most " +
                                      std::to_string(kMaxNeighbors) + " are compiled)");
  }
  if (train.rows < static_cast<std::size_t>(settings.n_neighbors) || train.cols == 0 ||
      model.labels().size() != train.rows || model.row_weights().size() != train.rows) {
    return Status::FailedPrecondition("a knn model whose training rows do not match n_neighbors");
  }
  if (settings.p != 1 && settings.p != 2)
    return Status::FailedPrecondition("a knn model with Minkowski p " + std::to_string(settings.p));
  CompiledKnn out;
  out.task_ = model.task();
  out.classes_ = model.num_classes();
  out.outputs_ = model.num_outputs();
  out.features_ = train.cols;
  out.rows_ = train.rows;
  out.stride_ = (train.rows + kLanes - 1) / kLanes * kLanes;
  out.k_ = static_cast<std::size_t>(settings.n_neighbors);
  out.distance_weights_ = settings.distance_weights;
  out.manhattan_ = settings.p == 1;
  out.train_.assign(out.features_ * out.stride_, 0.0f);
  for (std::size_t r = 0; r < train.rows; ++r) {
    for (std::size_t j = 0; j < train.cols; ++j)
      out.train_[j * out.stride_ + r] = train.values[r * train.cols + j];
  }
  out.labels_.assign(model.labels().begin(), model.labels().end());
  out.weights_.assign(model.row_weights().begin(), model.row_weights().end());
  return out;
}

void CompiledKnn::Search(const float* row, std::uint32_t* index, double* distance) const {
  double sum[kBlock];
  std::size_t size = 0;  // neighbours kept so far, sorted by (distance, index)
  for (std::size_t b0 = 0; b0 < rows_; b0 += kBlock) {
    const std::size_t m = std::min(kBlock, rows_ - b0);
    const std::size_t padded = (m + kLanes - 1) / kLanes * kLanes;  // within stride_
    std::fill(sum, sum + padded, 0.0);
    for (std::size_t j = 0; j < features_; ++j) {
      const float v = row[j];
      const double q = std::isfinite(v) ? static_cast<double>(v) : 0.0;
      const float* t = train_.data() + j * stride_ + b0;
      if (manhattan_) {
        for (std::size_t i = 0; i < padded; i += kLanes) {
          for (std::size_t u = 0; u < kLanes; ++u)
            sum[i + u] += std::abs(q - static_cast<double>(t[i + u]));
        }
      } else {
        for (std::size_t i = 0; i < padded; i += kLanes) {
          for (std::size_t u = 0; u < kLanes; ++u) {
            const double diff = q - static_cast<double>(t[i + u]);
            sum[i + u] += diff * diff;
          }
        }
      }
    }
    // Rows arrive in index order, so one that only ties the k-th kept loses to it.
    for (std::size_t i = 0; i < m; ++i) {
      const double s = sum[i];
      if (size == k_ && !(s < distance[k_ - 1]))
        continue;
      std::size_t at = size < k_ ? size++ : k_ - 1;
      for (; at > 0 && distance[at - 1] > s; --at) {
        distance[at] = distance[at - 1];
        index[at] = index[at - 1];
      }
      distance[at] = s;
      index[at] = static_cast<std::uint32_t>(b0 + i);
    }
  }
  if (!manhattan_) {
    for (std::size_t c = 0; c < k_; ++c)
      distance[c] = std::sqrt(distance[c]);
  }
}

void CompiledKnn::Margin(const float* row, double* out) const {
  std::uint32_t index[kMaxNeighbors];
  double distance[kMaxNeighbors];
  Search(row, index, distance);
  // As KnnModel::Predict: scikit-learn's "distance" weights are 1 / d, or only the exact matches
  // when there are any; votes, sums and the total in neighbour order.
  const bool exact_match = distance_weights_ && distance[0] == 0.0;
  const std::size_t votes = task_ == Task::kMulticlass ? static_cast<std::size_t>(classes_) : 2;
  double vote[2] = {0, 0};
  double* tally = task_ == Task::kMulticlass ? out : vote;
  std::fill(tally, tally + votes, 0.0);
  double total = 0;
  double sum = 0;
  for (std::size_t c = 0; c < k_; ++c) {
    double w = weights_[index[c]];
    if (distance_weights_)
      w = exact_match ? (distance[c] == 0.0 ? w : 0.0) : w / distance[c];
    total += w;
    if (task_ == Task::kRegression)
      sum += w * labels_[index[c]];
    else
      tally[static_cast<std::size_t>(labels_[index[c]])] += w;
  }
  if (task_ == Task::kRegression) {
    out[0] = sum / total;
    return;
  }
  // KnnModel::PredictMargin's smoothing: one extra vote spread evenly over the classes.
  const double k = static_cast<double>(k_);
  const double prior = 1.0 / classes_;
  if (task_ == Task::kBinary) {
    const double p = (k * (vote[1] / total) + prior) / (k + 1);
    out[0] = std::log(p / (1 - p));
    return;
  }
  for (std::size_t c = 0; c < votes; ++c) {
    const double p = (k * (out[c] / total) + prior) / (k + 1);
    out[c] = std::log(p);
  }
}

}  // namespace kiln
