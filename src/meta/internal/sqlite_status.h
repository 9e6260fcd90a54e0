// SqliteStatus: turns a SQLite result code into a Kiln Status whose message carries SQLite's error
// text and the SQL that failed, so every metadata error says what and where. Thread-safe (reads
// only the given connection's last error, which its single user owns).
#pragma once

#include <string_view>

#include "common/status.h"

struct sqlite3;

namespace kiln::meta_internal {

// Maps `rc` (not SQLITE_OK/ROW/DONE) to a Status: UNIQUE/PRIMARY KEY violations are AlreadyExists,
// other constraint failures FailedPrecondition, BUSY/LOCKED DeadlineExceeded (the busy timeout
// ran out), CORRUPT/NOTADB Corruption, SQL errors and misuse Internal, the rest IoError. `db` may
// be null (open failures).
Status SqliteStatus(int rc, sqlite3* db, std::string_view sql);

}  // namespace kiln::meta_internal
