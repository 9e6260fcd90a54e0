// Database: Kiln's metadata database — one SQLite file shared by the object store now and by
// SageMaker jobs, models and endpoints later, with per-component schema migrations.
//
// Durability and sharing: journal_mode=WAL, synchronous=FULL (a committed Write survives power
// loss), foreign_keys=ON. Another process (the `kiln` CLI) may open the same file: a write waits
// up to busy_timeout_ms for the other process's lock (BEGIN IMMEDIATE), reads never wait for
// writers (each read transaction sees a WAL snapshot).
//
// Thread-safe. One write connection, guarded by a mutex, runs this process's write transactions
// one at a time; read transactions run concurrently on a pool of query-only connections (opened on
// demand, up to max_idle_readers kept between reads). A ":memory:" database has one connection,
// so its reads take the write mutex too. A callback must not call Write again (that would
// deadlock; it returns Internal instead) and must not keep the connection or its statements.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/status.h"
#include "meta/sql_connection.h"
#include "meta/sql_statement.h"

namespace kiln {

class Clock;

// One schema change of a component: `sql` is one or more statements, without BEGIN/COMMIT.
struct Migration {
  std::string id;  // unique within the component, e.g. "0001_initial"; never renamed once shipped
  std::string sql;
};

struct DatabaseOptions {
  int busy_timeout_ms = 10000;   // how long a statement waits for another process's lock
  int max_idle_readers = 8;      // read connections kept open between reads
  const Clock* clock = nullptr;  // stamps schema_migrations.applied_ms; null: the system clock
  Status Validate() const;
};

class Database {
 public:
  using TxnFn = std::function<Status(SqlConnection&)>;

  // Opens or creates the database file at `path` (or ":memory:"), applies the pragmas above and
  // creates the schema_migrations table.
  static Result<std::unique_ptr<Database>> Open(const std::string& path,
                                                const DatabaseOptions& options = {});
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Applies, in order, each migration of `component` not yet recorded in schema_migrations, each
  // in its own write transaction together with its record; stops at the first failure (that
  // migration is rolled back, earlier ones stay). Safe to run from several processes at once.
  Status Migrate(std::string_view component, std::span<const Migration> migrations);
  // Ids of the component's applied migrations, in the order they were applied.
  Result<std::vector<std::string>> AppliedMigrations(std::string_view component);

  // Runs `fn` in a write transaction (BEGIN IMMEDIATE ... COMMIT). When `fn` returns an error, or
  // the commit fails, everything it did is rolled back and that error is returned.
  Status Write(const TxnFn& fn);
  // Runs `fn` in a read transaction: every statement sees the same committed snapshot. The
  // connection is query-only; writes fail.
  Status Read(const TxnFn& fn);
  // Read for a callback that computes one value: that value, or the callback's (or SQLite's) error.
  template <typename T>
  Result<T> ReadValue(const std::function<Result<T>(SqlConnection&)>& fn) {
    std::optional<T> out;
    RETURN_IF_ERROR(Read([&](SqlConnection& conn) -> Status {
      ASSIGN_OR_RETURN(T value, fn(conn));
      out.emplace(std::move(value));
      return Status::Ok();
    }));
    return std::move(*out);
  }
  // Read of every row `sql` (without parameters) selects, each made a T by `read_row`.
  template <typename T>
  Result<std::vector<T>> ReadRows(std::string_view sql,
                                  const std::function<Result<T>(const SqlStatement&)>& read_row) {
    std::vector<T> out;
    RETURN_IF_ERROR(Read([&](SqlConnection& conn) -> Status {
      ASSIGN_OR_RETURN(SqlStatement st, conn.Prepare(sql));
      return st.ForEachRow([&]() -> Status {
        ASSIGN_OR_RETURN(T row, read_row(st));
        out.push_back(std::move(row));
        return Status::Ok();
      });
    }));
    return out;
  }

  const std::string& path() const { return path_; }

 private:
  struct PrivateTag {
    explicit PrivateTag() = default;
  };

 public:
  // Use Open.
  Database(PrivateTag, std::string path, const DatabaseOptions& options,
           std::unique_ptr<SqlConnection> writer);

 private:
  Result<std::unique_ptr<SqlConnection>> NewReader();
  Status RunWrite(const TxnFn& fn);

  const std::string path_;
  const DatabaseOptions options_;
  const bool in_memory_;

  std::mutex write_mu_;
  std::unique_ptr<SqlConnection> writer_;         // GUARDED_BY(write_mu_)
  std::atomic<std::thread::id> writer_thread_{};  // the thread inside Write, if any

  std::mutex readers_mu_;
  std::vector<std::unique_ptr<SqlConnection>> idle_readers_;  // GUARDED_BY(readers_mu_)
};

}  // namespace kiln
