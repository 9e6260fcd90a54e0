#include "jobs/training_job_list.h"

#include <algorithm>
#include <charconv>

#include "common/digest.h"
#include "learn/hyperparam_text.h"

namespace kiln {
namespace {

// Whether a sorts before b in ascending order.
bool AscendingLess(const TrainingJobRecord& a, const TrainingJobRecord& b, TrainingJobSortBy by) {
  switch (by) {
    case TrainingJobSortBy::kCreationTime:
      if (a.creation_ms != b.creation_ms)
        return a.creation_ms < b.creation_ms;
      break;
    case TrainingJobSortBy::kStatus: {
      const std::string_view sa = JobStatusName(a.status);
      const std::string_view sb = JobStatusName(b.status);
      if (sa != sb)
        return sa < sb;
      break;
    }
    case TrainingJobSortBy::kName:
      break;
  }
  return a.name < b.name;
}

std::string TokenFor(const TrainingJobRecord& last, const ListTrainingJobsQuery& q) {
  const std::string text = "v1\n" + std::to_string(static_cast<int>(q.sort_by)) + "\n" +
                           (q.ascending ? "A" : "D") + "\n" + last.name + "\n" +
                           std::to_string(last.creation_ms) + "\n" + JobStatusName(last.status);
  return Base64Encode(text);
}

Result<TrainingJobRecord> ParseToken(const ListTrainingJobsQuery& q) {
  const Status bad = Status::InvalidArgument("NextToken: \"" + q.next_token +
                                             "\" is not a token from this ListTrainingJobs query");
  const std::optional<std::string> text = Base64Decode(q.next_token);
  if (!text.has_value())
    return bad;
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t nl = text->find('\n', start);
    parts.push_back(text->substr(start, nl - start));
    if (nl == std::string::npos)
      break;
    start = nl + 1;
  }
  if (parts.size() != 6 || parts[0] != "v1" ||
      parts[1] != std::to_string(static_cast<int>(q.sort_by)) ||
      parts[2] != (q.ascending ? "A" : "D")) {
    return bad;
  }
  TrainingJobRecord r;
  r.name = parts[3];
  auto [end, ec] =
      std::from_chars(parts[4].data(), parts[4].data() + parts[4].size(), r.creation_ms);
  const auto status = ParseJobStatus(parts[5]);
  if (ec != std::errc() || !status.has_value())
    return bad;
  r.status = *status;
  return r;
}

}  // namespace

Result<ListTrainingJobsPage> PageTrainingJobs(std::vector<TrainingJobRecord> jobs,
                                              const ListTrainingJobsQuery& q) {
  if (q.max_results < 1 || q.max_results > 100) {
    return Status::InvalidArgument("MaxResults: " + std::to_string(q.max_results) +
                                   " is outside 1..100");
  }
  const std::string needle = hp::Lower(q.name_contains);
  std::erase_if(jobs, [&](const TrainingJobRecord& j) {
    if (!needle.empty() && hp::Lower(j.name).find(needle) == std::string::npos)
      return true;
    if (q.status_equals.has_value() && j.status != *q.status_equals)
      return true;
    if (q.creation_after_ms && !(j.creation_ms > *q.creation_after_ms))
      return true;
    if (q.creation_before_ms && !(j.creation_ms < *q.creation_before_ms))
      return true;
    if (q.modified_after_ms && !(j.last_modified_ms > *q.modified_after_ms))
      return true;
    if (q.modified_before_ms && !(j.last_modified_ms < *q.modified_before_ms))
      return true;
    return false;
  });
  const auto before = [&](const TrainingJobRecord& a, const TrainingJobRecord& b) {
    return q.ascending ? AscendingLess(a, b, q.sort_by) : AscendingLess(b, a, q.sort_by);
  };
  std::sort(jobs.begin(), jobs.end(), before);
  auto first = jobs.begin();
  if (!q.next_token.empty()) {
    ASSIGN_OR_RETURN(TrainingJobRecord last, ParseToken(q));
    first = std::upper_bound(jobs.begin(), jobs.end(), last, before);
  }
  ListTrainingJobsPage page;
  const std::size_t left = static_cast<std::size_t>(jobs.end() - first);
  const std::size_t n = std::min(left, static_cast<std::size_t>(q.max_results));
  page.jobs.assign(std::make_move_iterator(first), std::make_move_iterator(first + n));
  if (n < left)
    page.next_token = TokenFor(page.jobs.back(), q);
  return page;
}

}  // namespace kiln
