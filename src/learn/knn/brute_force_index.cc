#include "learn/knn/brute_force_index.h"

#include <Eigen/Core>
#include <algorithm>
#include <atomic>
#include <cassert>
#include <cmath>
#include <functional>
#include <limits>
#include <thread>

#include "learn/knn/knn_screening.h"

namespace kiln {
namespace {

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstMapF = Eigen::Map<const RowMatrixF>;

constexpr std::size_t kQueryBlock = 256;
constexpr std::size_t kTrainBlock = kScreenTrainBlock;
constexpr float kInf = std::numeric_limits<float>::infinity();

using Candidate = ScreenCandidate;

// Per-thread scratch space, allocated once per Search call and thread.
struct Workspace {
  RowMatrixF queries;
  RowMatrixF block;                // screening scores, queries x training rows
  RowMatrixF transposed;           // the training block, features x rows (p = 1)
  std::vector<Candidate> heaps;    // kQueryBlock heaps of up to `screen` candidates
  std::vector<std::size_t> sizes;  // live size of each heap
  std::vector<std::pair<double, std::uint32_t>> exact;
};

// Calls fn(worker, task) for every task in [0, num_tasks) on up to num_threads threads.
void ParallelFor(std::size_t num_tasks, int num_threads,
                 const std::function<void(std::size_t, std::size_t)>& fn) {
  const std::size_t threads =
      std::min<std::size_t>(static_cast<std::size_t>(std::max(num_threads, 1)), num_tasks);
  std::atomic<std::size_t> next{0};
  auto work = [&](std::size_t worker) {
    for (std::size_t t = next++; t < num_tasks; t = next++)
      fn(worker, t);
  };
  std::vector<std::jthread> helpers;
  helpers.reserve(threads > 0 ? threads - 1 : 0);
  for (std::size_t w = 1; w < threads; ++w)
    helpers.emplace_back(work, w);
  work(0);
}

float Sanitize(float v) { return std::isfinite(v) ? v : 0.0f; }

}  // namespace

BruteForceIndex::BruteForceIndex(Matrix train, int p) : train_(std::move(train)), p_(p) {
  assert(p_ == 1 || p_ == 2);
  if (p_ == 2) {
    const ConstMapF t(train_.values.data(), static_cast<Eigen::Index>(train_.rows),
                      static_cast<Eigen::Index>(train_.cols));
    sq_norms_.resize(train_.rows);
    Eigen::Map<Eigen::VectorXf>(sq_norms_.data(), static_cast<Eigen::Index>(train_.rows)) =
        t.rowwise().squaredNorm();
  }
}

void BruteForceIndex::Search(const Matrix& queries, int k, int num_threads,
                             std::vector<std::uint32_t>* indices,
                             std::vector<double>* distances) const {
  assert(k >= 1 && static_cast<std::size_t>(k) <= train_.rows);
  assert(queries.cols == train_.cols);
  const std::size_t n = train_.rows;
  const std::size_t d = train_.cols;
  const std::size_t kk = static_cast<std::size_t>(k);
  const std::size_t screen = ScreenSize(kk, n);
  indices->resize(queries.rows * kk);
  distances->resize(queries.rows * kk);
  const std::size_t num_blocks = (queries.rows + kQueryBlock - 1) / kQueryBlock;
  if (num_blocks == 0)
    return;
  const ConstMapF train(train_.values.data(), static_cast<Eigen::Index>(n),
                        static_cast<Eigen::Index>(d));
  const int threads = static_cast<int>(std::min<std::size_t>(std::max(num_threads, 1), num_blocks));
  std::vector<Workspace> spaces(static_cast<std::size_t>(threads));

  ParallelFor(num_blocks, threads, [&](std::size_t worker, std::size_t b) {
    Workspace& ws = spaces[worker];
    if (ws.heaps.empty()) {
      ws.queries.resize(kQueryBlock, static_cast<Eigen::Index>(d));
      ws.block.resize(kQueryBlock, kTrainBlock);
      ws.heaps.resize(kQueryBlock * screen);
      ws.sizes.resize(kQueryBlock);
      ws.exact.resize(screen);
    }
    const std::size_t q0 = b * kQueryBlock;
    const std::size_t rows = std::min(kQueryBlock, queries.rows - q0);
    const auto erows = static_cast<Eigen::Index>(rows);
    for (std::size_t i = 0; i < rows; ++i) {
      const float* src = queries.values.data() + (q0 + i) * d;
      float* dst = ws.queries.row(static_cast<Eigen::Index>(i)).data();
      for (std::size_t j = 0; j < d; ++j)
        dst[j] = Sanitize(src[j]);
      ws.sizes[i] = 0;
    }

    for (std::size_t t0 = 0; t0 < n; t0 += kTrainBlock) {
      const std::size_t cols = std::min(kTrainBlock, n - t0);
      const auto ecols = static_cast<Eigen::Index>(cols);
      const auto tblock = train.middleRows(static_cast<Eigen::Index>(t0), ecols);
      if (p_ == 2) {
        ws.block.topLeftCorner(erows, ecols).noalias() =
            ws.queries.topRows(erows) * tblock.transpose();
      } else {
        ws.transposed.resize(static_cast<Eigen::Index>(d), ecols);
        ws.transposed = tblock.transpose();
      }
      for (std::size_t i = 0; i < rows; ++i) {
        const auto ei = static_cast<Eigen::Index>(i);
        float* score = ws.block.row(ei).data();
        if (p_ == 2) {
          // Ranks by ||t||^2 - 2 q.t: the squared distance less the query's constant ||q||^2.
          const float* tn = sq_norms_.data() + t0;
          for (std::size_t j = 0; j < cols; ++j)
            score[j] = tn[j] - 2.0f * score[j];
        } else {
          auto acc = ws.block.row(ei).head(ecols).array();
          acc.setZero();
          const float* q = ws.queries.row(ei).data();
          for (std::size_t f = 0; f < d; ++f)
            acc += (ws.transposed.row(static_cast<Eigen::Index>(f)).array() - q[f]).abs();
        }
        // Training rows arrive in index order, so a candidate that only ties the worst kept one
        // loses the (distance, index) comparison and is skipped.
        Candidate* heap = ws.heaps.data() + i * screen;
        std::size_t& size = ws.sizes[i];
        // Overflowing scores (NaN, inf) rank last but still fill the heap, which then never
        // holds a NaN.
        float worst = size < screen ? kInf : heap[0].distance;
        for (std::size_t j = 0; j < cols; ++j) {
          if (size == screen && !(score[j] < worst))
            continue;
          const Candidate c{std::isnan(score[j]) ? kInf : score[j],
                            static_cast<std::uint32_t>(t0 + j)};
          if (size < screen) {
            heap[size++] = c;
            std::push_heap(heap, heap + size);
          } else {
            std::pop_heap(heap, heap + size);
            heap[size - 1] = c;
            std::push_heap(heap, heap + size);
          }
          worst = size < screen ? kInf : heap[0].distance;
        }
      }
    }

    // Exact re-ranking of the screened candidates in double precision.
    for (std::size_t i = 0; i < rows; ++i) {
      const float* q = ws.queries.row(static_cast<Eigen::Index>(i)).data();
      const Candidate* heap = ws.heaps.data() + i * screen;
      for (std::size_t c = 0; c < screen; ++c) {
        const float* t = train_.values.data() + static_cast<std::size_t>(heap[c].index) * d;
        double s = 0;
        for (std::size_t j = 0; j < d; ++j) {
          const double diff = static_cast<double>(q[j]) - static_cast<double>(t[j]);
          s += p_ == 2 ? diff * diff : std::abs(diff);
        }
        ws.exact[c] = {s, heap[c].index};
      }
      std::partial_sort(ws.exact.begin(), ws.exact.begin() + static_cast<std::ptrdiff_t>(kk),
                        ws.exact.begin() + static_cast<std::ptrdiff_t>(screen));
      for (std::size_t c = 0; c < kk; ++c) {
        (*indices)[(q0 + i) * kk + c] = ws.exact[c].second;
        (*distances)[(q0 + i) * kk + c] =
            p_ == 2 ? std::sqrt(ws.exact[c].first) : ws.exact[c].first;
      }
    }
  });
}

}  // namespace kiln
