// CompiledKnn: copying KnnModel's training rows and searching them; see the header.
#include "infer/compiled_knn.h"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "learn/knn/knn_model.h"
#include "learn/knn/knn_screening.h"

namespace kiln {
namespace {

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMapF = Eigen::Map<const RowMatrixF>;

constexpr std::size_t kTrainBlock = kScreenTrainBlock;  // BruteForceIndex's training block
constexpr std::size_t kMaxScreen = 2 * CompiledKnn::kMaxNeighbors + 8;  // ScreenSize's largest
constexpr float kInf = std::numeric_limits<float>::infinity();

using Candidate = ScreenCandidate;  // BruteForceIndex's, in its (score, index) order

// An exact re-ranked candidate, ordered as BruteForceIndex's (distance, index) pairs. Not a
// std::pair, whose constructor would zero the whole stack array on every search.
struct Ranked {
  double distance;
  std::uint32_t index;
  bool operator<(const Ranked& o) const {
    return distance < o.distance || (!(o.distance < distance) && index < o.index);
  }
};

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
      train.rows >= (std::size_t{1} << 32) || model.labels().size() != train.rows ||
      model.row_weights().size() != train.rows) {
    return Status::FailedPrecondition("a knn model whose training rows do not match n_neighbors");
  }
  if (train.cols > kMaxFeatures) {
    return Status::FailedPrecondition("a knn model of " + std::to_string(train.cols) +
                                      " features (at most " + std::to_string(kMaxFeatures) +
                                      " are compiled)");
  }
  if (settings.p != 1 && settings.p != 2)
    return Status::FailedPrecondition("a knn model with Minkowski p " + std::to_string(settings.p));
  CompiledKnn out;
  out.task_ = model.task();
  out.classes_ = model.num_classes();
  out.outputs_ = model.num_outputs();
  out.features_ = train.cols;
  out.rows_ = train.rows;
  out.k_ = static_cast<std::size_t>(settings.n_neighbors);
  out.distance_weights_ = settings.distance_weights;
  out.manhattan_ = settings.p == 1;
  out.train_ = train.values;
  if (out.manhattan_) {
    out.by_feature_.resize(train.values.size());
    for (std::size_t r = 0; r < train.rows; ++r) {
      for (std::size_t j = 0; j < train.cols; ++j)
        out.by_feature_[j * train.rows + r] = train.values[r * train.cols + j];
    }
  } else {
    // As BruteForceIndex computes them, from the model's own rows.
    const ConstMapF t(train.values.data(), static_cast<Eigen::Index>(train.rows),
                      static_cast<Eigen::Index>(train.cols));
    out.sq_norms_.resize(train.rows);
    Eigen::Map<Eigen::VectorXf>(out.sq_norms_.data(), static_cast<Eigen::Index>(train.rows)) =
        t.rowwise().squaredNorm();
  }
  out.labels_.assign(model.labels().begin(), model.labels().end());
  out.weights_.assign(model.row_weights().begin(), model.row_weights().end());
  return out;
}

void CompiledKnn::Search(const float* q, std::uint32_t* index, double* distance) const {
  const std::size_t n = rows_;
  const std::size_t d = features_;
  const std::size_t screen = ScreenSize(k_, n);
  alignas(64) float score[kTrainBlock];
  // The `screen` best candidates by (score, index), NaN ranking as +inf: the set BruteForceIndex's
  // bounded heap keeps. Here a max-heap too, its worst replaced in place (one sift-down) by a
  // better row; a later row that only ties the worst loses, its index being higher.
  Candidate heap[kMaxScreen];
  std::size_t size = 0;
  const auto replace_worst = [&](Candidate c) {
    std::size_t at = 0;
    for (;;) {
      const std::size_t left = 2 * at + 1;
      if (left >= size)
        break;
      const std::size_t right = left + 1;
      const std::size_t child = right < size && heap[left] < heap[right] ? right : left;
      if (!(c < heap[child]))
        break;
      heap[at] = heap[child];
      at = child;
    }
    heap[at] = c;
  };
  const auto ed = static_cast<Eigen::Index>(d);
  for (std::size_t t0 = 0; t0 < n; t0 += kTrainBlock) {
    const std::size_t cols = std::min(kTrainBlock, n - t0);
    if (!manhattan_) {
      // Ranks by ||t||^2 - 2 q.t: the squared distance less the query's constant ||q||^2.
      const ConstMapF block(train_.data() + t0 * d, static_cast<Eigen::Index>(cols), ed);
      Eigen::Map<RowMatrixF>(score, 1, static_cast<Eigen::Index>(cols)).noalias() =
          ConstMapF(q, 1, ed) * block.transpose();
      const float* tn = sq_norms_.data() + t0;
      for (std::size_t j = 0; j < cols; ++j)
        score[j] = tn[j] - 2.0f * score[j];
    } else {
      std::fill(score, score + cols, 0.0f);
      for (std::size_t f = 0; f < d; ++f) {
        const float* t = by_feature_.data() + f * n + t0;
        const float v = q[f];
        for (std::size_t j = 0; j < cols; ++j)
          score[j] += std::abs(t[j] - v);
      }
    }
    float worst = size < screen ? kInf : heap[0].distance;
    for (std::size_t j = 0; j < cols; ++j) {
      if (size == screen && !(score[j] < worst))
        continue;
      const Candidate c{std::isnan(score[j]) ? kInf : score[j], static_cast<std::uint32_t>(t0 + j)};
      if (size < screen) {
        heap[size++] = c;
        std::push_heap(heap, heap + size);
      } else {
        replace_worst(c);
      }
      worst = size < screen ? kInf : heap[0].distance;
    }
  }
  // Exact re-ranking of the screened candidates in double precision.
  Ranked exact[kMaxScreen];
  for (std::size_t c = 0; c < screen; ++c) {
    const float* t = train_.data() + static_cast<std::size_t>(heap[c].index) * d;
    double s = 0;
    for (std::size_t j = 0; j < d; ++j) {
      const double diff = static_cast<double>(q[j]) - static_cast<double>(t[j]);
      s += manhattan_ ? std::abs(diff) : diff * diff;
    }
    exact[c] = Ranked{s, heap[c].index};
  }
  std::partial_sort(exact, exact + k_, exact + screen);
  for (std::size_t c = 0; c < k_; ++c) {
    index[c] = exact[c].index;
    distance[c] = manhattan_ ? exact[c].distance : std::sqrt(exact[c].distance);
  }
}

void CompiledKnn::Margin(const float* row, double* out) const {
  // The query sanitized as BruteForceIndex copies it (the product reads it whole).
  alignas(64) float q[kMaxFeatures];
  for (std::size_t j = 0; j < features_; ++j)
    q[j] = std::isfinite(row[j]) ? row[j] : 0.0f;
  std::uint32_t index[kMaxNeighbors];
  double distance[kMaxNeighbors];
  Search(q, index, distance);
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
