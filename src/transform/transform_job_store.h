// TransformJobStore: batch-transform job records in Kiln's metadata database (component
// "transform").
//
// Schema (migration transform/0001_transform_jobs):
//   transform_jobs(name PK, arn UNIQUE, request, status, failure_reason, model_name,
//                  model_data_url, creation_ms, last_modified_ms, start_ms, end_ms,
//                  objects_total, objects_done, records_done, bytes_total, bytes_done)
// ARNs lower-case the name, so two names differing only in case collide (AlreadyExists).
//
// Thread-safe (the Database serializes writes; each call is one transaction).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "transform/transform_job.h"

namespace kiln {

class Database;

class TransformJobStore {
 public:
  // Applies the component's migrations. `db` must outlive the store.
  static Result<std::unique_ptr<TransformJobStore>> Open(Database& db);
  explicit TransformJobStore(Database& db) : db_(db) {}

  // Adds a new job. AlreadyExists when the name or ARN is taken.
  Status Insert(const TransformJobRecord& job);
  // NotFound ("Could not find transform job ...") when absent.
  Result<TransformJobRecord> Get(std::string_view name);
  // Every job without its request, in no particular order.
  Result<std::vector<TransformJobRecord>> Summaries();
  // Names of jobs whose status is InProgress or Stopping, oldest first.
  Result<std::vector<std::string>> Unfinished();
  // Reads the record, lets `fn` change it and writes back its status, failure reason, times and
  // progress in one transaction; nothing is written when `fn` fails. `fn` must not call the store.
  Status Update(std::string_view name, const std::function<Status(TransformJobRecord*)>& fn);
  // Stores the progress of a job that has not ended (one UPDATE of the progress columns only; no
  // change once the job has ended, so a late save cannot undo the final progress). NotFound when
  // absent.
  Status SaveProgress(std::string_view name, const TransformProgress& progress);

 private:
  Database& db_;
};

}  // namespace kiln
