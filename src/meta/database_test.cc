#include "meta/database.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace kiln {
namespace {

std::string TempDir() {
  auto p = std::filesystem::temp_directory_path() /
           ("kiln-meta-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p.string();
}

std::unique_ptr<Database> OpenDb(const std::string& path) {
  auto db = Database::Open(path);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  return std::move(db).value();
}

// Reads one integer with `sql` in a read transaction.
std::int64_t QueryInt(Database& db, const std::string& sql) {
  std::int64_t value = -1;
  Status s = db.Read([&](SqlConnection& conn) -> Status {
    ASSIGN_OR_RETURN(SqlStatement stmt, conn.Prepare(sql));
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row)
      return Status::NotFound("no row");
    value = stmt.ColumnInt64(0);
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return value;
}

Status ExecWrite(Database& db, const std::string& sql) {
  return db.Write([&](SqlConnection& conn) { return conn.Exec(sql); });
}

TEST(DatabaseTest, OpenUsesWalFullSyncAndForeignKeys) {
  auto db = OpenDb(TempDir() + "/meta.db");
  std::string mode;
  std::int64_t sync = -1, fk = -1;
  ASSERT_TRUE(db->Write([&](SqlConnection& conn) -> Status {
                  ASSIGN_OR_RETURN(mode, conn.QueryText("PRAGMA journal_mode"));
                  ASSIGN_OR_RETURN(SqlStatement s, conn.Prepare("PRAGMA synchronous"));
                  ASSIGN_OR_RETURN(bool row, s.Step());
                  (void)row;
                  sync = s.ColumnInt64(0);
                  ASSIGN_OR_RETURN(SqlStatement f, conn.Prepare("PRAGMA foreign_keys"));
                  ASSIGN_OR_RETURN(row, f.Step());
                  fk = f.ColumnInt64(0);
                  return Status::Ok();
                }).ok());
  EXPECT_EQ(mode, "wal");
  EXPECT_EQ(sync, 2);  // FULL
  EXPECT_EQ(fk, 1);
  EXPECT_EQ(QueryInt(*db, "PRAGMA foreign_keys"), 1);  // on read connections too
}

TEST(DatabaseTest, MigrationsAreAppliedOnceInOrder) {
  std::string path = TempDir() + "/meta.db";
  std::vector<Migration> v1 = {
      {"0001_t", "CREATE TABLE t (x INTEGER)"},
      {"0002_seed", "INSERT INTO t VALUES (1); INSERT INTO t VALUES (2);"},
  };
  {
    auto db = OpenDb(path);
    ASSERT_TRUE(db->Migrate("test", v1).ok());
    // Running them again changes nothing (CREATE TABLE would fail, the inserts would double).
    ASSERT_TRUE(db->Migrate("test", v1).ok());
    EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM t"), 2);
  }
  auto db = OpenDb(path);
  std::vector<Migration> v2 = v1;
  v2.push_back({"0003_more", "INSERT INTO t VALUES (3)"});
  ASSERT_TRUE(db->Migrate("test", v2).ok());
  EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM t"), 3);
  EXPECT_EQ(db->AppliedMigrations("test").value(),
            (std::vector<std::string>{"0001_t", "0002_seed", "0003_more"}));
  // Components are independent namespaces.
  EXPECT_TRUE(db->AppliedMigrations("other").value().empty());
}

TEST(DatabaseTest, FailingMigrationIsRolledBackAndStopsTheRest) {
  auto db = OpenDb(TempDir() + "/meta.db");
  std::vector<Migration> ms = {
      {"0001", "CREATE TABLE a (x INTEGER)"},
      {"0002", "CREATE TABLE b (x INTEGER); INSERT INTO no_such_table VALUES (1);"},
      {"0003", "CREATE TABLE c (x INTEGER)"},
  };
  Status s = db->Migrate("test", ms);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("test/0002"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("no_such_table"), std::string::npos) << s.message();
  EXPECT_EQ(db->AppliedMigrations("test").value(), std::vector<std::string>{"0001"});
  EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM sqlite_master WHERE name IN ('b', 'c')"), 0);
  EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM sqlite_master WHERE name = 'a'"), 1);
}

TEST(DatabaseTest, MigrationIdsMustBeNonEmptyAndUnique) {
  auto db = OpenDb(TempDir() + "/meta.db");
  std::vector<Migration> dup = {{"1", "SELECT 1"}, {"1", "SELECT 2"}};
  EXPECT_EQ(db->Migrate("test", dup).code(), StatusCode::kInvalidArgument);
  std::vector<Migration> empty = {{"", "SELECT 1"}};
  EXPECT_EQ(db->Migrate("test", empty).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(db->AppliedMigrations("test").value().empty());
}

TEST(DatabaseTest, WriteRollsBackWhenTheCallbackFails) {
  auto db = OpenDb(TempDir() + "/meta.db");
  ASSERT_TRUE(ExecWrite(*db, "CREATE TABLE t (x INTEGER)").ok());
  Status s = db->Write([](SqlConnection& conn) -> Status {
    RETURN_IF_ERROR(conn.Exec("INSERT INTO t VALUES (1)"));
    return Status::FailedPrecondition("changed my mind").WithReason("Nope");
  });
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.reason(), "Nope");
  EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM t"), 0);
  // The connection is usable afterwards.
  ASSERT_TRUE(ExecWrite(*db, "INSERT INTO t VALUES (2)").ok());
  EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM t"), 1);
}

TEST(DatabaseTest, ReadTransactionsAreQueryOnly) {
  auto db = OpenDb(TempDir() + "/meta.db");
  ASSERT_TRUE(ExecWrite(*db, "CREATE TABLE t (x INTEGER)").ok());
  Status s = db->Read([](SqlConnection& conn) { return conn.Exec("INSERT INTO t VALUES (1)"); });
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM t"), 0);
}

TEST(DatabaseTest, NestedWriteIsAnErrorNotADeadlock) {
  auto db = OpenDb(TempDir() + "/meta.db");
  Status inner;
  ASSERT_TRUE(db->Write([&](SqlConnection&) {
                  inner = db->Write([](SqlConnection&) { return Status::Ok(); });
                  return Status::Ok();
                }).ok());
  EXPECT_EQ(inner.code(), StatusCode::kInternal);
}

TEST(DatabaseTest, StatementsBindAndReturnEveryType) {
  auto db = OpenDb(TempDir() + "/meta.db");
  ASSERT_TRUE(ExecWrite(*db, "CREATE TABLE t (i INTEGER, d REAL, s TEXT, b BLOB, n TEXT)").ok());
  std::string blob("a\0b\xff", 4);
  ASSERT_TRUE(db->Write([&](SqlConnection& conn) -> Status {
                  ASSIGN_OR_RETURN(SqlStatement st,
                                   conn.Prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)"));
                  for (int round = 0; round < 2; ++round) {
                    RETURN_IF_ERROR(st.BindInt64(1, (std::int64_t{1} << 40) + round));
                    RETURN_IF_ERROR(st.BindDouble(2, 2.5));
                    RETURN_IF_ERROR(st.BindText(3, "h\xc3\xa9llo"));
                    RETURN_IF_ERROR(st.BindBlob(4, round == 0 ? std::string_view(blob) : ""));
                    RETURN_IF_ERROR(st.BindNull(5));
                    RETURN_IF_ERROR(st.Run());
                    st.Reset();
                  }
                  return Status::Ok();
                }).ok());
  ASSERT_TRUE(db->Read([&](SqlConnection& conn) -> Status {
                  ASSIGN_OR_RETURN(SqlStatement st, conn.Prepare("SELECT * FROM t ORDER BY i"));
                  ASSIGN_OR_RETURN(bool row, st.Step());
                  EXPECT_TRUE(row);
                  EXPECT_EQ(st.ColumnCount(), 5);
                  EXPECT_EQ(st.ColumnInt64(0), std::int64_t{1} << 40);
                  EXPECT_EQ(st.ColumnDouble(1), 2.5);
                  EXPECT_EQ(st.ColumnText(2), "h\xc3\xa9llo");
                  EXPECT_EQ(st.ColumnBlob(3), blob);
                  EXPECT_TRUE(st.ColumnIsNull(4));
                  ASSIGN_OR_RETURN(row, st.Step());
                  EXPECT_TRUE(row);
                  EXPECT_FALSE(st.ColumnIsNull(3));  // an empty blob is not NULL
                  EXPECT_EQ(st.ColumnBlob(3), "");
                  ASSIGN_OR_RETURN(row, st.Step());
                  EXPECT_FALSE(row);
                  return Status::Ok();
                }).ok());
}

TEST(DatabaseTest, OptionalIntegersRowLoopsAndReadHelpers) {
  auto db = OpenDb(TempDir() + "/meta.db");
  ASSERT_TRUE(ExecWrite(*db, "CREATE TABLE t (k INTEGER, v INTEGER)").ok());
  ASSERT_TRUE(db->Write([&](SqlConnection& conn) -> Status {
                  ASSIGN_OR_RETURN(SqlStatement st, conn.Prepare("INSERT INTO t VALUES (?1, ?2)"));
                  for (std::int64_t k : {1, 2, 3}) {
                    st.Reset();
                    RETURN_IF_ERROR(st.BindInt64(1, k));
                    RETURN_IF_ERROR(st.BindOptionalInt64(
                        2, k == 2 ? std::nullopt : std::optional<std::int64_t>(k * 10)));
                    RETURN_IF_ERROR(st.Run());
                  }
                  return Status::Ok();
                }).ok());
  std::vector<std::optional<std::int64_t>> seen;
  ASSERT_TRUE(db->Read([&](SqlConnection& conn) -> Status {
                  ASSIGN_OR_RETURN(SqlStatement st, conn.Prepare("SELECT v FROM t ORDER BY k"));
                  return st.ForEachRow([&] {
                    seen.push_back(st.ColumnOptionalInt64(0));
                    return Status::Ok();
                  });
                }).ok());
  EXPECT_EQ(seen, (std::vector<std::optional<std::int64_t>>{10, std::nullopt, 30}));

  int rows = 0;
  Status stopped = db->Read([&](SqlConnection& conn) -> Status {
    ASSIGN_OR_RETURN(SqlStatement st, conn.Prepare("SELECT k FROM t ORDER BY k"));
    return st.ForEachRow([&] { return ++rows == 2 ? Status::Cancelled("enough") : Status::Ok(); });
  });
  EXPECT_EQ(stopped.code(), StatusCode::kCancelled);
  EXPECT_EQ(rows, 2);

  Result<std::int64_t> sum =
      db->ReadValue<std::int64_t>([](SqlConnection& conn) -> Result<std::int64_t> {
        ASSIGN_OR_RETURN(SqlStatement st, conn.Prepare("SELECT SUM(k) FROM t"));
        ASSIGN_OR_RETURN(bool row, st.Step());
        if (!row)
          return Status::NotFound("no row");
        return st.ColumnInt64(0);
      });
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(*sum, 6);
  Result<std::vector<std::int64_t>> keys = db->ReadRows<std::int64_t>(
      "SELECT k FROM t WHERE v IS NOT NULL ORDER BY k",
      [](const SqlStatement& st) -> Result<std::int64_t> { return st.ColumnInt64(0); });
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(*keys, (std::vector<std::int64_t>{1, 3}));
  Result<std::int64_t> missing = db->ReadValue<std::int64_t>(
      [](SqlConnection&) -> Result<std::int64_t> { return Status::NotFound("absent"); });
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
}

TEST(DatabaseTest, ErrorsNameTheSqlAndSqlitesReason) {
  auto db = OpenDb(TempDir() + "/meta.db");
  Status s = db->Read([](SqlConnection& conn) { return conn.Prepare("SELEC 1").status(); });
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("SELEC 1"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("syntax error"), std::string::npos) << s.message();
}

TEST(DatabaseTest, UniqueViolationIsAlreadyExists) {
  auto db = OpenDb(TempDir() + "/meta.db");
  ASSERT_TRUE(ExecWrite(*db, "CREATE TABLE t (x INTEGER PRIMARY KEY)").ok());
  ASSERT_TRUE(ExecWrite(*db, "INSERT INTO t VALUES (1)").ok());
  EXPECT_EQ(ExecWrite(*db, "INSERT INTO t VALUES (1)").code(), StatusCode::kAlreadyExists);
}

TEST(DatabaseTest, CommittedWritesSurviveReopen) {
  std::string path = TempDir() + "/meta.db";
  {
    auto db = OpenDb(path);
    ASSERT_TRUE(ExecWrite(*db, "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (7)").ok());
  }
  auto db = OpenDb(path);
  EXPECT_EQ(QueryInt(*db, "SELECT x FROM t"), 7);
}

// Read-modify-write increments from many threads: a lost update would leave the count short.
// Readers meanwhile check that a and b (always updated together) never differ in a snapshot.
TEST(DatabaseTest, ConcurrentWritersAndReadersStayConsistent) {
  auto db = OpenDb(TempDir() + "/meta.db");
  ASSERT_TRUE(
      ExecWrite(*db, "CREATE TABLE c (a INTEGER, b INTEGER); INSERT INTO c VALUES (0, 0)").ok());
  constexpr int kWriters = 6, kIncrements = 60;
  std::atomic<int> failures{0}, torn{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        Status s = db->Write([](SqlConnection& conn) -> Status {
          ASSIGN_OR_RETURN(SqlStatement get, conn.Prepare("SELECT a FROM c"));
          ASSIGN_OR_RETURN(bool row, get.Step());
          (void)row;
          std::int64_t a = get.ColumnInt64(0);
          ASSIGN_OR_RETURN(SqlStatement up1, conn.Prepare("UPDATE c SET a = ?1"));
          RETURN_IF_ERROR(up1.BindInt64(1, a + 1));
          RETURN_IF_ERROR(up1.Run());
          std::this_thread::yield();
          ASSIGN_OR_RETURN(SqlStatement up2, conn.Prepare("UPDATE c SET b = ?1"));
          RETURN_IF_ERROR(up2.BindInt64(1, a + 1));
          return up2.Run();
        });
        if (!s.ok())
          ++failures;
      }
    });
  }
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        Status s = db->Read([&](SqlConnection& conn) -> Status {
          ASSIGN_OR_RETURN(SqlStatement ga, conn.Prepare("SELECT a FROM c"));
          ASSIGN_OR_RETURN(bool row, ga.Step());
          std::int64_t a = ga.ColumnInt64(0);
          std::this_thread::yield();
          ASSIGN_OR_RETURN(SqlStatement gb, conn.Prepare("SELECT b FROM c"));
          ASSIGN_OR_RETURN(row, gb.Step());
          (void)row;
          if (gb.ColumnInt64(0) != a)
            ++torn;
          return Status::Ok();
        });
        if (!s.ok())
          ++failures;
      }
    });
  }
  for (auto& t : threads)
    t.join();
  stop = true;
  for (auto& t : readers)
    t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(QueryInt(*db, "SELECT a FROM c"), kWriters * kIncrements);
}

