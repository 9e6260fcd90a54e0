// SqlStatement: a prepared SQLite statement — bind parameters by 1-based index, Step through rows,
// read columns by 0-based index, Reset to run it again.
//
// A thin RAII wrapper so callers never touch sqlite3.h: errors come back as Status values whose
// message holds SQLite's error text and the statement's SQL. Obtained from SqlConnection::Prepare
// inside a Database transaction and must not outlive it. Owned by one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace kiln {

class SqlStatement {
 public:
  SqlStatement(SqlStatement&& other) noexcept;
  SqlStatement& operator=(SqlStatement&& other) noexcept;
  SqlStatement(const SqlStatement&) = delete;
  SqlStatement& operator=(const SqlStatement&) = delete;
  ~SqlStatement();

  // Binders copy the value; `index` is 1-based, as in SQL's `?1`.
  Status BindInt64(int index, std::int64_t value);
  Status BindDouble(int index, double value);
  Status BindText(int index, std::string_view value);
  Status BindBlob(int index, std::string_view value);
  Status BindNull(int index);
  // Binds `value`, or NULL when it is empty.
  Status BindOptionalInt64(int index, const std::optional<std::int64_t>& value);

  // Runs to the next row: true when a row is available, false when the statement is done.
  Result<bool> Step();
  // Steps until done, ignoring rows (for INSERT/UPDATE/DELETE).
  Status Run();
  // Steps through every row, calling `row()` with the statement on it (read its columns); stops at
  // the first error, `row`'s or SQLite's.
  Status ForEachRow(const std::function<Status()>& row);
  // Makes the statement runnable again and clears all bindings.
  void Reset();

  // Column readers for the current row; `index` is 0-based. Text and blob views stay valid until
  // the next Step, Reset or destruction.
  int ColumnCount() const;
  bool ColumnIsNull(int index) const;
  std::int64_t ColumnInt64(int index) const;
  double ColumnDouble(int index) const;
  std::optional<std::int64_t> ColumnOptionalInt64(int index) const;  // nullopt for NULL
  std::string_view ColumnView(int index) const;  // bytes of a TEXT or BLOB value
  std::string ColumnText(int index) const { return std::string(ColumnView(index)); }
  std::string ColumnBlob(int index) const { return std::string(ColumnView(index)); }

  const std::string& sql() const { return sql_; }

 private:
  friend class SqlConnection;
  SqlStatement(sqlite3* db, sqlite3_stmt* stmt, std::string sql)
      : db_(db), stmt_(stmt), sql_(std::move(sql)) {}
  Status Check(int rc) const;

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
};

}  // namespace kiln
