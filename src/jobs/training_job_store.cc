#include "jobs/training_job_store.h"

#include <vector>

#include "jobs/job_table.h"
#include "meta/database.h"

namespace kiln {
namespace {

const std::vector<Migration>& JobMigrations() {
  static const std::vector<Migration> kMigrations = {
      {"0001_training_jobs", R"sql(
CREATE TABLE training_jobs (
  name TEXT PRIMARY KEY,
  arn TEXT NOT NULL UNIQUE,
  request TEXT NOT NULL,
  status TEXT NOT NULL,
  secondary_status TEXT NOT NULL,
  failure_reason TEXT NOT NULL,
  model_artifacts TEXT NOT NULL,
  creation_ms INTEGER NOT NULL,
  last_modified_ms INTEGER NOT NULL,
  training_start_ms INTEGER,
  training_end_ms INTEGER
) WITHOUT ROWID;
CREATE INDEX training_jobs_status ON training_jobs(status);

CREATE TABLE training_job_transitions (
  job TEXT NOT NULL REFERENCES training_jobs(name) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  status TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  end_ms INTEGER,
  message TEXT NOT NULL,
  PRIMARY KEY (job, seq)
) WITHOUT ROWID;

CREATE TABLE training_job_metrics (
  job TEXT NOT NULL REFERENCES training_jobs(name) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  name TEXT NOT NULL,
  value REAL NOT NULL,
  timestamp_ms INTEGER NOT NULL,
  PRIMARY KEY (job, seq)
) WITHOUT ROWID;
)sql"},
  };
  return kMigrations;
}

// training_jobs' own columns (job_table.h has the common ones).
constexpr std::string_view kFixedColumns[] = {"model_artifacts"};
constexpr std::string_view kStateColumns[] = {"secondary_status", "training_start_ms",
                                              "training_end_ms"};

// The job's rows of a child table, in seq order: `sql` selects them for the job bound as ?1;
// `row` reads the current one.
Status ReadNumbered(SqlConnection& conn, std::string_view sql, const std::string& job,
                    const std::function<void(const SqlStatement&)>& row) {
  ASSIGN_OR_RETURN(SqlStatement st, conn.Prepare(sql));
  RETURN_IF_ERROR(st.BindText(1, job));
  return st.ForEachRow([&] {
    row(st);
    return Status::Ok();
  });
}

// Inserts a child row per item: `sql` takes the job as ?1, the item's index as ?2 (seq) and
// `bind_item` binds the item's values from ?3.
template <typename Item>
Status InsertNumbered(SqlConnection& conn, std::string_view sql, const std::string& job,
                      const std::vector<Item>& items,
                      Status (*bind_item)(SqlStatement& st, const Item& item)) {
  ASSIGN_OR_RETURN(SqlStatement st, conn.Prepare(sql));
  for (std::size_t i = 0; i < items.size(); ++i) {
    st.Reset();
    RETURN_IF_ERROR(st.BindText(1, job));
    RETURN_IF_ERROR(st.BindInt64(2, static_cast<std::int64_t>(i)));
    RETURN_IF_ERROR(bind_item(st, items[i]));
    RETURN_IF_ERROR(st.Run());
  }
  return Status::Ok();
}

Status BindTransition(SqlStatement& st, const StatusTransition& t) {
  RETURN_IF_ERROR(st.BindText(3, t.status));
  RETURN_IF_ERROR(st.BindInt64(4, t.start_ms));
  RETURN_IF_ERROR(st.BindOptionalInt64(5, t.end_ms));
  return st.BindText(6, t.message);
}

Status BindMetric(SqlStatement& st, const FinalMetric& m) {
  RETURN_IF_ERROR(st.BindText(3, m.name));
  RETURN_IF_ERROR(st.BindDouble(4, m.value));
  return st.BindInt64(5, m.timestamp_ms);
}

// The job's transitions and metrics.
Status ReadChildren(SqlConnection& conn, TrainingJobRecord& r) {
  RETURN_IF_ERROR(ReadNumbered(conn,
                               "SELECT status, start_ms, end_ms, message FROM "
                               "training_job_transitions WHERE job = ?1 ORDER BY seq",
                               r.name, [&](const SqlStatement& st) {
                                 r.transitions.push_back({st.ColumnText(0), st.ColumnInt64(1),
                                                          st.ColumnOptionalInt64(2),
                                                          st.ColumnText(3)});
                               }));
  return ReadNumbered(
      conn,
      "SELECT name, value, timestamp_ms FROM training_job_metrics WHERE job = ?1 ORDER BY seq",
      r.name, [&](const SqlStatement& st) {
        r.final_metrics.push_back({st.ColumnText(0), st.ColumnDouble(1), st.ColumnInt64(2)});
      });
}

// Replaces the job's transitions and metrics with the record's.
Status WriteChildren(SqlConnection& conn, const TrainingJobRecord& r) {
  for (const char* table : {"training_job_transitions", "training_job_metrics"}) {
    ASSIGN_OR_RETURN(SqlStatement del,
                     conn.Prepare(std::string("DELETE FROM ") + table + " WHERE job = ?1"));
    RETURN_IF_ERROR(del.BindText(1, r.name));
    RETURN_IF_ERROR(del.Run());
  }
  RETURN_IF_ERROR(InsertNumbered(conn,
                                 "INSERT INTO training_job_transitions (job, seq, status, "
                                 "start_ms, end_ms, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                 r.name, r.transitions, &BindTransition));
  return InsertNumbered(conn,
                        "INSERT INTO training_job_metrics (job, seq, name, value, timestamp_ms) "
                        "VALUES (?1, ?2, ?3, ?4, ?5)",
                        r.name, r.final_metrics, &BindMetric);
}

// How TrainingJobRecord maps to training_jobs and its child tables.
constexpr JobTable<TrainingJobRecord> kTable = {
    .table = "training_jobs",
    .kind = "training",
    .fixed = kFixedColumns,
    .state = kStateColumns,
    .read =
        [](const SqlStatement& st, int first, TrainingJobRecord& r) {
          r.model_artifacts = st.ColumnText(first);
          r.secondary_status = st.ColumnText(first + 1);
          r.training_start_ms = st.ColumnOptionalInt64(first + 2);
          r.training_end_ms = st.ColumnOptionalInt64(first + 3);
        },
    .bind_fixed = [](SqlStatement& st, int first, const TrainingJobRecord& r) -> Status {
      return st.BindText(first, r.model_artifacts);
    },
    .bind_state = [](SqlStatement& st, int first, const TrainingJobRecord& r) -> Status {
      RETURN_IF_ERROR(st.BindText(first, r.secondary_status));
      RETURN_IF_ERROR(st.BindOptionalInt64(first + 1, r.training_start_ms));
      return st.BindOptionalInt64(first + 2, r.training_end_ms);
    },
    .not_found =
        [](std::string_view name) {
          return Status::NotFound("Requested resource not found: training job \"" +
                                  std::string(name) + "\" does not exist.");
        },
    .read_children = &ReadChildren,
    .write_children = &WriteChildren,
};

}  // namespace

Result<std::unique_ptr<TrainingJobStore>> TrainingJobStore::Open(Database& db) {
  RETURN_IF_ERROR(db.Migrate("jobs", JobMigrations()));
  return std::make_unique<TrainingJobStore>(db);
}

Status TrainingJobStore::Insert(const TrainingJobRecord& r) {
  return job_table::Insert(db_, kTable, r);
}

Result<TrainingJobRecord> TrainingJobStore::Get(std::string_view name) {
  return job_table::Get(db_, kTable, name);
}

Result<std::vector<TrainingJobRecord>> TrainingJobStore::Summaries() {
  return job_table::Summaries(db_, kTable);
}

Result<std::vector<std::string>> TrainingJobStore::Unfinished() {
  return job_table::Unfinished(db_, kTable.table);
}

Status TrainingJobStore::Update(std::string_view name,
                                const std::function<Status(TrainingJobRecord*)>& fn) {
  return job_table::Update(db_, kTable, name, fn);
}

}  // namespace kiln
