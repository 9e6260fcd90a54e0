#include "store/object_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/digest.h"
#include "store/store_test_util.h"

namespace kiln {
namespace {

namespace fs = std::filesystem;

using ObjectStoreTest = StoreTest;

std::string RandomBody(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s)
    c = static_cast<char>(rng());
  return s;
}

TEST_F(ObjectStoreTest, PutThenGetReturnsSameBytesWithKnownEtagAndCrc32) {
  ASSERT_TRUE(store_->CreateBucket("data").ok());
  ObjectAttributes attrs;
  attrs.content_type = "text/csv";
  attrs.user_metadata = {{"zeta", "1"}, {"alpha", "two words"}};
  attrs.headers = {{"cache-control", "no-cache"}, {"content-disposition", "inline"}};
  auto put = Put("data", "in/a.csv", "1,2,3\n4,5,6\n", attrs);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->etag, "38d9dd6259f3b20f5a157be6cbaca4e4");
  EXPECT_EQ(put->crc32_base64, "25/BtA==");
  EXPECT_EQ(put->size, 12u);
  EXPECT_EQ(put->part_count, 0);
  EXPECT_EQ(put->last_modified_ms, 1'800'000'000'000);

  auto head = store_->HeadObject("data", "in/a.csv");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->etag, put->etag);
  EXPECT_EQ(head->crc32_base64, "25/BtA==");
  EXPECT_EQ(head->last_modified_ms, 1'800'000'000'000);
  EXPECT_EQ(head->attributes.content_type, "text/csv");
  EXPECT_EQ(head->attributes.user_metadata, attrs.user_metadata);  // order kept
  EXPECT_EQ(head->attributes.headers, attrs.headers);
  EXPECT_EQ(Get("data", "in/a.csv"), "1,2,3\n4,5,6\n");
  EXPECT_EQ(CountFiles("staging"), 0);
  EXPECT_EQ(CountFiles("blobs"), 1);
}

TEST_F(ObjectStoreTest, LargeBodyStreamedInPiecesReadsBackAtAnyOffset) {
  ASSERT_TRUE(store_->CreateBucket("data").ok());
  std::string body = RandomBody(3 * 1024 * 1024 + 17, 1);
  auto put = store_->PutObject("data", "big", Blob(body, 65537), {});
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(put->etag, HexEncode(Md5(body)));
  auto reader = store_->OpenObject("data", "big");
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->info().size, body.size());
  EXPECT_EQ(ReadAll(**reader, 1 << 20), body);
  char buf[100];
  auto n = (*reader)->ReadAt(body.size() - 10, buf, sizeof(buf));
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 10u);
  EXPECT_EQ(std::string(buf, 10), body.substr(body.size() - 10));
  EXPECT_EQ((*reader)->ReadAt(body.size(), buf, sizeof(buf)).value(), 0u);
}

