// JobTable: the SQL the training and transform job stores share. Each keeps one row per job in a
// table keyed by `name`, with a UNIQUE `arn` (the lower-cased name, so two names differing only in
// case collide), the stored `request`, a `status` (a JobStatus name), `failure_reason`,
// `creation_ms` and `last_modified_ms` — the columns every SageMaker job has — plus columns of its
// own, which the store describes in a JobTable<Record>. The functions below read, insert, list and
// update such rows, so both stores check names, report a missing job or a corrupt status and run
// the read-change-write transaction the same way. Thread-safety: as the connection or Database
// passed in.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "jobs/job_status.h"
#include "meta/database.h"

namespace kiln {

// How one store's job rows map to its `Record`, which has the members name, arn, request_json,
// status, failure_reason, creation_ms and last_modified_ms for the common columns. A constant.
template <typename Record>
struct JobTable {
  std::string_view table;  // "training_jobs"
  std::string_view kind;   // "training", as messages name a job: `training job "x"`
  // The store's own columns: `fixed` ones are written by Insert only, `state` ones by Insert and
  // by every Update.
  std::span<const std::string_view> fixed;
  std::span<const std::string_view> state;
  // Reads `fixed` then `state`, from column `first` of the current row, into `r`.
  void (*read)(const SqlStatement& st, int first, Record& r);
  // Bind the values of `fixed` (`state`), in that order, from parameter `first`.
  Status (*bind_fixed)(SqlStatement& st, int first, const Record& r);
  Status (*bind_state)(SqlStatement& st, int first, const Record& r);
  // What Get returns for a name no row has.
  Status (*not_found)(std::string_view name);
  // Rows of child tables keyed by the job's name: read by Get (not by Summaries), replaced after
  // the row by Insert and Update. Null when the store has none.
  Status (*read_children)(SqlConnection& conn, Record& r) = nullptr;
  Status (*write_children)(SqlConnection& conn, const Record& r) = nullptr;
};

namespace job_table {

// The common columns, in the order the statements below select and bind them.
inline constexpr int kCommonColumns = 6;  // name, arn, status, failure_reason, creation_ms,
                                          // last_modified_ms

// "SELECT <common>, <fixed>, <state>[, request] FROM <table>[ WHERE name = ?1]".
std::string SelectSql(std::string_view table, std::span<const std::string_view> fixed,
                      std::span<const std::string_view> state, bool with_request, bool one);
// "INSERT INTO <table> (<common>, <fixed>, <state>, request) VALUES (?1, ...)".
std::string InsertSql(std::string_view table, std::span<const std::string_view> fixed,
                      std::span<const std::string_view> state);
// "UPDATE <table> SET status = ?2, failure_reason = ?3, last_modified_ms = ?4, <state> = ?5...
// WHERE name = ?1".
std::string UpdateSql(std::string_view table, std::span<const std::string_view> state);

// The status in column `index`; Corruption (`<kind> job "<name>": unknown status "<s>"`) when it
// is not a JobStatus name.
Result<JobStatus> StatusColumn(const SqlStatement& st, int index, std::string_view kind,
                               std::string_view name);

// Inside a write transaction, before inserting a job: AlreadyExists ("<kind> job "<taken>" already
// exists (ARN <arn>)") when a row of `table` has the name or the ARN.
Status CheckNameFree(SqlConnection& conn, std::string_view table, std::string_view kind,
                     std::string_view name, std::string_view arn);

// Names of the jobs in `table` whose status is InProgress or Stopping, oldest first.
Result<std::vector<std::string>> Unfinished(Database& db, std::string_view table);

// The common, fixed and state columns of the current row (selected by SelectSql).
template <typename Record>
Result<Record> ReadRow(const JobTable<Record>& t, const SqlStatement& st) {
  Record r;
  r.name = st.ColumnText(0);
  r.arn = st.ColumnText(1);
  ASSIGN_OR_RETURN(r.status, StatusColumn(st, 2, t.kind, r.name));
  r.failure_reason = st.ColumnText(3);
  r.creation_ms = st.ColumnInt64(4);
  r.last_modified_ms = st.ColumnInt64(5);
  t.read(st, kCommonColumns, r);
  return r;
}

// Inside a transaction: the full record (request and children included); t.not_found(name) when
// absent.
template <typename Record>
Result<Record> Read(SqlConnection& conn, const JobTable<Record>& t, std::string_view name) {
  ASSIGN_OR_RETURN(SqlStatement st, conn.Prepare(SelectSql(t.table, t.fixed, t.state,
                                                           /*with_request=*/true, /*one=*/true)));
  RETURN_IF_ERROR(st.BindText(1, name));
  ASSIGN_OR_RETURN(bool found, st.Step());
  if (!found)
    return t.not_found(name);
  ASSIGN_OR_RETURN(Record r, ReadRow(t, st));
  r.request_json =
      st.ColumnText(kCommonColumns + static_cast<int>(t.fixed.size() + t.state.size()));
  if (t.read_children != nullptr)
    RETURN_IF_ERROR(t.read_children(conn, r));
  return r;
}

// Read in a read transaction of its own.
template <typename Record>
Result<Record> Get(Database& db, const JobTable<Record>& t, std::string_view name) {
  return db.ReadValue<Record>([&](SqlConnection& conn) { return Read(conn, t, name); });
}

// Every job's row without its request or children, in no particular order.
template <typename Record>
Result<std::vector<Record>> Summaries(Database& db, const JobTable<Record>& t) {
  return db.ReadRows<Record>(
      SelectSql(t.table, t.fixed, t.state, /*with_request=*/false, /*one=*/false),
      [&](const SqlStatement& st) { return ReadRow(t, st); });
}

// Adds a new job with its children in one write transaction. AlreadyExists (CheckNameFree) when
// the name or ARN is taken.
template <typename Record>
Status Insert(Database& db, const JobTable<Record>& t, const Record& r) {
  return db.Write([&](SqlConnection& conn) -> Status {
    RETURN_IF_ERROR(CheckNameFree(conn, t.table, t.kind, r.name, r.arn));
    ASSIGN_OR_RETURN(SqlStatement st, conn.Prepare(InsertSql(t.table, t.fixed, t.state)));
    RETURN_IF_ERROR(st.BindText(1, r.name));
    RETURN_IF_ERROR(st.BindText(2, r.arn));
    RETURN_IF_ERROR(st.BindText(3, JobStatusName(r.status)));
    RETURN_IF_ERROR(st.BindText(4, r.failure_reason));
    RETURN_IF_ERROR(st.BindInt64(5, r.creation_ms));
    RETURN_IF_ERROR(st.BindInt64(6, r.last_modified_ms));
    const int state_first = kCommonColumns + 1 + static_cast<int>(t.fixed.size());
    RETURN_IF_ERROR(t.bind_fixed(st, kCommonColumns + 1, r));
    RETURN_IF_ERROR(t.bind_state(st, state_first, r));
    RETURN_IF_ERROR(st.BindText(state_first + static_cast<int>(t.state.size()), r.request_json));
    RETURN_IF_ERROR(st.Run());
    return t.write_children != nullptr ? t.write_children(conn, r) : Status::Ok();
  });
}

// Reads the full record, lets `fn` change it and writes back its status, failure reason,
// last_modified_ms, state columns and children, in one write transaction. When `fn` returns an
// error nothing is written and that error is returned; t.not_found(name) when absent. `fn` must
// not use the database.
template <typename Record>
Status Update(Database& db, const JobTable<Record>& t, std::string_view name,
              const std::function<Status(Record*)>& fn) {
  return db.Write([&](SqlConnection& conn) -> Status {
    ASSIGN_OR_RETURN(Record r, Read(conn, t, name));
    RETURN_IF_ERROR(fn(&r));
    ASSIGN_OR_RETURN(SqlStatement st, conn.Prepare(UpdateSql(t.table, t.state)));
    RETURN_IF_ERROR(st.BindText(1, r.name));
    RETURN_IF_ERROR(st.BindText(2, JobStatusName(r.status)));
    RETURN_IF_ERROR(st.BindText(3, r.failure_reason));
    RETURN_IF_ERROR(st.BindInt64(4, r.last_modified_ms));
    RETURN_IF_ERROR(t.bind_state(st, 5, r));
    RETURN_IF_ERROR(st.Run());
    return t.write_children != nullptr ? t.write_children(conn, r) : Status::Ok();
  });
}

}  // namespace job_table
}  // namespace kiln
