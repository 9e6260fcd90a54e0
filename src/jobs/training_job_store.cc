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

constexpr std::string_view kSummaryColumns =
    "name, arn, status, secondary_status, failure_reason, model_artifacts, creation_ms, "
    "last_modified_ms, training_start_ms, training_end_ms";

// Reads the summary columns (kSummaryColumns, from `first`) of the current row.
Result<TrainingJobRecord> ReadSummary(const SqlStatement& st, int first) {
  TrainingJobRecord r;
  r.name = st.ColumnText(first);
  r.arn = st.ColumnText(first + 1);
  const std::string status = st.ColumnText(first + 2);
  const auto parsed = ParseJobStatus(status);
  if (!parsed.has_value())
    return Status::Corruption("training job \"" + r.name + "\": unknown status \"" + status + "\"");
  r.status = *parsed;
  r.secondary_status = st.ColumnText(first + 3);
  r.failure_reason = st.ColumnText(first + 4);
  r.model_artifacts = st.ColumnText(first + 5);
  r.creation_ms = st.ColumnInt64(first + 6);
  r.last_modified_ms = st.ColumnInt64(first + 7);
  r.training_start_ms = st.ColumnOptionalInt64(first + 8);
  r.training_end_ms = st.ColumnOptionalInt64(first + 9);
  return r;
}

Result<TrainingJobRecord> GetIn(SqlConnection& conn, std::string_view name) {
  ASSIGN_OR_RETURN(SqlStatement st, conn.Prepare("SELECT request, " + std::string(kSummaryColumns) +
                                                 " FROM training_jobs WHERE name = ?1"));
  RETURN_IF_ERROR(st.BindText(1, name));
  ASSIGN_OR_RETURN(bool found, st.Step());
  if (!found) {
    return Status::NotFound("Requested resource not found: training job \"" + std::string(name) +
                            "\" does not exist.");
  }
  ASSIGN_OR_RETURN(TrainingJobRecord r, ReadSummary(st, 1));
  r.request_json = st.ColumnText(0);

  ASSIGN_OR_RETURN(SqlStatement tr,
                   conn.Prepare("SELECT status, start_ms, end_ms, message FROM "
                                "training_job_transitions WHERE job = ?1 ORDER BY seq"));
  RETURN_IF_ERROR(tr.BindText(1, name));
  RETURN_IF_ERROR(tr.ForEachRow([&] {
    r.transitions.push_back(
        {tr.ColumnText(0), tr.ColumnInt64(1), tr.ColumnOptionalInt64(2), tr.ColumnText(3)});
    return Status::Ok();
  }));
  ASSIGN_OR_RETURN(SqlStatement mt,
                   conn.Prepare("SELECT name, value, timestamp_ms FROM training_job_metrics "
                                "WHERE job = ?1 ORDER BY seq"));
  RETURN_IF_ERROR(mt.BindText(1, name));
  RETURN_IF_ERROR(mt.ForEachRow([&] {
    r.final_metrics.push_back({mt.ColumnText(0), mt.ColumnDouble(1), mt.ColumnInt64(2)});
    return Status::Ok();
  }));
  return r;
}

