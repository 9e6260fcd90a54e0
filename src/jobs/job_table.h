// JobTable: the SQL the training and transform job stores share. Each keeps one row per job in a
// table keyed by `name`, with a UNIQUE `arn` (the lower-cased name, so two names differing only in
// case collide), a `status` (a JobStatus name) and `creation_ms`; these are the statements that
// only need those columns. Thread-safety: as the connection or Database passed in.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kiln {

class Database;
class SqlConnection;

namespace job_table {

// Inside a write transaction, before inserting a job: AlreadyExists ("<kind> job "<taken>" already
// exists (ARN <arn>)") when a row of `table` has the name or the ARN.
Status CheckNameFree(SqlConnection& conn, std::string_view table, std::string_view kind,
                     std::string_view name, std::string_view arn);

// Names of the jobs in `table` whose status is InProgress or Stopping, oldest first.
Result<std::vector<std::string>> Unfinished(Database& db, std::string_view table);

}  // namespace job_table
}  // namespace kiln
