#include "transform/transform_job_store.h"

#include <optional>
#include <vector>

#include "jobs/job_table.h"
#include "meta/database.h"

namespace kiln {
namespace {

const std::vector<Migration>& TransformMigrations() {
  static const std::vector<Migration> kMigrations = {
      {"0001_transform_jobs", R"sql(
CREATE TABLE transform_jobs (
  name TEXT PRIMARY KEY,
  arn TEXT NOT NULL UNIQUE,
  request TEXT NOT NULL,
  status TEXT NOT NULL,
  failure_reason TEXT NOT NULL,
  model_name TEXT NOT NULL,
  model_data_url TEXT NOT NULL,
  creation_ms INTEGER NOT NULL,
  last_modified_ms INTEGER NOT NULL,
  start_ms INTEGER,
  end_ms INTEGER,
  objects_total INTEGER NOT NULL,
  objects_done INTEGER NOT NULL,
  records_done INTEGER NOT NULL,
  bytes_total INTEGER NOT NULL,
  bytes_done INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX transform_jobs_status ON transform_jobs(status);
)sql"},
  };
  return kMigrations;
}

constexpr std::string_view kColumns =
    "name, arn, status, failure_reason, model_name, model_data_url, creation_ms, "
    "last_modified_ms, start_ms, end_ms, objects_total, objects_done, records_done, bytes_total, "
    "bytes_done";

std::uint64_t Count(const SqlStatement& st, int index) {
  return static_cast<std::uint64_t>(st.ColumnInt64(index));
}

// Reads kColumns, from column `first`, of the current row.
Result<TransformJobRecord> ReadRow(const SqlStatement& st, int first) {
  TransformJobRecord r;
  r.name = st.ColumnText(first);
  r.arn = st.ColumnText(first + 1);
  const std::string status = st.ColumnText(first + 2);
  const auto parsed = ParseJobStatus(status);
  if (!parsed.has_value())
    return Status::Corruption("transform job \"" + r.name + "\": unknown status \"" + status +
                              "\"");
  r.status = *parsed;
  r.failure_reason = st.ColumnText(first + 3);
  r.model_name = st.ColumnText(first + 4);
  r.model_data_url = st.ColumnText(first + 5);
  r.creation_ms = st.ColumnInt64(first + 6);
  r.last_modified_ms = st.ColumnInt64(first + 7);
  r.start_ms = st.ColumnOptionalInt64(first + 8);
  r.end_ms = st.ColumnOptionalInt64(first + 9);
  r.progress.objects_total = Count(st, first + 10);
  r.progress.objects_done = Count(st, first + 11);
  r.progress.records_done = Count(st, first + 12);
  r.progress.bytes_total = Count(st, first + 13);
  r.progress.bytes_done = Count(st, first + 14);
  return r;
}

Result<TransformJobRecord> GetIn(SqlConnection& conn, std::string_view name) {
  ASSIGN_OR_RETURN(SqlStatement st, conn.Prepare("SELECT request, " + std::string(kColumns) +
                                                 " FROM transform_jobs WHERE name = ?1"));
  RETURN_IF_ERROR(st.BindText(1, name));
  ASSIGN_OR_RETURN(bool found, st.Step());
  if (!found) {
    return Status::NotFound("Could not find requested job with name " + std::string(name) +
                            " (no transform job \"" + std::string(name) + "\" exists)");
  }
  ASSIGN_OR_RETURN(TransformJobRecord r, ReadRow(st, 1));
  r.request_json = st.ColumnText(0);
  return r;
}

Status BindProgress(SqlStatement& st, int first, const TransformProgress& p) {
  RETURN_IF_ERROR(st.BindInt64(first, static_cast<std::int64_t>(p.objects_total)));
  RETURN_IF_ERROR(st.BindInt64(first + 1, static_cast<std::int64_t>(p.objects_done)));
  RETURN_IF_ERROR(st.BindInt64(first + 2, static_cast<std::int64_t>(p.records_done)));
  RETURN_IF_ERROR(st.BindInt64(first + 3, static_cast<std::int64_t>(p.bytes_total)));
  return st.BindInt64(first + 4, static_cast<std::int64_t>(p.bytes_done));
}

}  // namespace

Result<std::unique_ptr<TransformJobStore>> TransformJobStore::Open(Database& db) {
  RETURN_IF_ERROR(db.Migrate("transform", TransformMigrations()));
  return std::make_unique<TransformJobStore>(db);
}

Status TransformJobStore::Insert(const TransformJobRecord& r) {
  return db_.Write([&](SqlConnection& conn) -> Status {
    RETURN_IF_ERROR(job_table::CheckNameFree(conn, "transform_jobs", "transform", r.name, r.arn));
    ASSIGN_OR_RETURN(SqlStatement st,
                     conn.Prepare("INSERT INTO transform_jobs (request, " + std::string(kColumns) +
                                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                                  "?13, ?14, ?15, ?16)"));
    RETURN_IF_ERROR(st.BindText(1, r.request_json));
    RETURN_IF_ERROR(st.BindText(2, r.name));
    RETURN_IF_ERROR(st.BindText(3, r.arn));
    RETURN_IF_ERROR(st.BindText(4, JobStatusName(r.status)));
    RETURN_IF_ERROR(st.BindText(5, r.failure_reason));
    RETURN_IF_ERROR(st.BindText(6, r.model_name));
    RETURN_IF_ERROR(st.BindText(7, r.model_data_url));
    RETURN_IF_ERROR(st.BindInt64(8, r.creation_ms));
    RETURN_IF_ERROR(st.BindInt64(9, r.last_modified_ms));
    RETURN_IF_ERROR(st.BindOptionalInt64(10, r.start_ms));
    RETURN_IF_ERROR(st.BindOptionalInt64(11, r.end_ms));
    RETURN_IF_ERROR(BindProgress(st, 12, r.progress));
    return st.Run();
  });
}

Result<TransformJobRecord> TransformJobStore::Get(std::string_view name) {
  return db_.ReadValue<TransformJobRecord>([&](SqlConnection& conn) { return GetIn(conn, name); });
}

Result<std::vector<TransformJobRecord>> TransformJobStore::Summaries() {
  return db_.ReadRows<TransformJobRecord>(
      "SELECT " + std::string(kColumns) + " FROM transform_jobs",
      [](const SqlStatement& st) { return ReadRow(st, 0); });
}

Result<std::vector<std::string>> TransformJobStore::Unfinished() {
  return job_table::Unfinished(db_, "transform_jobs");
}

Status TransformJobStore::Update(std::string_view name,
                                 const std::function<Status(TransformJobRecord*)>& fn) {
  return db_.Write([&](SqlConnection& conn) -> Status {
    ASSIGN_OR_RETURN(TransformJobRecord r, GetIn(conn, name));
    RETURN_IF_ERROR(fn(&r));
    ASSIGN_OR_RETURN(SqlStatement st,
                     conn.Prepare("UPDATE transform_jobs SET status = ?2, failure_reason = ?3, "
                                  "last_modified_ms = ?4, start_ms = ?5, end_ms = ?6, "
                                  "objects_total = ?7, objects_done = ?8, records_done = ?9, "
                                  "bytes_total = ?10, bytes_done = ?11 WHERE name = ?1"));
    RETURN_IF_ERROR(st.BindText(1, r.name));
    RETURN_IF_ERROR(st.BindText(2, JobStatusName(r.status)));
    RETURN_IF_ERROR(st.BindText(3, r.failure_reason));
    RETURN_IF_ERROR(st.BindInt64(4, r.last_modified_ms));
    RETURN_IF_ERROR(st.BindOptionalInt64(5, r.start_ms));
    RETURN_IF_ERROR(st.BindOptionalInt64(6, r.end_ms));
    RETURN_IF_ERROR(BindProgress(st, 7, r.progress));
    return st.Run();
  });
}

Status TransformJobStore::SaveProgress(std::string_view name, const TransformProgress& progress) {
  return db_.Write([&](SqlConnection& conn) -> Status {
    ASSIGN_OR_RETURN(
        SqlStatement st,
        conn.Prepare("UPDATE transform_jobs SET objects_total = ?2, objects_done = ?3, "
                     "records_done = ?4, bytes_total = ?5, bytes_done = ?6 "
                     "WHERE name = ?1 AND end_ms IS NULL"));
    RETURN_IF_ERROR(st.BindText(1, name));
    RETURN_IF_ERROR(BindProgress(st, 2, progress));
    RETURN_IF_ERROR(st.Run());
    if (conn.Changes() == 0)
      RETURN_IF_ERROR(GetIn(conn, name).status());  // NotFound, or the job has ended
    return Status::Ok();
  });
}

}  // namespace kiln
