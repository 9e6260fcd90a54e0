// LocalObjectStore: the ObjectStore on local disk — blob files under a directory (BlobFiles),
// buckets, objects, segments, uploads and parts in the metadata Database (store_schema.h).
//
// Every mutation is: publish any new blob (fsync, rename, fsync dir), then one write transaction
// that re-checks everything it depends on (bucket exists, upload exists, ...) and computes which
// blobs it left unreferenced, then — only after the commit — unlink those. Since the transaction
// is the single point of visibility, concurrent writers need no lock of their own here: the
// Database serializes them, the last commit wins, and a blob that loses a race is unlinked by
// whichever commit released it. Reads run on read transactions, concurrently with writes.
//
// The directory may be shared by several instances (processes); crash cleanup (see
// ObjectStore::Open) runs only in the instance that opens it alone, so a live instance's
// published-but-uncommitted blob is never swept. A reader keeps one descriptor per non-empty
// segment open, so a multipart object of N parts costs N descriptors per open reader.
//
// ListObjects (internal/list_objects.h) returns the first max_keys items (keys and common
// prefixes, bytewise order) that sort after start_after; a start_after equal to or under a common
// prefix skips that whole prefix, so next_start_after works as a continuation token. max_keys == 0
// returns nothing with truncated == false; above 1000 counts as 1000.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/clock.h"
#include "store/internal/blob_files.h"
#include "store/object_store.h"

namespace kiln {

struct LocalObjectStoreOptions {
  // Minimum size of every part of a multipart upload but the last (S3: 5 MiB; tests use less).
  std::uint64_t min_part_size = ObjectStore::kMinPartSize;
  // Stamps last_modified_ms, created_ms and initiated_ms. Null: the system clock. Must outlive
  // the store.
  const Clock* clock = nullptr;
};

class LocalObjectStore final : public ObjectStore {
 public:
  // As ObjectStore::Open, with a chosen clock.
  static Result<std::unique_ptr<LocalObjectStore>> Open(
      const std::string& dir, Database& db, const LocalObjectStoreOptions& options = {});

  Status CreateBucket(std::string_view name) override;
  Status DeleteBucket(std::string_view name) override;
  Result<BucketInfo> GetBucket(std::string_view name) override;
  Result<std::vector<BucketInfo>> ListBuckets() override;

  Result<std::unique_ptr<BlobWriter>> NewBlob() override;
  Result<ObjectInfo> PutObject(std::string_view bucket, std::string_view key,
                               std::unique_ptr<BlobWriter> blob,
                               const ObjectAttributes& attributes) override;
  Result<ObjectInfo> CopyObject(std::string_view src_bucket, std::string_view src_key,
                                std::string_view dst_bucket, std::string_view dst_key,
                                const std::optional<ObjectAttributes>& attributes) override;
  Result<ObjectInfo> HeadObject(std::string_view bucket, std::string_view key) override;
  Result<std::unique_ptr<ObjectReader>> OpenObject(std::string_view bucket,
                                                   std::string_view key) override;
  Status DeleteObject(std::string_view bucket, std::string_view key) override;
  Result<ListObjectsResult> ListObjects(std::string_view bucket,
                                        const ListObjectsQuery& query) override;

  Result<std::string> CreateMultipartUpload(std::string_view bucket, std::string_view key,
                                            const ObjectAttributes& attributes) override;
  Result<PartInfo> UploadPart(std::string_view bucket, std::string_view key,
                              std::string_view upload_id, int part_number,
                              std::unique_ptr<BlobWriter> blob) override;
  Result<std::vector<PartInfo>> ListParts(std::string_view bucket, std::string_view key,
                                          std::string_view upload_id) override;
  Result<ObjectInfo> CompleteMultipartUpload(
      std::string_view bucket, std::string_view key, std::string_view upload_id,
      const std::vector<std::pair<int, std::string>>& parts) override;
  Status AbortMultipartUpload(std::string_view bucket, std::string_view key,
                              std::string_view upload_id) override;
  Result<std::vector<MultipartUploadInfo>> ListMultipartUploads(std::string_view bucket) override;

  LocalObjectStore(Database& db, std::unique_ptr<store_internal::BlobFiles> files,
                   const LocalObjectStoreOptions& options);

 private:
  // Finishes `blob` if needed and moves it into blobs/; returns the new blob id. InvalidArgument
  // for a writer this store did not make.
  Result<std::string> PublishBlob(BlobWriter* blob);
  // Deletes blob files a committed transaction left unreferenced.
  void RemoveBlobs(const std::vector<std::string>& blobs) const;
  // Removes staging leftovers and unreferenced blobs (only when opened exclusively).
  Status Recover();
  std::int64_t NowMs() const;

  Database& db_;
  const std::unique_ptr<store_internal::BlobFiles> files_;
  const std::uint64_t min_part_size_;
  const SystemClock system_clock_;
  const Clock& clock_;
};

}  // namespace kiln
