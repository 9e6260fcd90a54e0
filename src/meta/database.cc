#include "meta/database.h"

#include <chrono>
#include <set>
#include <utility>

#include "common/clock.h"

namespace kiln {
namespace {

constexpr std::string_view kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " component TEXT NOT NULL,"
    " id TEXT NOT NULL,"
    " applied_ms INTEGER NOT NULL,"
    " PRIMARY KEY (component, id))";

// Ends whatever transaction a failed callback or commit left open.
void RollbackIfOpen(SqlConnection& conn) {
  if (conn.InTransaction())
    (void)conn.Exec("ROLLBACK");
}

// Runs fn between `begin` and COMMIT on `conn`, rolling back on any error.
Status RunTransaction(SqlConnection& conn, std::string_view begin, const Database::TxnFn& fn) {
  RETURN_IF_ERROR(conn.Exec(begin));
  Status s = fn(conn);
  if (s.ok())
    s = conn.Exec("COMMIT");
  if (!s.ok())
    RollbackIfOpen(conn);
  return s;
}

}  // namespace

Status DatabaseOptions::Validate() const {
  if (busy_timeout_ms < 0)
    return Status::InvalidArgument("busy_timeout_ms must be >= 0, got " +
                                   std::to_string(busy_timeout_ms));
  if (max_idle_readers < 0)
    return Status::InvalidArgument("max_idle_readers must be >= 0, got " +
                                   std::to_string(max_idle_readers));
  return Status::Ok();
}

Database::Database(PrivateTag, std::string path, const DatabaseOptions& options,
                   std::unique_ptr<SqlConnection> writer)
    : path_(std::move(path)),
      options_(options),
      in_memory_(path_ == ":memory:" || path_.empty()),
      writer_(std::move(writer)) {}

Database::~Database() = default;

Result<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                 const DatabaseOptions& options) {
  RETURN_IF_ERROR(options.Validate());
  ASSIGN_OR_RETURN(std::unique_ptr<SqlConnection> writer,
                   SqlConnection::Open(path, options.busy_timeout_ms));
  ASSIGN_OR_RETURN(std::string mode, writer->QueryText("PRAGMA journal_mode=WAL"));
  bool in_memory = path == ":memory:" || path.empty();
  if (!in_memory && mode != "wal")
    return Status::FailedPrecondition("cannot put \"" + path +
                                      "\" in WAL mode (journal mode is \"" + mode +
                                      "\"); is it on a filesystem without shared memory?");
  RETURN_IF_ERROR(writer->Exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"));
  RETURN_IF_ERROR(writer->Exec(kCreateMigrationsTable));
  return std::make_unique<Database>(PrivateTag(), path, options, std::move(writer));
}

Result<std::unique_ptr<SqlConnection>> Database::NewReader() {
  {
    std::lock_guard<std::mutex> lock(readers_mu_);
    if (!idle_readers_.empty()) {
      std::unique_ptr<SqlConnection> conn = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return conn;
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<SqlConnection> conn,
                   SqlConnection::Open(path_, options_.busy_timeout_ms));
  RETURN_IF_ERROR(conn->Exec("PRAGMA foreign_keys=ON; PRAGMA query_only=ON;"));
  return conn;
}

Status Database::RunWrite(const TxnFn& fn) {
  std::lock_guard<std::mutex> lock(write_mu_);
  writer_thread_.store(std::this_thread::get_id());
  Status s = RunTransaction(*writer_, "BEGIN IMMEDIATE", fn);
  writer_thread_.store(std::thread::id());
  return s;
}

Status Database::Write(const TxnFn& fn) {
  if (writer_thread_.load() == std::this_thread::get_id())
    return Status::Internal("Database::Write called from inside a transaction on \"" + path_ +
                            "\"");
  return RunWrite(fn);
}

Status Database::Read(const TxnFn& fn) {
  if (in_memory_) {
    if (writer_thread_.load() == std::this_thread::get_id())
      return Status::Internal(
          "Database::Read called from inside a write transaction on the "
          "in-memory database");
    return RunWrite(fn);
  }
  ASSIGN_OR_RETURN(std::unique_ptr<SqlConnection> conn, NewReader());
  Status s = RunTransaction(*conn, "BEGIN", fn);
  RollbackIfOpen(*conn);
  std::lock_guard<std::mutex> lock(readers_mu_);
  if (static_cast<int>(idle_readers_.size()) < options_.max_idle_readers)
    idle_readers_.push_back(std::move(conn));
  return s;
}

Status Database::Migrate(std::string_view component, std::span<const Migration> migrations) {
  if (component.empty())
    return Status::InvalidArgument("migration component name is empty");
  std::set<std::string_view> ids;
  for (const Migration& m : migrations) {
    if (m.id.empty())
      return Status::InvalidArgument("a migration of \"" + std::string(component) +
                                     "\" has an empty id");
    if (!ids.insert(m.id).second)
      return Status::InvalidArgument("migration id \"" + m.id + "\" appears twice in \"" +
                                     std::string(component) + "\"");
  }
  SystemClock system_clock;
  const Clock& clock = options_.clock != nullptr ? *options_.clock : system_clock;
  for (const Migration& m : migrations) {
    Status s = Write([&](SqlConnection& conn) -> Status {
      ASSIGN_OR_RETURN(SqlStatement find, conn.Prepare("SELECT 1 FROM schema_migrations"
                                                       " WHERE component = ?1 AND id = ?2"));
      RETURN_IF_ERROR(find.BindText(1, component));
      RETURN_IF_ERROR(find.BindText(2, m.id));
      ASSIGN_OR_RETURN(bool applied, find.Step());
      if (applied)
        return Status::Ok();
      RETURN_IF_ERROR(conn.Exec(m.sql));
      ASSIGN_OR_RETURN(SqlStatement record,
                       conn.Prepare("INSERT INTO schema_migrations (component, id, applied_ms)"
                                    " VALUES (?1, ?2, ?3)"));
      RETURN_IF_ERROR(record.BindText(1, component));
      RETURN_IF_ERROR(record.BindText(2, m.id));
      auto now =
          std::chrono::duration_cast<std::chrono::milliseconds>(clock.Now().time_since_epoch());
      RETURN_IF_ERROR(record.BindInt64(3, now.count()));
      return record.Run();
    });
    if (!s.ok())
      return s.WithContext("migration " + std::string(component) + "/" + m.id + " of \"" + path_ +
                           "\"");
  }
  return Status::Ok();
}

Result<std::vector<std::string>> Database::AppliedMigrations(std::string_view component) {
  std::vector<std::string> ids;
  RETURN_IF_ERROR(Read([&](SqlConnection& conn) -> Status {
    ASSIGN_OR_RETURN(SqlStatement stmt, conn.Prepare("SELECT id FROM schema_migrations"
                                                     " WHERE component = ?1 ORDER BY rowid"));
    RETURN_IF_ERROR(stmt.BindText(1, component));
    while (true) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row)
        return Status::Ok();
      ids.push_back(stmt.ColumnText(0));
    }
  }));
  return ids;
}

}  // namespace kiln
