#include "meta/sql_connection.h"

#include <sqlite3.h>

#include "meta/internal/sqlite_status.h"

namespace kiln {

Result<std::unique_ptr<SqlConnection>> SqlConnection::Open(const std::string& path,
                                                           int busy_timeout_ms) {
  sqlite3* db = nullptr;
  // NOMUTEX: the Database guarantees one thread per connection at a time.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status s = meta_internal::SqliteStatus(rc, db, "").WithContext("cannot open \"" + path + "\"");
    sqlite3_close_v2(db);
    return s;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_timeout_ms);
  return std::make_unique<SqlConnection>(db);
}

SqlConnection::~SqlConnection() { sqlite3_close_v2(db_); }

Result<SqlStatement> SqlConnection::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK)
    return meta_internal::SqliteStatus(rc, db_, sql);
  if (stmt == nullptr)
    return Status::Internal("empty SQL statement: \"" + std::string(sql) + "\"");
  return SqlStatement(db_, stmt, std::string(sql));
}

Status SqlConnection::Exec(std::string_view sql) {
  std::string text(sql);
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK)
    return meta_internal::SqliteStatus(rc, db_, sql);
  return Status::Ok();
}

Result<std::string> SqlConnection::QueryText(std::string_view sql) {
  ASSIGN_OR_RETURN(SqlStatement stmt, Prepare(sql));
  ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row)
    return Status::Internal("\"" + std::string(sql) + "\" returned no row");
  std::string value = stmt.ColumnText(0);
  RETURN_IF_ERROR(stmt.Run());
  return value;
}

std::int64_t SqlConnection::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

int SqlConnection::Changes() const { return sqlite3_changes(db_); }

bool SqlConnection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

}  // namespace kiln
