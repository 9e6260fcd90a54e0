#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/digest.h"
#include "store/store_test_util.h"

namespace kiln {
namespace {

using MultipartTest = StoreTest;
using PartList = std::vector<std::pair<int, std::string>>;

// S3's multipart ETag: hex MD5 of the concatenated binary MD5s of the parts, then "-<count>".
std::string MultipartEtag(const std::vector<std::string>& parts) {
  std::string md5s;
  for (const std::string& p : parts)
    md5s += Md5(p);
  return HexEncode(Md5(md5s)) + "-" + std::to_string(parts.size());
}

std::string PartBody(int n, std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i)
    s[i] = static_cast<char>('A' + (n * 7 + static_cast<int>(i)) % 26);
  return s;
}

class MultipartUploadTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    ASSERT_TRUE(store_->CreateBucket("data").ok());
    ObjectAttributes attrs;
    attrs.content_type = "text/csv";
    attrs.user_metadata = {{"origin", "test"}};
    auto id = store_->CreateMultipartUpload("data", "big.csv", attrs);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    upload_ = *id;
  }

  Result<PartInfo> Upload(int number, std::string_view body) {
    return store_->UploadPart("data", "big.csv", upload_, number, Blob(body));
  }

  Result<ObjectInfo> Complete(const PartList& parts) {
    return store_->CompleteMultipartUpload("data", "big.csv", upload_, parts);
  }

  std::string upload_;
};

TEST_F(MultipartUploadTest, PartsUploadedOutOfOrderCompleteInPartNumberOrder) {
  std::vector<std::string> bodies = {PartBody(1, 150), PartBody(2, 333), PartBody(3, 42)};
  PartList list;
  for (int n : {3, 1, 2}) {
    auto part = Upload(n, bodies[n - 1]);
    ASSERT_TRUE(part.ok()) << part.status().ToString();
    EXPECT_EQ(part->etag, HexEncode(Md5(bodies[n - 1])));
    EXPECT_EQ(part->size, bodies[n - 1].size());
  }
  auto parts = store_->ListParts("data", "big.csv", upload_);
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), 3u);
  for (int n = 1; n <= 3; ++n) {
    EXPECT_EQ((*parts)[n - 1].part_number, n);
    list.push_back({n, "\"" + (*parts)[n - 1].etag + "\""});  // quoted, as clients send them
  }
  auto done = Complete(list);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->etag, MultipartEtag(bodies));
  EXPECT_EQ(done->part_count, 3);
  EXPECT_EQ(done->size, 525u);
  EXPECT_TRUE(done->crc32_base64.empty());
  EXPECT_EQ(done->attributes.content_type, "text/csv");
  EXPECT_EQ(done->attributes.user_metadata,
            (std::vector<std::pair<std::string, std::string>>{{"origin", "test"}}));

  std::string all = bodies[0] + bodies[1] + bodies[2];
  EXPECT_EQ(Get("data", "big.csv"), all);
  // A read that spans all three segments at once.
  auto reader = store_->OpenObject("data", "big.csv");
  ASSERT_TRUE(reader.ok());
  std::string buf(400, '\0');
  auto n = (*reader)->ReadAt(100, buf.data(), buf.size());
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 400u);
  EXPECT_EQ(buf, all.substr(100, 400));
  EXPECT_EQ(ReadAll(**reader, 1), all);
  EXPECT_TRUE(store_->ListMultipartUploads("data")->empty());
  EXPECT_EQ(CountFiles("blobs"), 3);  // the parts' blobs are the object's segments
}

TEST_F(MultipartTest, EtagMatchesMotosVerifiedValue) {
  OpenStore(ObjectStore::kMinPartSize);
  ASSERT_TRUE(store_->CreateBucket("data").ok());
  auto id = store_->CreateMultipartUpload("data", "k", {});
  ASSERT_TRUE(id.ok());
  std::string a(5 << 20, 'a'), b(1024, 'b');
  auto p1 = store_->UploadPart("data", "k", *id, 1, Blob(a, 1 << 16));
  auto p2 = store_->UploadPart("data", "k", *id, 2, Blob(b));
  ASSERT_TRUE(p1.ok() && p2.ok());
  auto done = store_->CompleteMultipartUpload("data", "k", *id, {{1, p1->etag}, {2, p2->etag}});
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->etag, MultipartEtag({a, b}));
  EXPECT_TRUE(done->etag.starts_with("16329fb6")) << done->etag;
  EXPECT_TRUE(done->etag.ends_with("-2"));
  EXPECT_EQ(done->size, a.size() + b.size());
}

