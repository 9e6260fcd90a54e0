#include "transform/transform_job_store.h"

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

// transform_jobs' own columns (job_table.h has the common ones).
constexpr std::string_view kFixedColumns[] = {"model_name", "model_data_url"};
constexpr std::string_view kStateColumns[] = {"start_ms",     "end_ms",       "objects_total",
                                              "objects_done", "records_done", "bytes_total",
                                              "bytes_done"};

std::uint64_t Count(const SqlStatement& st, int index) {
  return static_cast<std::uint64_t>(st.ColumnInt64(index));
}

Status BindProgress(SqlStatement& st, int first, const TransformProgress& p) {
  RETURN_IF_ERROR(st.BindInt64(first, static_cast<std::int64_t>(p.objects_total)));
  RETURN_IF_ERROR(st.BindInt64(first + 1, static_cast<std::int64_t>(p.objects_done)));
  RETURN_IF_ERROR(st.BindInt64(first + 2, static_cast<std::int64_t>(p.records_done)));
  RETURN_IF_ERROR(st.BindInt64(first + 3, static_cast<std::int64_t>(p.bytes_total)));
  return st.BindInt64(first + 4, static_cast<std::int64_t>(p.bytes_done));
}

// How TransformJobRecord maps to transform_jobs.
constexpr JobTable<TransformJobRecord> kTable = {
    .table = "transform_jobs",
    .kind = "transform",
    .fixed = kFixedColumns,
    .state = kStateColumns,
    .read =
        [](const SqlStatement& st, int first, TransformJobRecord& r) {
          r.model_name = st.ColumnText(first);
          r.model_data_url = st.ColumnText(first + 1);
          r.start_ms = st.ColumnOptionalInt64(first + 2);
          r.end_ms = st.ColumnOptionalInt64(first + 3);
          r.progress.objects_total = Count(st, first + 4);
          r.progress.objects_done = Count(st, first + 5);
          r.progress.records_done = Count(st, first + 6);
          r.progress.bytes_total = Count(st, first + 7);
          r.progress.bytes_done = Count(st, first + 8);
        },
    .bind_fixed = [](SqlStatement& st, int first, const TransformJobRecord& r) -> Status {
      RETURN_IF_ERROR(st.BindText(first, r.model_name));
      return st.BindText(first + 1, r.model_data_url);
    },
    .bind_state = [](SqlStatement& st, int first, const TransformJobRecord& r) -> Status {
      RETURN_IF_ERROR(st.BindOptionalInt64(first, r.start_ms));
      RETURN_IF_ERROR(st.BindOptionalInt64(first + 1, r.end_ms));
      return BindProgress(st, first + 2, r.progress);
    },
    .not_found =
        [](std::string_view name) {
          return Status::NotFound("Could not find requested job with name " + std::string(name) +
                                  " (no transform job \"" + std::string(name) + "\" exists)");
        },
};

}  // namespace

Result<std::unique_ptr<TransformJobStore>> TransformJobStore::Open(Database& db) {
  RETURN_IF_ERROR(db.Migrate("transform", TransformMigrations()));
  return std::make_unique<TransformJobStore>(db);
}

Status TransformJobStore::Insert(const TransformJobRecord& r) {
  return job_table::Insert(db_, kTable, r);
}

Result<TransformJobRecord> TransformJobStore::Get(std::string_view name) {
  return job_table::Get(db_, kTable, name);
}

Result<std::vector<TransformJobRecord>> TransformJobStore::Summaries() {
  return job_table::Summaries(db_, kTable);
}

Result<std::vector<std::string>> TransformJobStore::Unfinished() {
  return job_table::Unfinished(db_, kTable.table);
}

Status TransformJobStore::Update(std::string_view name,
                                 const std::function<Status(TransformJobRecord*)>& fn) {
  return job_table::Update(db_, kTable, name, fn);
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
      RETURN_IF_ERROR(
          job_table::Read(conn, kTable, name).status());  // NotFound, or the job has ended
    return Status::Ok();
  });
}

}  // namespace kiln