TEST_F(ObjectStoreTest, EmptyObjectHasTheEmptyMd5AndNoBytes) {
  ASSERT_TRUE(store_->CreateBucket("data").ok());
  auto put = Put("data", "empty", "");
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(put->etag, "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(put->size, 0u);
  EXPECT_EQ(Get("data", "empty"), "");
}

TEST_F(ObjectStoreTest, OverwriteReplacesContentAndFreesTheOldBlob) {
  ASSERT_TRUE(store_->CreateBucket("data").ok());
  ASSERT_TRUE(Put("data", "k", "old").ok());
  clock_.Advance(std::chrono::seconds(5));
  auto put = Put("data", "k", "new content");
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(Get("data", "k"), "new content");
  EXPECT_EQ(store_->HeadObject("data", "k")->last_modified_ms, 1'800'000'005'000);
  EXPECT_EQ(CountFiles("blobs"), 1);
}

TEST_F(ObjectStoreTest, DeleteIsIdempotentAndFreesTheBlob) {
  ASSERT_TRUE(store_->CreateBucket("data").ok());
  ASSERT_TRUE(Put("data", "k", "bytes").ok());
  ASSERT_TRUE(store_->DeleteObject("data", "k").ok());
  EXPECT_EQ(store_->HeadObject("data", "k").error().reason(), "NoSuchKey");
  EXPECT_EQ(store_->OpenObject("data", "k").error().reason(), "NoSuchKey");
  EXPECT_EQ(store_->HeadObject("data", "k").error().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->DeleteObject("data", "k").ok());
  EXPECT_TRUE(store_->DeleteObject("data", "never-existed").ok());
  EXPECT_EQ(store_->DeleteObject("nobucket", "k").reason(), "NoSuchBucket");
  EXPECT_EQ(CountFiles("blobs"), 0);
}

TEST_F(ObjectStoreTest, BucketLifecycleAndErrors) {
  Status bad = store_->CreateBucket("Bad_Name");
  EXPECT_EQ(bad.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.reason(), "InvalidBucketName");
  ASSERT_TRUE(store_->CreateBucket("zeta").ok());
  ASSERT_TRUE(store_->CreateBucket("alpha").ok());
  Status again = store_->CreateBucket("alpha");
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(again.reason(), "BucketAlreadyOwnedByYou");

  auto buckets = store_->ListBuckets();
  ASSERT_TRUE(buckets.ok());
  ASSERT_EQ(buckets->size(), 2u);
  EXPECT_EQ((*buckets)[0].name, "alpha");
  EXPECT_EQ((*buckets)[1].name, "zeta");
  EXPECT_EQ(store_->GetBucket("alpha")->created_ms, 1'800'000'000'000);

  ASSERT_TRUE(Put("alpha", "k", "x").ok());
  Status not_empty = store_->DeleteBucket("alpha");
  EXPECT_EQ(not_empty.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(not_empty.reason(), "BucketNotEmpty");
  ASSERT_TRUE(store_->DeleteObject("alpha", "k").ok());
  // An in-progress multipart upload also keeps the bucket.
  auto upload = store_->CreateMultipartUpload("alpha", "m", {});
  ASSERT_TRUE(upload.ok());
  EXPECT_EQ(store_->DeleteBucket("alpha").reason(), "BucketNotEmpty");
  ASSERT_TRUE(store_->AbortMultipartUpload("alpha", "m", *upload).ok());
  ASSERT_TRUE(store_->DeleteBucket("alpha").ok());

  EXPECT_EQ(store_->GetBucket("alpha").error().reason(), "NoSuchBucket");
  EXPECT_EQ(store_->DeleteBucket("alpha").reason(), "NoSuchBucket");
  EXPECT_EQ(Put("alpha", "k", "x").error().reason(), "NoSuchBucket");
  EXPECT_EQ(store_->HeadObject("alpha", "k").error().reason(), "NoSuchBucket");
  EXPECT_EQ(store_->ListObjects("alpha", {}).error().reason(), "NoSuchBucket");
  EXPECT_EQ(store_->CreateMultipartUpload("alpha", "k", {}).error().reason(), "NoSuchBucket");
  EXPECT_EQ(CountFiles("blobs"), 0);  // the refused PUT left nothing behind
  EXPECT_EQ(CountFiles("staging"), 0);
}

TEST_F(ObjectStoreTest, KeysAreOpaqueStringsNotPaths) {
  ASSERT_TRUE(store_->CreateBucket("data").ok());
  std::vector<std::string> keys = {
      "a//b",           "../../etc/passwd",  "dir/", "/leading", " spaced key ",
      "plus+and%2Fpct", "\xc3\xbcn\xc3\xaf", ".",    "..",       std::string(1024, 'k')};
  for (const std::string& key : keys) {
    ASSERT_TRUE(Put("data", key, "v:" + key).ok()) << key;
    EXPECT_EQ(Get("data", key), "v:" + key);
  }
  auto list = store_->ListObjects("data", {});
  ASSERT_TRUE(list.ok());
  std::set<std::string> listed;
  for (const ObjectInfo& o : list->contents)
    listed.insert(o.key);
  EXPECT_EQ(listed, std::set<std::string>(keys.begin(), keys.end()));
  EXPECT_FALSE(fs::exists(dir_ + "/etc"));
}

TEST_F(ObjectStoreTest, InvalidKeysAreRejectedWithS3Reasons) {
  ASSERT_TRUE(store_->CreateBucket("data").ok());
  EXPECT_EQ(Put("data", "", "x").error().reason(), "InvalidArgument");
  Status too_long = Put("data", std::string(1025, 'k'), "x").error();
  EXPECT_EQ(too_long.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(too_long.reason(), "KeyTooLongError");
  EXPECT_EQ(Put("data", "bad\xff", "x").error().reason(), "InvalidArgument");
  EXPECT_EQ(store_->HeadObject("data", std::string(1025, 'k')).error().reason(), "KeyTooLongError");
  EXPECT_EQ(CountFiles("blobs"), 0);
  EXPECT_EQ(CountFiles("staging"), 0);
}

TEST_F(ObjectStoreTest, ReaderKeepsReadingAfterOverwriteAndDelete) {
  ASSERT_TRUE(store_->CreateBucket("data").ok());
  std::string v1 = RandomBody(100000, 2);
  ASSERT_TRUE(Put("data", "k", v1).ok());
  auto r1 = store_->OpenObject("data", "k");
  ASSERT_TRUE(r1.ok());
  ASSERT_TRUE(Put("data", "k", "version two").ok());
  auto r2 = store_->OpenObject("data", "k");
  ASSERT_TRUE(r2.ok());
  ASSERT_TRUE(store_->DeleteObject("data", "k").ok());
  EXPECT_EQ(CountFiles("blobs"), 0);  // unlinked, yet still open
  EXPECT_EQ(ReadAll(**r1), v1);
  EXPECT_EQ((*r1)->info().etag, HexEncode(Md5(v1)));
  EXPECT_EQ(ReadAll(**r2), "version two");
}

TEST_F(ObjectStoreTest, CopySharesContentAndSurvivesDeletingTheSource) {
  ASSERT_TRUE(store_->CreateBucket("src").ok());
  ASSERT_TRUE(store_->CreateBucket("dst").ok());
  ObjectAttributes attrs;
  attrs.content_type = "text/plain";
  attrs.user_metadata = {{"a", "1"}};
  auto put = Put("src", "k", "shared bytes", attrs);
  ASSERT_TRUE(put.ok());
  clock_.Advance(std::chrono::seconds(1));
  auto copy = store_->CopyObject("src", "k", "dst", "k2", std::nullopt);
  ASSERT_TRUE(copy.ok()) << copy.status().ToString();
  EXPECT_EQ(copy->etag, put->etag);
  EXPECT_EQ(copy->crc32_base64, put->crc32_base64);
  EXPECT_EQ(copy->attributes.user_metadata, attrs.user_metadata);
  EXPECT_EQ(copy->last_modified_ms, put->last_modified_ms + 1000);
  EXPECT_EQ(CountFiles("blobs"), 1);  // no bytes copied

  ObjectAttributes replaced;
  replaced.content_type = "application/json";
  auto copy2 = store_->CopyObject("src", "k", "dst", "k3", replaced);
  ASSERT_TRUE(copy2.ok());
  EXPECT_EQ(store_->HeadObject("dst", "k3")->attributes.content_type, "application/json");
  EXPECT_TRUE(store_->HeadObject("dst", "k3")->attributes.user_metadata.empty());

  ASSERT_TRUE(store_->DeleteObject("src", "k").ok());
  EXPECT_EQ(Get("dst", "k2"), "shared bytes");
  EXPECT_EQ(CountFiles("blobs"), 1);
  ASSERT_TRUE(store_->DeleteObject("dst", "k2").ok());
  EXPECT_EQ(CountFiles("blobs"), 1);  // k3 still uses it
  ASSERT_TRUE(store_->DeleteObject("dst", "k3").ok());
  EXPECT_EQ(CountFiles("blobs"), 0);

  EXPECT_EQ(store_->CopyObject("src", "gone", "dst", "x", std::nullopt).error().reason(),
            "NoSuchKey");
  ASSERT_TRUE(Put("src", "k", "again").ok());
  EXPECT_EQ(store_->CopyObject("src", "k", "nobucket", "x", std::nullopt).error().reason(),
            "NoSuchBucket");
  EXPECT_EQ(store_->CopyObject("nobucket", "k", "dst", "x", std::nullopt).error().reason(),
            "NoSuchBucket");
}

TEST_F(ObjectStoreTest, CopyOntoItselfReplacingMetadataKeepsTheBytes) {
  ASSERT_TRUE(store_->CreateBucket("data").ok());
  ASSERT_TRUE(Put("data", "k", "bytes").ok());
  ObjectAttributes replaced;
  replaced.content_type = "text/html";
  ASSERT_TRUE(store_->CopyObject("data", "k", "data", "k", replaced).ok());
  EXPECT_EQ(Get("data", "k"), "bytes");
  EXPECT_EQ(store_->HeadObject("data", "k")->attributes.content_type, "text/html");
  EXPECT_EQ(CountFiles("blobs"), 1);
}

TEST_F(ObjectStoreTest, ReopenAfterCrashRemovesLeftoversAndKeepsObjects) {
  ASSERT_TRUE(store_->CreateBucket("data").ok());
  ASSERT_TRUE(Put("data", "kept", "still here").ok());
  // A body in flight when the process died, and a blob renamed but never committed.
  auto in_flight = store_->NewBlob();
  ASSERT_TRUE(in_flight.ok());
  ASSERT_TRUE((*in_flight)->Append("partial").ok());
  std::string orphan = dir_ + "/objects/blobs/ab/" + std::string(32, 'a').replace(0, 2, "ab");
  std::ofstream(orphan) << "uncommitted";
  std::ofstream(dir_ + "/objects/staging/leftover.tmp") << "x";
  ASSERT_EQ(CountFiles("staging"), 2);
  ASSERT_EQ(CountFiles("blobs"), 2);

  // While this instance is open another one must not sweep: the orphan could be its commit.
  auto second = OpenAnother();
  ASSERT_NE(second, nullptr);
  EXPECT_TRUE(fs::exists(orphan));
  second.reset();

  // The "crashed" instance goes away without its writer cleaning up (it is destroyed later).
  Reopen();
  EXPECT_FALSE(fs::exists(orphan));
  EXPECT_EQ(CountFiles("staging"), 0);
  EXPECT_EQ(CountFiles("blobs"), 1);
  EXPECT_EQ(Get("data", "kept"), "still here");
  in_flight->reset();
}

TEST_F(ObjectStoreTest, UnusedWriterRemovesItsStagingFile) {
  {
    auto blob = store_->NewBlob();
    ASSERT_TRUE(blob.ok());
    ASSERT_TRUE((*blob)->Append("abc").ok());
    EXPECT_EQ(CountFiles("staging"), 1);
  }
  EXPECT_EQ(CountFiles("staging"), 0);
}

TEST_F(ObjectStoreTest, WriterFinishFreezesSizeAndDigests) {
  auto blob = store_->NewBlob();
  ASSERT_TRUE(blob.ok());
  ASSERT_TRUE((*blob)->Append("1,2,3\n").ok());
  ASSERT_TRUE((*blob)->Append("4,5,6\n").ok());
  ASSERT_TRUE((*blob)->Finish().ok());
  EXPECT_EQ((*blob)->size(), 12u);
  EXPECT_EQ((*blob)->md5_hex(), "38d9dd6259f3b20f5a157be6cbaca4e4");
  EXPECT_EQ((*blob)->sha256_hex(), Sha256Hex("1,2,3\n4,5,6\n"));
  EXPECT_EQ((*blob)->crc32_base64(), "25/BtA==");
  EXPECT_EQ((*blob)->Append("more").code(), StatusCode::kFailedPrecondition);
}

TEST_F(ObjectStoreTest, ForeignBlobWriterIsRejected) {
  ASSERT_TRUE(store_->CreateBucket("data").ok());
  auto other = OpenAnother();
  ASSERT_NE(other, nullptr);
  auto put = store_->PutObject("data", "k", Blob("x", 1, other.get()), {});
  EXPECT_EQ(put.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CountFiles("staging"), 0);
}

TEST_F(ObjectStoreTest, StoreMigrationsAreAppliedOnce) {
  Reopen();
  auto other = OpenAnother();
  auto applied = db_->AppliedMigrations("store");
  ASSERT_TRUE(applied.ok());
  EXPECT_EQ(*applied, std::vector<std::string>{"0001_initial"});
}

TEST_F(ObjectStoreTest, ConcurrentPutsOfOneKeyLeaveTheLastAndLeakNoBlobs) {
  ASSERT_TRUE(store_->CreateBucket("data").ok());
  constexpr int kThreads = 6, kPuts = 15;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPuts; ++i) {
        std::string body = "writer " + std::to_string(t) + " put " + std::to_string(i) +
                           std::string(static_cast<std::size_t>(i * 100), '.');
        if (!Put("data", "hot", body).ok())
          ++failures;
        std::string seen = Get("data", "hot");
        if (!seen.starts_with("writer "))
          ++failures;
      }
    });
  }
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(failures.load(), 0);
  auto head = store_->HeadObject("data", "hot");
  ASSERT_TRUE(head.ok());
  std::string body = Get("data", "hot");
  EXPECT_EQ(HexEncode(Md5(body)), head->etag);
  EXPECT_EQ(body.size(), head->size);
  EXPECT_EQ(CountFiles("blobs"), 1);
  EXPECT_EQ(CountFiles("staging"), 0);
}

}  // namespace
}  // namespace kiln