TEST_F(MultipartUploadTest, ConcurrentPartUploadsFromManyThreads) {
  constexpr int kParts = 24, kThreads = 6;
  std::vector<int> order(kParts);
  for (int i = 0; i < kParts; ++i)
    order[i] = i + 1;
  std::shuffle(order.begin(), order.end(), std::mt19937(7));
  std::atomic<int> next{0}, failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i; (i = next.fetch_add(1)) < kParts;) {
        int n = order[i];
        if (!Upload(n, PartBody(n, 100 + static_cast<std::size_t>(n))).ok())
          ++failures;
      }
    });
  }
  for (auto& t : threads)
    t.join();
  ASSERT_EQ(failures.load(), 0);
  auto parts = store_->ListParts("data", "big.csv", upload_);
  ASSERT_TRUE(parts.ok());
  ASSERT_EQ(parts->size(), static_cast<std::size_t>(kParts));
  PartList list;
  std::vector<std::string> bodies;
  std::string all;
  for (const PartInfo& p : *parts) {
    list.push_back({p.part_number, p.etag});
    bodies.push_back(PartBody(p.part_number, 100 + static_cast<std::size_t>(p.part_number)));
    all += bodies.back();
  }
  auto done = Complete(list);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->etag, MultipartEtag(bodies));
  EXPECT_EQ(Get("data", "big.csv"), all);
}

TEST_F(MultipartUploadTest, ReuploadingAPartReplacesItAndFreesTheOldBlob) {
  ASSERT_TRUE(Upload(1, PartBody(1, 200)).ok());
  auto second = Upload(1, "replacement");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(CountFiles("blobs"), 1);
  auto done = Complete({{1, second->etag}});
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(Get("data", "big.csv"), "replacement");
}

