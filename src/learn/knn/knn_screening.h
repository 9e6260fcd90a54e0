// The screening rules of Kiln's exact k-NN search, shared by the training-side BruteForceIndex and
// the serving-side CompiledKnn (src/infer) so both pick the same neighbours by construction: the
// training rows are scored in blocks of kScreenTrainBlock, the ScreenSize(k) best candidates are
// kept in (score, index) order, then re-ranked exactly in double precision.
// Thread-safety: constants and a value type.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace kiln {

// Training rows scored per block (one Eigen product against the queries, or one Manhattan pass).
inline constexpr std::size_t kScreenTrainBlock = 1024;

// Candidates kept per query out of `num_train` rows: 2k + 8, so a float-rounding tie at the k-th
// distance still leaves the exact re-rank k + 8 rows of slack.
inline std::size_t ScreenSize(std::size_t k, std::size_t num_train) {
  return std::min(num_train, 2 * k + 8);
}

// A screening candidate, ordered by (score, index) so selection is deterministic.
struct ScreenCandidate {
  float distance;
  std::uint32_t index;
  bool operator<(const ScreenCandidate& o) const {
    return distance < o.distance || (distance == o.distance && index < o.index);
  }
};

}  // namespace kiln
