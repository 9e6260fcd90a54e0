// SqlConnection: one open SQLite connection, as handed to a Database transaction callback —
// prepare statements, run SQL scripts, read the last rowid and change count.
//
// Owned by the Database; a callback borrows it only for the duration of its transaction and must
// not keep it (or statements prepared on it) afterwards. Used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "meta/sql_statement.h"

struct sqlite3;

namespace kiln {

class SqlConnection {
 public:
  // Opens `path` (created if absent) read-write; see Database for the pragmas applied.
  static Result<std::unique_ptr<SqlConnection>> Open(const std::string& path, int busy_timeout_ms);
  // Takes ownership of an open handle (Open is the way to get one).
  explicit SqlConnection(sqlite3* db) : db_(db) {}
  SqlConnection(const SqlConnection&) = delete;
  SqlConnection& operator=(const SqlConnection&) = delete;
  ~SqlConnection();

  // Compiles one SQL statement.
  Result<SqlStatement> Prepare(std::string_view sql);
  // Runs one or more `;`-separated statements, discarding any rows.
  Status Exec(std::string_view sql);
  // Runs a statement that yields one text value (e.g. `PRAGMA journal_mode=WAL`).
  Result<std::string> QueryText(std::string_view sql);

  std::int64_t LastInsertRowId() const;
  int Changes() const;  // rows changed by the last INSERT/UPDATE/DELETE
  bool InTransaction() const;

 private:
  sqlite3* db_;
};

}  // namespace kiln
