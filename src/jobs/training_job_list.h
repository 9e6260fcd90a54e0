// ListTrainingJobs semantics over job summaries: filters (NameContains, case-insensitive;
// StatusEquals; Creation/LastModifiedTime After/Before, exclusive), sorting (SortBy CreationTime,
// Name or Status, ties broken by name; SortOrder Ascending or Descending) and keyset pagination:
// NextToken is an opaque token naming the last job returned, so jobs created between pages neither
// repeat nor shift a page. Thread-safety: pure function.
#pragma once

#include <vector>

#include "common/status.h"
#include "jobs/training_job.h"

namespace kiln {

// One page of `jobs` for `query`. InvalidArgument when max_results is outside 1..100 or the token
// is malformed or belongs to a different sort.
Result<ListTrainingJobsPage> PageTrainingJobs(std::vector<TrainingJobRecord> jobs,
                                              const ListTrainingJobsQuery& query);

}  // namespace kiln