TEST_F(MultipartUploadTest, CompleteRejectsBadPartListsAndKeepsTheUpload) {
  auto p1 = Upload(1, PartBody(1, 100));
  auto p2 = Upload(2, PartBody(2, 99));  // below the 100-byte minimum
  auto p3 = Upload(3, PartBody(3, 10));
  ASSERT_TRUE(p1.ok() && p2.ok() && p3.ok());

  EXPECT_EQ(Complete({}).error().reason(), "MalformedXML");
  EXPECT_EQ(Complete({{1, p1->etag}, {4, p1->etag}}).error().reason(), "InvalidPart");
  Status wrong_etag = Complete({{1, p2->etag}}).error();
  EXPECT_EQ(wrong_etag.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(wrong_etag.reason(), "InvalidPart");
  EXPECT_EQ(Complete({{2, p2->etag}, {1, p1->etag}}).error().reason(), "InvalidPartOrder");
  EXPECT_EQ(Complete({{1, p1->etag}, {1, p1->etag}}).error().reason(), "InvalidPartOrder");
  EXPECT_EQ(Complete({{1, p1->etag}, {2, p2->etag}, {3, p3->etag}}).error().reason(),
            "EntityTooSmall");
  // Nothing was committed by the failures: no object, upload and parts intact.
  EXPECT_EQ(store_->HeadObject("data", "big.csv").error().reason(), "NoSuchKey");
  EXPECT_EQ(store_->ListParts("data", "big.csv", upload_)->size(), 3u);

  // The last part may be small, and parts may be skipped: unlisted ones are dropped.
  auto done = Complete({{1, p1->etag}, {3, p3->etag}});
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(Get("data", "big.csv"), PartBody(1, 100) + PartBody(3, 10));
  EXPECT_EQ(done->part_count, 2);
  EXPECT_EQ(CountFiles("blobs"), 2);
  // The upload is gone now.
  EXPECT_EQ(Complete({{1, p1->etag}}).error().reason(), "NoSuchUpload");
  EXPECT_EQ(Upload(4, "late").error().reason(), "NoSuchUpload");
  EXPECT_EQ(CountFiles("blobs"), 2);  // the refused part left nothing
}

TEST_F(MultipartUploadTest, UnknownUploadsAndBadPartNumbersAreRejected) {
  EXPECT_EQ(store_->UploadPart("data", "big.csv", "nope", 1, Blob("x")).error().reason(),
            "NoSuchUpload");
  // The id belongs to another key.
  EXPECT_EQ(store_->UploadPart("data", "other", upload_, 1, Blob("x")).error().reason(),
            "NoSuchUpload");
  EXPECT_EQ(store_->ListParts("data", "big.csv", "nope").error().reason(), "NoSuchUpload");
  EXPECT_EQ(store_->AbortMultipartUpload("data", "big.csv", "nope").reason(), "NoSuchUpload");
  EXPECT_EQ(store_->CompleteMultipartUpload("data", "big.csv", "nope", {{1, "x"}}).error().reason(),
            "NoSuchUpload");
  EXPECT_EQ(Upload(0, "x").error().reason(), "InvalidArgument");
  EXPECT_EQ(Upload(10001, "x").error().reason(), "InvalidArgument");
  EXPECT_TRUE(Upload(10000, "x").ok());
  EXPECT_EQ(CountFiles("blobs"), 1);
  EXPECT_EQ(CountFiles("staging"), 0);
}

TEST_F(MultipartUploadTest, AbortRemovesThePartsBlobs) {
  ASSERT_TRUE(Upload(1, PartBody(1, 100)).ok());
  ASSERT_TRUE(Upload(2, PartBody(2, 100)).ok());
  EXPECT_EQ(CountFiles("blobs"), 2);
  ASSERT_TRUE(store_->AbortMultipartUpload("data", "big.csv", upload_).ok());
  EXPECT_EQ(CountFiles("blobs"), 0);
  EXPECT_TRUE(store_->ListMultipartUploads("data")->empty());
  EXPECT_EQ(store_->AbortMultipartUpload("data", "big.csv", upload_).reason(), "NoSuchUpload");
  EXPECT_TRUE(store_->DeleteBucket("data").ok());
}

TEST_F(MultipartUploadTest, CompletingReplacesAnExistingObjectAndFreesItsBlob) {
  ASSERT_TRUE(Put("data", "big.csv", "old single put").ok());
  auto p1 = Upload(1, "fresh");
  ASSERT_TRUE(p1.ok());
  ASSERT_TRUE(Complete({{1, p1->etag}}).ok());
  EXPECT_EQ(Get("data", "big.csv"), "fresh");
  EXPECT_EQ(CountFiles("blobs"), 1);
  // Copying a multipart object shares all of its segments.
  ASSERT_TRUE(store_->CopyObject("data", "big.csv", "data", "copy", std::nullopt).ok());
  EXPECT_EQ(store_->HeadObject("data", "copy")->etag, MultipartEtag({"fresh"}));
  EXPECT_EQ(Get("data", "copy"), "fresh");
  EXPECT_EQ(CountFiles("blobs"), 1);
}

TEST_F(MultipartUploadTest, UploadsAreListedByKey) {
  auto b = store_->CreateMultipartUpload("data", "a-first", {});
  auto c = store_->CreateMultipartUpload("data", "big.csv", {});
  ASSERT_TRUE(b.ok() && c.ok());
  auto uploads = store_->ListMultipartUploads("data");
  ASSERT_TRUE(uploads.ok());
  ASSERT_EQ(uploads->size(), 3u);
  EXPECT_EQ((*uploads)[0].key, "a-first");
  EXPECT_EQ((*uploads)[0].upload_id, *b);
  EXPECT_EQ((*uploads)[1].key, "big.csv");
  EXPECT_EQ((*uploads)[2].key, "big.csv");
  EXPECT_EQ((*uploads)[0].initiated_ms, 1'800'000'000'000);
  EXPECT_NE(*b, *c);
  EXPECT_EQ(store_->ListMultipartUploads("nobucket").error().reason(), "NoSuchBucket");
}

TEST_F(MultipartUploadTest, PartsSurviveReopenAndCompleteAfterwards) {
  auto p1 = Upload(1, PartBody(1, 120));
  ASSERT_TRUE(p1.ok());
  Reopen();
  auto p2 = Upload(2, "tail");
  ASSERT_TRUE(p2.ok());
  auto done = Complete({{1, p1->etag}, {2, p2->etag}});
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(Get("data", "big.csv"), PartBody(1, 120) + "tail");
}

}  // namespace
}  // namespace kiln
