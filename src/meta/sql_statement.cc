#include "meta/sql_statement.h"

#include <sqlite3.h>

#include <utility>

#include "meta/internal/sqlite_status.h"

namespace kiln {

SqlStatement::SqlStatement(SqlStatement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      stmt_(std::exchange(other.stmt_, nullptr)),
      sql_(std::move(other.sql_)) {}

SqlStatement& SqlStatement::operator=(SqlStatement&& other) noexcept {
  if (this != &other) {
    if (stmt_ != nullptr)
      sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
    sql_ = std::move(other.sql_);
  }
  return *this;
}

SqlStatement::~SqlStatement() {
  if (stmt_ != nullptr)
    sqlite3_finalize(stmt_);
}

Status SqlStatement::Check(int rc) const {
  if (rc == SQLITE_OK)
    return Status::Ok();
  return meta_internal::SqliteStatus(rc, db_, sql_);
}

Status SqlStatement::BindInt64(int index, std::int64_t value) {
  return Check(sqlite3_bind_int64(stmt_, index, value));
}

Status SqlStatement::BindDouble(int index, double value) {
  return Check(sqlite3_bind_double(stmt_, index, value));
}

Status SqlStatement::BindText(int index, std::string_view value) {
  return Check(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

Status SqlStatement::BindBlob(int index, std::string_view value) {
  // A zero-length blob needs a non-null pointer or SQLite binds NULL.
  static constexpr char kEmpty = 0;
  const char* data = value.empty() ? &kEmpty : value.data();
  return Check(sqlite3_bind_blob64(stmt_, index, data, value.size(), SQLITE_TRANSIENT));
}

Status SqlStatement::BindNull(int index) { return Check(sqlite3_bind_null(stmt_, index)); }

Status SqlStatement::BindOptionalInt64(int index, const std::optional<std::int64_t>& value) {
  return value.has_value() ? BindInt64(index, *value) : BindNull(index);
}

Result<bool> SqlStatement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW)
    return true;
  if (rc == SQLITE_DONE)
    return false;
  return Check(rc);
}

Status SqlStatement::Run() {
  while (true) {
    ASSIGN_OR_RETURN(bool row, Step());
    if (!row)
      return Status::Ok();
  }
}

Status SqlStatement::ForEachRow(const std::function<Status()>& row) {
  while (true) {
    ASSIGN_OR_RETURN(bool more, Step());
    if (!more)
      return Status::Ok();
    RETURN_IF_ERROR(row());
  }
}

void SqlStatement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int SqlStatement::ColumnCount() const { return sqlite3_column_count(stmt_); }

bool SqlStatement::ColumnIsNull(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

std::int64_t SqlStatement::ColumnInt64(int index) const {
  return sqlite3_column_int64(stmt_, index);
}

double SqlStatement::ColumnDouble(int index) const { return sqlite3_column_double(stmt_, index); }

std::optional<std::int64_t> SqlStatement::ColumnOptionalInt64(int index) const {
  if (ColumnIsNull(index))
    return std::nullopt;
  return ColumnInt64(index);
}

std::string_view SqlStatement::ColumnView(int index) const {
  // Ask for the pointer first, then the size (SQLite's documented order); blob access keeps the
  // stored bytes as they are, TEXT included.
  const void* data = sqlite3_column_blob(stmt_, index);
  int size = sqlite3_column_bytes(stmt_, index);
  if (data == nullptr || size <= 0)
    return {};
  return std::string_view(static_cast<const char*>(data), static_cast<std::size_t>(size));
}

}  // namespace kiln