// Two Database objects on one file stand in for the server and the CLI in two processes: their
// write transactions exclude each other through SQLite's file lock and busy timeout.
TEST(DatabaseTest, TwoHandlesOnOneFileSerializeTheirWrites) {
  std::string path = TempDir() + "/meta.db";
  auto db1 = OpenDb(path);
  auto db2 = OpenDb(path);
  ASSERT_TRUE(ExecWrite(*db1, "CREATE TABLE c (n INTEGER); INSERT INTO c VALUES (0)").ok());
  constexpr int kIncrements = 100;
  std::atomic<int> failures{0};
  auto work = [&](Database& db) {
    for (int i = 0; i < kIncrements; ++i) {
      Status s = db.Write([](SqlConnection& conn) -> Status {
        ASSIGN_OR_RETURN(SqlStatement get, conn.Prepare("SELECT n FROM c"));
        ASSIGN_OR_RETURN(bool row, get.Step());
        (void)row;
        std::int64_t n = get.ColumnInt64(0);
        ASSIGN_OR_RETURN(SqlStatement up, conn.Prepare("UPDATE c SET n = ?1"));
        RETURN_IF_ERROR(up.BindInt64(1, n + 1));
        return up.Run();
      });
      if (!s.ok())
        ++failures;
    }
  };
  std::thread t1(work, std::ref(*db1));
  std::thread t2(work, std::ref(*db2));
  t1.join();
  t2.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(QueryInt(*db2, "SELECT n FROM c"), 2 * kIncrements);
}

TEST(DatabaseTest, InMemoryDatabaseWorksWithOneConnection) {
  auto db = OpenDb(":memory:");
  ASSERT_TRUE(ExecWrite(*db, "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (5)").ok());
  EXPECT_EQ(QueryInt(*db, "SELECT x FROM t"), 5);
}

}  // namespace
}  // namespace kiln
