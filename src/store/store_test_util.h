// Test helpers for the object store tests: a fresh store in a temporary directory with a manual
// clock, and one-call put/read helpers. Test-only; each fixture is owned by its test's thread.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "meta/database.h"
#include "store/local_object_store.h"

namespace kiln {

class StoreTest : public ::testing::Test {
 protected:
  // Opens a store with `min_part_size` (small, so tests can use small parts).
  void SetUp() override { OpenStore(); }

  void OpenStore(std::uint64_t min_part_size = 100) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = (std::filesystem::temp_directory_path() /
            (std::string("kiln-store-") + info->test_suite_name() + "-" + info->name()))
               .string();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    min_part_size_ = min_part_size;
    Reopen();
  }

  // Closes and reopens the database and the store on the same directory.
  void Reopen() {
    store_.reset();
    db_.reset();
    auto db = Database::Open(dir_ + "/meta.db");
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    store_ = OpenAnother();
    ASSERT_NE(store_, nullptr);
  }

  // Another store instance on the same directory and database.
  std::unique_ptr<LocalObjectStore> OpenAnother() {
    LocalObjectStoreOptions options;
    options.min_part_size = min_part_size_;
    options.clock = &clock_;
    auto store = LocalObjectStore::Open(dir_ + "/objects", *db_, options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // A finished blob holding `body`, appended in pieces of `chunk` bytes.
  std::unique_ptr<BlobWriter> Blob(std::string_view body, std::size_t chunk = 1000,
                                   ObjectStore* store = nullptr) {
    auto blob = (store != nullptr ? store : store_.get())->NewBlob();
    EXPECT_TRUE(blob.ok()) << blob.status().ToString();
    for (std::size_t i = 0; i < body.size(); i += chunk)
      EXPECT_TRUE((*blob)->Append(body.substr(i, chunk)).ok());
    EXPECT_TRUE((*blob)->Finish().ok());
    return std::move(blob).value();
  }

  Result<ObjectInfo> Put(std::string_view bucket, std::string_view key, std::string_view body,
                         const ObjectAttributes& attributes = {}) {
    return store_->PutObject(bucket, key, Blob(body), attributes);
  }

  // The object's whole content, read in odd-sized pieces; "<error>" on failure.
  std::string Get(std::string_view bucket, std::string_view key) {
    auto reader = store_->OpenObject(bucket, key);
    if (!reader.ok())
      return "<" + reader.status().ToString() + ">";
    return ReadAll(**reader);
  }

  static std::string ReadAll(ObjectReader& reader, std::size_t piece = 777) {
    std::string out;
    std::string buf(piece, '\0');
    while (true) {
      auto n = reader.ReadAt(out.size(), buf.data(), buf.size());
      if (!n.ok())
        return "<" + n.status().ToString() + ">";
      if (*n == 0)
        return out;
      out.append(buf.data(), *n);
    }
  }

  // Number of files under objects/<sub> (sub: "blobs" or "staging").
  int CountFiles(const std::string& sub) const {
    int n = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir_ + "/objects/" + sub))
      n += e.is_regular_file() ? 1 : 0;
    return n;
  }

  ManualClock clock_{std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000))};
  std::string dir_;
  std::uint64_t min_part_size_ = 100;
  std::unique_ptr<Database> db_;
  std::unique_ptr<LocalObjectStore> store_;
};

}  // namespace kiln
