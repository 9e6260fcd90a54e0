#include "automl/candidate_ranking.h"

#include <gtest/gtest.h>

#include <cmath>

namespace kiln {
namespace {

CandidateSummary Candidate(const char* id, double mean, int repeats, const char* error = "") {
  CandidateSummary c;
  c.id = id;
  c.cv_mean = mean;
  c.cv_repeats = repeats;
  c.error = error;
  return c;
}

std::vector<std::string> Ids(const std::vector<CandidateSummary>& c, Metric metric) {
  std::vector<std::string> out;
  for (std::size_t i : RankCandidates(c, metric))
    out.push_back(c[i].id);
  return out;
}

TEST(CandidateRankingTest, RepeatedCvScoresRankAboveSinglePartitionScores) {
  // c2's single-partition AUC is higher than c1's repeated one, but only c1's is comparable with
  // c3's; the single-partition ones rank after every re-scored candidate.
  std::vector<CandidateSummary> c = {Candidate("c1", 0.757, 3), Candidate("c2", 0.759, 1),
                                     Candidate("c3", 0.755, 3), Candidate("c4", 0.750, 1)};
  EXPECT_EQ(Ids(c, Metric::kAuc), (std::vector<std::string>{"c1", "c3", "c2", "c4"}));
}

TEST(CandidateRankingTest, LowerIsBetterWithinATierAndFailuresLast) {
  // c2 and c4 were re-scored on different numbers of fresh partitions: both unbiased, one tier.
  std::vector<CandidateSummary> c = {Candidate("c1", 0.0, 1, "boom"), Candidate("c2", 0.5, 2),
                                     Candidate("c3", 0.3, 1), Candidate("c4", 0.4, 3),
                                     Candidate("c5", 0.1, 1)};
  EXPECT_EQ(Ids(c, Metric::kLogLoss), (std::vector<std::string>{"c4", "c2", "c5", "c3", "c1"}));
}

TEST(CandidateRankingTest, NanScoresRankLastInTheirTier) {
  std::vector<CandidateSummary> c = {Candidate("c1", std::nan(""), 1), Candidate("c2", 2.0, 1)};
  EXPECT_EQ(Ids(c, Metric::kRmse), (std::vector<std::string>{"c2", "c1"}));
}

}  // namespace
}  // namespace kiln
