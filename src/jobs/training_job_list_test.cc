#include "jobs/training_job_list.h"

#include <gtest/gtest.h>

namespace kiln {
namespace {

TrainingJobRecord Job(const std::string& name, std::int64_t created, JobStatus status) {
  TrainingJobRecord r;
  r.name = name;
  r.creation_ms = created;
  r.last_modified_ms = created + 10;
  r.status = status;
  return r;
}

std::vector<TrainingJobRecord> Jobs() {
  return {Job("alpha", 1000, JobStatus::kCompleted), Job("beta", 3000, JobStatus::kFailed),
          Job("Gamma-1", 2000, JobStatus::kInProgress), Job("delta", 2000, JobStatus::kCompleted),
          Job("epsilon", 5000, JobStatus::kStopped)};
}

std::vector<std::string> Names(const ListTrainingJobsPage& page) {
  std::vector<std::string> out;
  for (const auto& j : page.jobs)
    out.push_back(j.name);
  return out;
}

TEST(TrainingJobListTest, DefaultsToNewestFirst) {
  auto page = PageTrainingJobs(Jobs(), {});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Names(*page),
            (std::vector<std::string>{"epsilon", "beta", "delta", "Gamma-1", "alpha"}));
  EXPECT_TRUE(page->next_token.empty());
}

TEST(TrainingJobListTest, FiltersByNameStatusAndTime) {
  ListTrainingJobsQuery q;
  q.name_contains = "GAMMA";
  EXPECT_EQ(Names(*PageTrainingJobs(Jobs(), q)), (std::vector<std::string>{"Gamma-1"}));
  q = {};
  q.status_equals = JobStatus::kCompleted;
  EXPECT_EQ(Names(*PageTrainingJobs(Jobs(), q)), (std::vector<std::string>{"delta", "alpha"}));
  q = {};
  q.creation_after_ms = 2000;
  q.creation_before_ms = 5000;
  EXPECT_EQ(Names(*PageTrainingJobs(Jobs(), q)), (std::vector<std::string>{"beta"}));
  q = {};
  q.modified_after_ms = 2010;
  EXPECT_EQ(Names(*PageTrainingJobs(Jobs(), q)), (std::vector<std::string>{"epsilon", "beta"}));
}

TEST(TrainingJobListTest, SortsByNameOrStatusEitherWay) {
  ListTrainingJobsQuery q;
  q.sort_by = TrainingJobSortBy::kName;
  q.ascending = true;
  EXPECT_EQ(Names(*PageTrainingJobs(Jobs(), q)),
            (std::vector<std::string>{"Gamma-1", "alpha", "beta", "delta", "epsilon"}));
  q.sort_by = TrainingJobSortBy::kStatus;
  EXPECT_EQ(Names(*PageTrainingJobs(Jobs(), q)),
            (std::vector<std::string>{"alpha", "delta", "beta", "Gamma-1", "epsilon"}));
  q.ascending = false;
  EXPECT_EQ(Names(*PageTrainingJobs(Jobs(), q)),
            (std::vector<std::string>{"epsilon", "Gamma-1", "beta", "delta", "alpha"}));
}

TEST(TrainingJobListTest, PagesWithNextTokenWithoutRepeats) {
  ListTrainingJobsQuery q;
  q.max_results = 2;
  std::vector<std::string> all;
  for (int pages = 0; pages < 10; ++pages) {
    auto page = PageTrainingJobs(Jobs(), q);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    for (const auto& n : Names(*page))
      all.push_back(n);
    if (page->next_token.empty())
      break;
    q.next_token = page->next_token;
  }
  EXPECT_EQ(all, (std::vector<std::string>{"epsilon", "beta", "delta", "Gamma-1", "alpha"}));
}

TEST(TrainingJobListTest, ANewJobDoesNotShiftTheNextPage) {
  ListTrainingJobsQuery q;
  q.max_results = 2;
  auto first = PageTrainingJobs(Jobs(), q);
  std::vector<TrainingJobRecord> more = Jobs();
  more.push_back(Job("zeta", 9000, JobStatus::kInProgress));
  q.next_token = first->next_token;
  EXPECT_EQ(Names(*PageTrainingJobs(more, q)), (std::vector<std::string>{"delta", "Gamma-1"}));
}

TEST(TrainingJobListTest, BadTokensAndSizesAreRejected) {
  ListTrainingJobsQuery q;
  q.max_results = 0;
  EXPECT_EQ(PageTrainingJobs(Jobs(), q).status().code(), StatusCode::kInvalidArgument);
  q.max_results = 101;
  EXPECT_FALSE(PageTrainingJobs(Jobs(), q).ok());
  q.max_results = 2;
  q.next_token = "garbage!";
  EXPECT_FALSE(PageTrainingJobs(Jobs(), q).ok());
  q.next_token = PageTrainingJobs(Jobs(), ListTrainingJobsQuery{.max_results = 2})->next_token;
  q.sort_by = TrainingJobSortBy::kName;  // a token of another sort
  EXPECT_FALSE(PageTrainingJobs(Jobs(), q).ok());
}

}  // namespace
}  // namespace kiln
