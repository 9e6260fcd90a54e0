#include "serve/endpoint_store.h"

#include <string>

#include "meta/database.h"
#include "serve/internal/record_json.h"

namespace kiln {
namespace {

using serve_internal::ConfigSpecFromJson;
using serve_internal::ConfigSpecToJson;
using serve_internal::EndpointSpecFromJson;
using serve_internal::EndpointSpecToJson;
using serve_internal::KeyValuesFromJson;
using serve_internal::KeyValuesToJson;
using serve_internal::ModelSpecFromJson;
using serve_internal::ModelSpecToJson;

const std::vector<Migration>& ServeMigrations() {
  static const std::vector<Migration> kMigrations = {
      {"0001_endpoints", R"sql(
CREATE TABLE serve_models (
  name TEXT PRIMARY KEY,
  arn TEXT NOT NULL UNIQUE,
  spec TEXT NOT NULL,
  creation_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE serve_endpoint_configs (
  name TEXT PRIMARY KEY,
  arn TEXT NOT NULL UNIQUE,
  spec TEXT NOT NULL,
  creation_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE serve_endpoints (
  name TEXT PRIMARY KEY,
  arn TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  failure_reason TEXT NOT NULL,
  current_spec TEXT NOT NULL,
  pending_spec TEXT,
  pending_kind TEXT NOT NULL,
  pending_start_ms INTEGER NOT NULL,
  generation INTEGER NOT NULL,
  tags TEXT NOT NULL,
  creation_ms INTEGER NOT NULL,
  last_modified_ms INTEGER NOT NULL
) WITHOUT ROWID;
)sql"},
  };
  return kMigrations;
}

// Models and configs share one row shape: (name, arn, spec, creation_ms).
struct SpecRow {
  std::string name;
  std::string arn;
  std::string spec;
  std::int64_t creation_ms = 0;
};

Status InsertSpecRow(Database& db, const char* table, const SpecRow& row) {
  return db.Write([&](SqlConnection& conn) -> Status {
    ASSIGN_OR_RETURN(SqlStatement st,
                     conn.Prepare(std::string("INSERT INTO ") + table +
                                  " (name, arn, spec, creation_ms) VALUES (?1, ?2, ?3, ?4)"));
    RETURN_IF_ERROR(st.BindText(1, row.name));
    RETURN_IF_ERROR(st.BindText(2, row.arn));
    RETURN_IF_ERROR(st.BindText(3, row.spec));
    RETURN_IF_ERROR(st.BindInt64(4, row.creation_ms));
    return st.Run();
  });
}

// Rows of `table`, all or (with a name) at most the one named.
Result<std::vector<SpecRow>> ReadSpecRows(Database& db, const char* table,
                                          std::optional<std::string_view> name) {
  std::vector<SpecRow> rows;
  RETURN_IF_ERROR(db.Read([&](SqlConnection& conn) -> Status {
    ASSIGN_OR_RETURN(SqlStatement st,
                     conn.Prepare(std::string("SELECT name, arn, spec, creation_ms FROM ") + table +
                                  (name ? " WHERE name = ?1" : "")));
    if (name)
      RETURN_IF_ERROR(st.BindText(1, *name));
    while (true) {
      ASSIGN_OR_RETURN(bool more, st.Step());
      if (!more)
        return Status::Ok();
      rows.push_back({st.ColumnText(0), st.ColumnText(1), st.ColumnText(2), st.ColumnInt64(3)});
    }
  }));
  return rows;
}

Result<bool> DeleteRow(Database& db, const char* table, std::string_view name) {
  bool removed = false;
  RETURN_IF_ERROR(db.Write([&](SqlConnection& conn) -> Status {
    ASSIGN_OR_RETURN(SqlStatement st,
                     conn.Prepare(std::string("DELETE FROM ") + table + " WHERE name = ?1"));
    RETURN_IF_ERROR(st.BindText(1, name));
    RETURN_IF_ERROR(st.Run());
    removed = conn.Changes() > 0;
    return Status::Ok();
  }));
  return removed;
}

Result<ModelRecord> ModelFrom(const SpecRow& row) {
  ModelRecord m;
  m.name = row.name;
  m.arn = row.arn;
  m.creation_ms = row.creation_ms;
  RETURN_IF_ERROR(ModelSpecFromJson(row.spec, &m).WithContext("model \"" + row.name + "\""));
  return m;
}

Result<EndpointConfigRecord> ConfigFrom(const SpecRow& row) {
  EndpointConfigRecord c;
  c.name = row.name;
  c.arn = row.arn;
  c.creation_ms = row.creation_ms;
  RETURN_IF_ERROR(
      ConfigSpecFromJson(row.spec, &c).WithContext("endpoint config \"" + row.name + "\""));
  return c;
}

constexpr char kEndpointColumns[] =
    "name, arn, status, failure_reason, current_spec, pending_spec, pending_kind, "
    "pending_start_ms, generation, tags, creation_ms, last_modified_ms";

const char* PendingKindName(PendingKind kind) {
  switch (kind) {
    case PendingKind::kNone:
      return "";
    case PendingKind::kConfig:
      return "config";
    case PendingKind::kCapacity:
      return "capacity";
  }
  return "";
}

Result<EndpointRecord> EndpointFrom(const SqlStatement& st) {
  EndpointRecord e;
  e.name = st.ColumnText(0);
  const std::string context = "endpoint \"" + e.name + "\"";
  e.arn = st.ColumnText(1);
  const std::optional<EndpointStatus> status = ParseEndpointStatus(st.ColumnView(2));
  if (!status)
    return Status::Corruption(context + ": unknown status \"" + st.ColumnText(2) + "\"");
  e.status = *status;
  e.failure_reason = st.ColumnText(3);
  ASSIGN_OR_RETURN(e.current, EndpointSpecFromJson(st.ColumnView(4)));
  if (!st.ColumnIsNull(5)) {
    ASSIGN_OR_RETURN(EndpointSpec pending, EndpointSpecFromJson(st.ColumnView(5)));
    e.pending = std::move(pending);
  }
  const std::string_view kind = st.ColumnView(6);
  e.pending_kind = kind == "config"     ? PendingKind::kConfig
                   : kind == "capacity" ? PendingKind::kCapacity
                                        : PendingKind::kNone;
  e.pending_start_ms = st.ColumnInt64(7);
  e.generation = st.ColumnInt64(8);
  ASSIGN_OR_RETURN(e.tags, KeyValuesFromJson(st.ColumnView(9)));
  e.creation_ms = st.ColumnInt64(10);
  e.last_modified_ms = st.ColumnInt64(11);
  return e;
}

Status BindEndpoint(SqlStatement& st, const EndpointRecord& e) {
  RETURN_IF_ERROR(st.BindText(1, e.name));
  RETURN_IF_ERROR(st.BindText(2, e.arn));
  RETURN_IF_ERROR(st.BindText(3, EndpointStatusName(e.status)));
  RETURN_IF_ERROR(st.BindText(4, e.failure_reason));
  RETURN_IF_ERROR(st.BindText(5, EndpointSpecToJson(e.current)));
  if (e.pending)
    RETURN_IF_ERROR(st.BindText(6, EndpointSpecToJson(*e.pending)));
  else
    RETURN_IF_ERROR(st.BindNull(6));
  RETURN_IF_ERROR(st.BindText(7, PendingKindName(e.pending_kind)));
  RETURN_IF_ERROR(st.BindInt64(8, e.pending_start_ms));
  RETURN_IF_ERROR(st.BindInt64(9, e.generation));
  RETURN_IF_ERROR(st.BindText(10, KeyValuesToJson(e.tags)));
  RETURN_IF_ERROR(st.BindInt64(11, e.creation_ms));
  return st.BindInt64(12, e.last_modified_ms);
}

Result<std::optional<EndpointRecord>> FindEndpointIn(SqlConnection& conn, std::string_view name) {
  ASSIGN_OR_RETURN(SqlStatement st, conn.Prepare(std::string("SELECT ") + kEndpointColumns +
                                                 " FROM serve_endpoints WHERE name = ?1"));
  RETURN_IF_ERROR(st.BindText(1, name));
  ASSIGN_OR_RETURN(bool found, st.Step());
  if (!found)
    return std::optional<EndpointRecord>();
  ASSIGN_OR_RETURN(EndpointRecord e, EndpointFrom(st));
  return std::optional<EndpointRecord>(std::move(e));
}

}  // namespace

Result<std::unique_ptr<EndpointStore>> EndpointStore::Open(Database& db) {
  RETURN_IF_ERROR(db.Migrate("serve", ServeMigrations()));
  return std::make_unique<EndpointStore>(db);
}

Status EndpointStore::InsertModel(const ModelRecord& m) {
  return InsertSpecRow(db_, "serve_models", {m.name, m.arn, ModelSpecToJson(m), m.creation_ms});
}

Result<std::optional<ModelRecord>> EndpointStore::FindModel(std::string_view name) {
  ASSIGN_OR_RETURN(std::vector<SpecRow> rows, ReadSpecRows(db_, "serve_models", name));
  if (rows.empty())
    return std::optional<ModelRecord>();
  ASSIGN_OR_RETURN(ModelRecord m, ModelFrom(rows.front()));
  return std::optional<ModelRecord>(std::move(m));
}

Result<bool> EndpointStore::DeleteModel(std::string_view name) {
  return DeleteRow(db_, "serve_models", name);
}

Result<std::vector<ModelRecord>> EndpointStore::ListModels() {
  ASSIGN_OR_RETURN(std::vector<SpecRow> rows, ReadSpecRows(db_, "serve_models", std::nullopt));
  std::vector<ModelRecord> out;
  for (const SpecRow& row : rows) {
    ASSIGN_OR_RETURN(ModelRecord m, ModelFrom(row));
    out.push_back(std::move(m));
  }
  return out;
}

Status EndpointStore::InsertConfig(const EndpointConfigRecord& c) {
  return InsertSpecRow(db_, "serve_endpoint_configs",
                       {c.name, c.arn, ConfigSpecToJson(c), c.creation_ms});
}

Result<std::optional<EndpointConfigRecord>> EndpointStore::FindConfig(std::string_view name) {
  ASSIGN_OR_RETURN(std::vector<SpecRow> rows, ReadSpecRows(db_, "serve_endpoint_configs", name));
  if (rows.empty())
    return std::optional<EndpointConfigRecord>();
  ASSIGN_OR_RETURN(EndpointConfigRecord c, ConfigFrom(rows.front()));
  return std::optional<EndpointConfigRecord>(std::move(c));
}

Result<bool> EndpointStore::DeleteConfig(std::string_view name) {
  return DeleteRow(db_, "serve_endpoint_configs", name);
}

Result<std::vector<EndpointConfigRecord>> EndpointStore::ListConfigs() {
  ASSIGN_OR_RETURN(std::vector<SpecRow> rows,
                   ReadSpecRows(db_, "serve_endpoint_configs", std::nullopt));
  std::vector<EndpointConfigRecord> out;
  for (const SpecRow& row : rows) {
    ASSIGN_OR_RETURN(EndpointConfigRecord c, ConfigFrom(row));
    out.push_back(std::move(c));
  }
  return out;
}

Status EndpointStore::InsertEndpoint(const EndpointRecord& e) {
  return db_.Write([&](SqlConnection& conn) -> Status {
    ASSIGN_OR_RETURN(SqlStatement st,
                     conn.Prepare(std::string("INSERT INTO serve_endpoints (") + kEndpointColumns +
                                  ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                                  "?9, ?10, ?11, ?12)"));
    RETURN_IF_ERROR(BindEndpoint(st, e));
    return st.Run();
  });
}

Result<std::optional<EndpointRecord>> EndpointStore::FindEndpoint(std::string_view name) {
  std::optional<EndpointRecord> out;
  RETURN_IF_ERROR(db_.Read([&](SqlConnection& conn) -> Status {
    ASSIGN_OR_RETURN(out, FindEndpointIn(conn, name));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<EndpointRecord>> EndpointStore::ListEndpoints() {
  std::vector<EndpointRecord> out;
  RETURN_IF_ERROR(db_.Read([&](SqlConnection& conn) -> Status {
    ASSIGN_OR_RETURN(SqlStatement st, conn.Prepare(std::string("SELECT ") + kEndpointColumns +
                                                   " FROM serve_endpoints"));
    while (true) {
      ASSIGN_OR_RETURN(bool more, st.Step());
      if (!more)
        return Status::Ok();
      ASSIGN_OR_RETURN(EndpointRecord e, EndpointFrom(st));
      out.push_back(std::move(e));
    }
  }));
  return out;
}

Status EndpointStore::UpdateEndpoint(std::string_view name,
                                     const std::function<Status(EndpointRecord*)>& fn) {
  return db_.Write([&](SqlConnection& conn) -> Status {
    ASSIGN_OR_RETURN(std::optional<EndpointRecord> e, FindEndpointIn(conn, name));
    if (!e)
      return Status::NotFound("endpoint \"" + std::string(name) + "\" does not exist");
    RETURN_IF_ERROR(fn(&*e));
    ASSIGN_OR_RETURN(SqlStatement st,
                     conn.Prepare("UPDATE serve_endpoints SET arn = ?2, status = ?3, "
                                  "failure_reason = ?4, current_spec = ?5, pending_spec = ?6, "
                                  "pending_kind = ?7, pending_start_ms = ?8, generation = ?9, "
                                  "tags = ?10, creation_ms = ?11, last_modified_ms = ?12 "
                                  "WHERE name = ?1"));
    RETURN_IF_ERROR(BindEndpoint(st, *e));
    return st.Run();
  });
}

Result<bool> EndpointStore::DeleteEndpoint(std::string_view name) {
  return DeleteRow(db_, "serve_endpoints", name);
}

}  // namespace kiln
