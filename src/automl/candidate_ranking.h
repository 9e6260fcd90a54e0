// RankCandidates: the leaderboard's order, best first, by scores that are comparable.
//
// On small data the ensemble pool is re-scored on more k-fold partitions (repeated CV) while the
// rest of the candidates keep their score on the search's one partition. Those single-partition
// scores are optimistic for the candidates the search kept (the winner's curse: each was picked as
// the best of many noisy estimates), so ranking them against repeated-CV means put candidates that
// were never re-scored above the re-scored ones the ensemble is built from (blood-transfusion: 19
// near-identical linear models at 0.7587 ranked above the re-scored 0.7570). A re-scored
// candidate's score is over fresh partitions only (the search's partition is set aside, see
// AddRepeat), so it is an unbiased estimate whichever number of fresh partitions it got. The order
// is: re-scored candidates first, then the others, each group by CV mean, then failed candidates
// in the order they ran. Thread-safe: a pure function.
#pragma once

#include <cstddef>
#include <vector>

#include "automl/automl_runner.h"

namespace kiln {

// Indices into `candidates` in leaderboard order. Ties keep the order of evaluation.
std::vector<std::size_t> RankCandidates(const std::vector<CandidateSummary>& candidates,
                                        Metric metric);

}  // namespace kiln