// Replaces the job's transitions and metrics with the record's.
Status WriteChildren(SqlConnection& conn, const TrainingJobRecord& r) {
  for (const char* table : {"training_job_transitions", "training_job_metrics"}) {
    ASSIGN_OR_RETURN(SqlStatement del,
                     conn.Prepare(std::string("DELETE FROM ") + table + " WHERE job = ?1"));
    RETURN_IF_ERROR(del.BindText(1, r.name));
    RETURN_IF_ERROR(del.Run());
  }
  ASSIGN_OR_RETURN(SqlStatement tr,
                   conn.Prepare("INSERT INTO training_job_transitions (job, seq, status, start_ms, "
                                "end_ms, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  for (std::size_t i = 0; i < r.transitions.size(); ++i) {
    const StatusTransition& t = r.transitions[i];
    tr.Reset();
    RETURN_IF_ERROR(tr.BindText(1, r.name));
    RETURN_IF_ERROR(tr.BindInt64(2, static_cast<std::int64_t>(i)));
    RETURN_IF_ERROR(tr.BindText(3, t.status));
    RETURN_IF_ERROR(tr.BindInt64(4, t.start_ms));
    RETURN_IF_ERROR(tr.BindOptionalInt64(5, t.end_ms));
    RETURN_IF_ERROR(tr.BindText(6, t.message));
    RETURN_IF_ERROR(tr.Run());
  }
  ASSIGN_OR_RETURN(SqlStatement mt,
                   conn.Prepare("INSERT INTO training_job_metrics (job, seq, name, value, "
                                "timestamp_ms) VALUES (?1, ?2, ?3, ?4, ?5)"));
  for (std::size_t i = 0; i < r.final_metrics.size(); ++i) {
    const FinalMetric& m = r.final_metrics[i];
    mt.Reset();
    RETURN_IF_ERROR(mt.BindText(1, r.name));
    RETURN_IF_ERROR(mt.BindInt64(2, static_cast<std::int64_t>(i)));
    RETURN_IF_ERROR(mt.BindText(3, m.name));
    RETURN_IF_ERROR(mt.BindDouble(4, m.value));
    RETURN_IF_ERROR(mt.BindInt64(5, m.timestamp_ms));
    RETURN_IF_ERROR(mt.Run());
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<TrainingJobStore>> TrainingJobStore::Open(Database& db) {
  RETURN_IF_ERROR(db.Migrate("jobs", JobMigrations()));
  return std::make_unique<TrainingJobStore>(db);
}

Status TrainingJobStore::Insert(const TrainingJobRecord& r) {
  return db_.Write([&](SqlConnection& conn) -> Status {
    RETURN_IF_ERROR(job_table::CheckNameFree(conn, "training_jobs", "training", r.name, r.arn));
    ASSIGN_OR_RETURN(
        SqlStatement st,
        conn.Prepare("INSERT INTO training_jobs (request, " + std::string(kSummaryColumns) +
                     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"));
    RETURN_IF_ERROR(st.BindText(1, r.request_json));
    RETURN_IF_ERROR(st.BindText(2, r.name));
    RETURN_IF_ERROR(st.BindText(3, r.arn));
    RETURN_IF_ERROR(st.BindText(4, JobStatusName(r.status)));
    RETURN_IF_ERROR(st.BindText(5, r.secondary_status));
    RETURN_IF_ERROR(st.BindText(6, r.failure_reason));
    RETURN_IF_ERROR(st.BindText(7, r.model_artifacts));
    RETURN_IF_ERROR(st.BindInt64(8, r.creation_ms));
    RETURN_IF_ERROR(st.BindInt64(9, r.last_modified_ms));
    RETURN_IF_ERROR(st.BindOptionalInt64(10, r.training_start_ms));
    RETURN_IF_ERROR(st.BindOptionalInt64(11, r.training_end_ms));
    RETURN_IF_ERROR(st.Run());
    return WriteChildren(conn, r);
  });
}

Result<TrainingJobRecord> TrainingJobStore::Get(std::string_view name) {
  return db_.ReadValue<TrainingJobRecord>([&](SqlConnection& conn) { return GetIn(conn, name); });
}

Result<std::vector<TrainingJobRecord>> TrainingJobStore::Summaries() {
  return db_.ReadRows<TrainingJobRecord>(
      "SELECT " + std::string(kSummaryColumns) + " FROM training_jobs",
      [](const SqlStatement& st) { return ReadSummary(st, 0); });
}

Result<std::vector<std::string>> TrainingJobStore::Unfinished() {
  return job_table::Unfinished(db_, "training_jobs");
}

Status TrainingJobStore::Update(std::string_view name,
                                const std::function<Status(TrainingJobRecord*)>& fn) {
  return db_.Write([&](SqlConnection& conn) -> Status {
    ASSIGN_OR_RETURN(TrainingJobRecord r, GetIn(conn, name));
    RETURN_IF_ERROR(fn(&r));
    ASSIGN_OR_RETURN(SqlStatement st,
                     conn.Prepare("UPDATE training_jobs SET status = ?2, secondary_status = ?3, "
                                  "failure_reason = ?4, last_modified_ms = ?5, "
                                  "training_start_ms = ?6, training_end_ms = ?7 WHERE name = ?1"));
    RETURN_IF_ERROR(st.BindText(1, r.name));
    RETURN_IF_ERROR(st.BindText(2, JobStatusName(r.status)));
    RETURN_IF_ERROR(st.BindText(3, r.secondary_status));
    RETURN_IF_ERROR(st.BindText(4, r.failure_reason));
    RETURN_IF_ERROR(st.BindInt64(5, r.last_modified_ms));
    RETURN_IF_ERROR(st.BindOptionalInt64(6, r.training_start_ms));
    RETURN_IF_ERROR(st.BindOptionalInt64(7, r.training_end_ms));
    RETURN_IF_ERROR(st.Run());
    return WriteChildren(conn, r);
  });
}

}  // namespace kiln
