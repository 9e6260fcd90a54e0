#include "autoscale/scaling_store.h"

#include "meta/database.h"

namespace kiln {
namespace {

const std::vector<Migration>& AutoscaleMigrations() {
  static const std::vector<Migration> kMigrations = {
      {"0001_autoscaling", R"sql(
CREATE TABLE autoscale_targets (
  resource_id TEXT PRIMARY KEY,
  min_capacity INTEGER NOT NULL,
  max_capacity INTEGER NOT NULL,
  role_arn TEXT NOT NULL,
  scaling_in_suspended INTEGER NOT NULL,
  scaling_out_suspended INTEGER NOT NULL,
  scheduled_suspended INTEGER NOT NULL,
  arn TEXT NOT NULL,
  creation_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE autoscale_policies (
  resource_id TEXT NOT NULL REFERENCES autoscale_targets(resource_id) ON DELETE CASCADE,
  policy_name TEXT NOT NULL,
  arn TEXT NOT NULL,
  metric_type TEXT NOT NULL,
  resource_label TEXT NOT NULL,
  target_value REAL NOT NULL,
  scale_out_cooldown_s INTEGER,
  scale_in_cooldown_s INTEGER,
  disable_scale_in INTEGER NOT NULL,
  creation_ms INTEGER NOT NULL,
  PRIMARY KEY (resource_id, policy_name)
) WITHOUT ROWID;

CREATE TABLE autoscale_activities (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  activity_id TEXT NOT NULL UNIQUE,
  resource_id TEXT NOT NULL,
  description TEXT NOT NULL,
  cause TEXT NOT NULL,
  start_ms INTEGER NOT NULL,
  end_ms INTEGER,
  status TEXT NOT NULL,
  status_message TEXT NOT NULL,
  from_capacity INTEGER NOT NULL,
  to_capacity INTEGER NOT NULL
);
CREATE INDEX autoscale_activities_by_target ON autoscale_activities (resource_id, seq);
)sql"},
  };
  return kMigrations;
}

constexpr char kTargetColumns[] =
    "resource_id, min_capacity, max_capacity, role_arn, scaling_in_suspended, "
    "scaling_out_suspended, scheduled_suspended, arn, creation_ms";
constexpr char kPolicyColumns[] =
    "resource_id, policy_name, arn, metric_type, resource_label, target_value, "
    "scale_out_cooldown_s, scale_in_cooldown_s, disable_scale_in, creation_ms";
constexpr char kActivityColumns[] =
    "activity_id, resource_id, description, cause, start_ms, end_ms, status, status_message, "
    "from_capacity, to_capacity";

ScalableTarget TargetFrom(const SqlStatement& st) {
  ScalableTarget t;
  t.resource_id = st.ColumnText(0);
  t.min_capacity = static_cast<int>(st.ColumnInt64(1));
  t.max_capacity = static_cast<int>(st.ColumnInt64(2));
  t.role_arn = st.ColumnText(3);
  t.suspended.dynamic_scaling_in_suspended = st.ColumnInt64(4) != 0;
  t.suspended.dynamic_scaling_out_suspended = st.ColumnInt64(5) != 0;
  t.suspended.scheduled_scaling_suspended = st.ColumnInt64(6) != 0;
  t.arn = st.ColumnText(7);
  t.creation_ms = st.ColumnInt64(8);
  return t;
}

std::optional<int> OptionalInt(const SqlStatement& st, int column) {
  if (st.ColumnIsNull(column))
    return std::nullopt;
  return static_cast<int>(st.ColumnInt64(column));
}

ScalingPolicy PolicyFrom(const SqlStatement& st) {
  ScalingPolicy p;
  p.resource_id = st.ColumnText(0);
  p.policy_name = st.ColumnText(1);
  p.arn = st.ColumnText(2);
  p.metric_type = st.ColumnText(3);
  p.resource_label = st.ColumnText(4);
  p.target_value = st.ColumnDouble(5);
  p.scale_out_cooldown_s = OptionalInt(st, 6);
  p.scale_in_cooldown_s = OptionalInt(st, 7);
  p.disable_scale_in = st.ColumnInt64(8) != 0;
  p.creation_ms = st.ColumnInt64(9);
  return p;
}

Result<ScalingActivity> ActivityFrom(const SqlStatement& st) {
  ScalingActivity a;
  a.activity_id = st.ColumnText(0);
  a.resource_id = st.ColumnText(1);
  a.description = st.ColumnText(2);
  a.cause = st.ColumnText(3);
  a.start_ms = st.ColumnInt64(4);
  if (!st.ColumnIsNull(5))
    a.end_ms = st.ColumnInt64(5);
  const std::optional<ActivityStatus> status = ParseActivityStatus(st.ColumnView(6));
  if (!status)
    return Status::Corruption("scaling activity " + a.activity_id + " has the unknown status \"" +
                              st.ColumnText(6) + "\"");
  a.status = *status;
  a.status_message = st.ColumnText(7);
  a.from_capacity = static_cast<int>(st.ColumnInt64(8));
  a.to_capacity = static_cast<int>(st.ColumnInt64(9));
  return a;
}

Status BindOptionalInt(SqlStatement& st, int index, const std::optional<int>& v) {
  return v ? st.BindInt64(index, *v) : st.BindNull(index);
}

// Runs a SELECT with an optional resource_id filter (bound as ?1), passing each row to `row`.
template <typename RowFn>
Status SelectRows(Database& db, const std::string& sql_all, const std::string& sql_one,
                  std::optional<std::string_view> resource_id, RowFn row) {
  return db.Read([&](SqlConnection& conn) -> Status {
    ASSIGN_OR_RETURN(SqlStatement st, conn.Prepare(resource_id ? sql_one : sql_all));
    if (resource_id)
      RETURN_IF_ERROR(st.BindText(1, *resource_id));
    while (true) {
      ASSIGN_OR_RETURN(bool more, st.Step());
      if (!more)
        return Status::Ok();
      RETURN_IF_ERROR(row(st));
    }
  });
}

}  // namespace

Result<std::unique_ptr<ScalingStore>> ScalingStore::Open(Database& db) {
  RETURN_IF_ERROR(db.Migrate("autoscale", AutoscaleMigrations()));
  return std::make_unique<ScalingStore>(db);
}

Status ScalingStore::PutTarget(const ScalableTarget& t) {
  return db_.Write([&](SqlConnection& conn) -> Status {
    ASSIGN_OR_RETURN(
        SqlStatement st,
        conn.Prepare(std::string("INSERT INTO autoscale_targets (") + kTargetColumns +
                     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (resource_id) DO "
                     "UPDATE SET min_capacity = ?2, max_capacity = ?3, role_arn = ?4, "
                     "scaling_in_suspended = ?5, scaling_out_suspended = ?6, "
                     "scheduled_suspended = ?7, arn = ?8, creation_ms = ?9"));
    RETURN_IF_ERROR(st.BindText(1, t.resource_id));
    RETURN_IF_ERROR(st.BindInt64(2, t.min_capacity));
    RETURN_IF_ERROR(st.BindInt64(3, t.max_capacity));
    RETURN_IF_ERROR(st.BindText(4, t.role_arn));
    RETURN_IF_ERROR(st.BindInt64(5, t.suspended.dynamic_scaling_in_suspended));
    RETURN_IF_ERROR(st.BindInt64(6, t.suspended.dynamic_scaling_out_suspended));
    RETURN_IF_ERROR(st.BindInt64(7, t.suspended.scheduled_scaling_suspended));
    RETURN_IF_ERROR(st.BindText(8, t.arn));
    RETURN_IF_ERROR(st.BindInt64(9, t.creation_ms));
    return st.Run();
  });
}

Result<std::optional<ScalableTarget>> ScalingStore::FindTarget(std::string_view resource_id) {
  std::optional<ScalableTarget> found;
  const std::string sql =
      std::string("SELECT ") + kTargetColumns + " FROM autoscale_targets WHERE resource_id = ?1";
  RETURN_IF_ERROR(SelectRows(db_, sql, sql, resource_id, [&](const SqlStatement& st) {
    found = TargetFrom(st);
    return Status::Ok();
  }));
  return found;
}

Result<std::vector<ScalableTarget>> ScalingStore::ListTargets() {
  std::vector<ScalableTarget> out;
  const std::string sql =
      std::string("SELECT ") + kTargetColumns + " FROM autoscale_targets ORDER BY resource_id";
  RETURN_IF_ERROR(SelectRows(db_, sql, sql, std::nullopt, [&](const SqlStatement& st) {
    out.push_back(TargetFrom(st));
    return Status::Ok();
  }));
  return out;
}

Result<bool> ScalingStore::DeleteTarget(std::string_view resource_id) {
  bool removed = false;
  RETURN_IF_ERROR(db_.Write([&](SqlConnection& conn) -> Status {
    ASSIGN_OR_RETURN(SqlStatement policies,
                     conn.Prepare("DELETE FROM autoscale_policies WHERE resource_id = ?1"));
    RETURN_IF_ERROR(policies.BindText(1, resource_id));
    RETURN_IF_ERROR(policies.Run());
    ASSIGN_OR_RETURN(SqlStatement st,
                     conn.Prepare("DELETE FROM autoscale_targets WHERE resource_id = ?1"));
    RETURN_IF_ERROR(st.BindText(1, resource_id));
    RETURN_IF_ERROR(st.Run());
    removed = conn.Changes() > 0;
    return Status::Ok();
  }));
  return removed;
}

Status ScalingStore::PutPolicy(const ScalingPolicy& p) {
  return db_.Write([&](SqlConnection& conn) -> Status {
    ASSIGN_OR_RETURN(
        SqlStatement st,
        conn.Prepare(std::string("INSERT OR REPLACE INTO autoscale_policies (") + kPolicyColumns +
                     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
    RETURN_IF_ERROR(st.BindText(1, p.resource_id));
    RETURN_IF_ERROR(st.BindText(2, p.policy_name));
    RETURN_IF_ERROR(st.BindText(3, p.arn));
    RETURN_IF_ERROR(st.BindText(4, p.metric_type));
    RETURN_IF_ERROR(st.BindText(5, p.resource_label));
    RETURN_IF_ERROR(st.BindDouble(6, p.target_value));
    RETURN_IF_ERROR(BindOptionalInt(st, 7, p.scale_out_cooldown_s));
    RETURN_IF_ERROR(BindOptionalInt(st, 8, p.scale_in_cooldown_s));
    RETURN_IF_ERROR(st.BindInt64(9, p.disable_scale_in));
    RETURN_IF_ERROR(st.BindInt64(10, p.creation_ms));
    return st.Run();
  });
}

Result<std::vector<ScalingPolicy>> ScalingStore::ListPolicies(
    std::optional<std::string_view> resource_id) {
  std::vector<ScalingPolicy> out;
  const std::string select = std::string("SELECT ") + kPolicyColumns + " FROM autoscale_policies";
  const std::string order = " ORDER BY resource_id, policy_name";
  RETURN_IF_ERROR(SelectRows(db_, select + order, select + " WHERE resource_id = ?1" + order,
                             resource_id, [&](const SqlStatement& st) {
                               out.push_back(PolicyFrom(st));
                               return Status::Ok();
                             }));
  return out;
}

Result<bool> ScalingStore::DeletePolicy(std::string_view resource_id,
                                        std::string_view policy_name) {
  bool removed = false;
  RETURN_IF_ERROR(db_.Write([&](SqlConnection& conn) -> Status {
    ASSIGN_OR_RETURN(
        SqlStatement st,
        conn.Prepare("DELETE FROM autoscale_policies WHERE resource_id = ?1 AND policy_name = ?2"));
    RETURN_IF_ERROR(st.BindText(1, resource_id));
    RETURN_IF_ERROR(st.BindText(2, policy_name));
    RETURN_IF_ERROR(st.Run());
    removed = conn.Changes() > 0;
    return Status::Ok();
  }));
  return removed;
}

Status ScalingStore::PutActivity(const ScalingActivity& a) {
  return db_.Write([&](SqlConnection& conn) -> Status {
    ASSIGN_OR_RETURN(
        SqlStatement st,
        conn.Prepare(std::string("INSERT INTO autoscale_activities (") + kActivityColumns +
                     ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT "
                     "(activity_id) DO UPDATE SET description = ?3, cause = ?4, start_ms = ?5, "
                     "end_ms = ?6, status = ?7, status_message = ?8, from_capacity = ?9, "
                     "to_capacity = ?10"));
    RETURN_IF_ERROR(st.BindText(1, a.activity_id));
    RETURN_IF_ERROR(st.BindText(2, a.resource_id));
    RETURN_IF_ERROR(st.BindText(3, a.description));
    RETURN_IF_ERROR(st.BindText(4, a.cause));
    RETURN_IF_ERROR(st.BindInt64(5, a.start_ms));
    RETURN_IF_ERROR(a.end_ms ? st.BindInt64(6, *a.end_ms) : st.BindNull(6));
    RETURN_IF_ERROR(st.BindText(7, ActivityStatusName(a.status)));
    RETURN_IF_ERROR(st.BindText(8, a.status_message));
    RETURN_IF_ERROR(st.BindInt64(9, a.from_capacity));
    RETURN_IF_ERROR(st.BindInt64(10, a.to_capacity));
    RETURN_IF_ERROR(st.Run());
    ASSIGN_OR_RETURN(SqlStatement prune,
                     conn.Prepare("DELETE FROM autoscale_activities WHERE resource_id = ?1 AND "
                                  "seq NOT IN (SELECT seq FROM autoscale_activities WHERE "
                                  "resource_id = ?1 ORDER BY seq DESC LIMIT ?2)"));
    RETURN_IF_ERROR(prune.BindText(1, a.resource_id));
    RETURN_IF_ERROR(prune.BindInt64(2, kMaxActivitiesPerTarget));
    return prune.Run();
  });
}

Result<std::vector<ScalingActivity>> ScalingStore::ListActivities(
    std::optional<std::string_view> resource_id) {
  std::vector<ScalingActivity> out;
  const std::string select =
      std::string("SELECT ") + kActivityColumns + " FROM autoscale_activities";
  const std::string order = " ORDER BY seq DESC";
  RETURN_IF_ERROR(SelectRows(db_, select + order, select + " WHERE resource_id = ?1" + order,
                             resource_id, [&](const SqlStatement& st) -> Status {
                               ASSIGN_OR_RETURN(ScalingActivity a, ActivityFrom(st));
                               out.push_back(std::move(a));
                               return Status::Ok();
                             }));
  return out;
}

Result<int> ScalingStore::FailUnfinishedActivities(std::int64_t end_ms, std::string_view message) {
  int changed = 0;
  RETURN_IF_ERROR(db_.Write([&](SqlConnection& conn) -> Status {
    ASSIGN_OR_RETURN(SqlStatement st,
                     conn.Prepare("UPDATE autoscale_activities SET status = 'Failed', end_ms = ?1, "
                                  "status_message = ?2 WHERE status IN ('InProgress', 'Pending')"));
    RETURN_IF_ERROR(st.BindInt64(1, end_ms));
    RETURN_IF_ERROR(st.BindText(2, message));
    RETURN_IF_ERROR(st.Run());
    changed = conn.Changes();
    return Status::Ok();
  }));
  return changed;
}

}  // namespace kiln
