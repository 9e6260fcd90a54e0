// TrainingJobStore: training-job records in Kiln's metadata database (component "jobs").
//
// Schema (migration jobs/0001_training_jobs; documented in docs/formats/metadata.md):
//   training_jobs(name PK, arn UNIQUE, request, status, secondary_status, failure_reason,
//                 model_artifacts, creation_ms, last_modified_ms, training_start_ms,
//                 training_end_ms)
//   training_job_transitions(job, seq, status, start_ms, end_ms, message)  -- SecondaryStatus
//                                                                           -- history
//   training_job_metrics(job, seq, name, value, timestamp_ms)              -- FinalMetricDataList
// ARNs lower-case the name, so two names differing only in case collide (AlreadyExists), as the
// ARN must be unique.
//
// Thread-safe (the Database serializes writes; each call is one transaction).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "jobs/training_job.h"

namespace kiln {

class Database;

class TrainingJobStore {
 public:
  // Applies the component's migrations. `db` must outlive the store.
  static Result<std::unique_ptr<TrainingJobStore>> Open(Database& db);
  explicit TrainingJobStore(Database& db) : db_(db) {}

  // Adds a new job with its transitions and metrics. AlreadyExists when the name or ARN is taken.
  Status Insert(const TrainingJobRecord& job);
  // The full record. NotFound when absent.
  Result<TrainingJobRecord> Get(std::string_view name);
  // Every job's summary (no request, transitions or metrics), in no particular order.
  Result<std::vector<TrainingJobRecord>> Summaries();
  // Names of jobs whose status is InProgress or Stopping.
  Result<std::vector<std::string>> Unfinished();

  // Reads the full record, lets `fn` change it, and writes back everything it holds (status,
  // times, failure reason, transitions, metrics) in one transaction. When `fn` returns an error
  // nothing is written and the error is returned. NotFound when absent. `fn` must not call the
  // store.
  Status Update(std::string_view name, const std::function<Status(TrainingJobRecord*)>& fn);

 private:
  Database& db_;
};

}  // namespace kiln
