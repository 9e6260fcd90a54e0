#include "meta/internal/sqlite_status.h"

#include <sqlite3.h>

#include <string>

namespace kiln::meta_internal {

Status SqliteStatus(int rc, sqlite3* db, std::string_view sql) {
  std::string text = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string msg = "SQLite error " + std::to_string(rc) + " (" + text + ")";
  if (!sql.empty())
    msg += " in \"" + std::string(sql) + "\"";
  int extended = db != nullptr ? sqlite3_extended_errcode(db) : rc;
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY)
        return Status::AlreadyExists(msg);
      return Status::FailedPrecondition(msg);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::DeadlineExceeded(msg + "; another connection holds the database lock");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption(msg);
    case SQLITE_ERROR:  // SQL the program wrote is wrong (syntax, unknown table)
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
      return Status::Internal(msg);
    default:
      return Status::IoError(msg);
  }
}

}  // namespace kiln::meta_internal
