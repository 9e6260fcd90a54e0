// ObjectStore: Kiln's embedded S3-compatible object store — buckets, objects, multipart uploads —
// on local disk, with object metadata in the SQLite metadata database.
//
// Layout under the store's directory: `staging/` holds bodies being received (one temp file each),
// `blobs/<2 hex>/<id>` holds finished, immutable content files. An object row in SQLite names the
// blob(s) holding its bytes (a multipart object is the ordered list of its parts' blobs, so
// completing an upload copies nothing). Every write is: stream to a staging file while hashing
// (MD5, SHA-256, CRC32), fsync, rename into blobs/ and fsync the directory, then commit the row.
// A crash at any point leaves either the old object or the new one visible, never a partial one;
// Open() removes staging leftovers and blobs no row refers to. Replaced or deleted objects' blobs
// are unlinked after the commit; readers that already opened them keep reading (POSIX semantics).
//
// Errors carry Status::reason() tokens named after S3's error codes: "NoSuchBucket", "NoSuchKey",
// "NoSuchUpload", "BucketAlreadyOwnedByYou", "BucketNotEmpty", "InvalidBucketName",
// "KeyTooLongError", "InvalidPart", "InvalidPartOrder", "EntityTooSmall", "InvalidArgument".
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace kiln {

class Database;

// Headers a client sets on an object and gets back on GET/HEAD.
struct ObjectAttributes {
  std::string content_type = "binary/octet-stream";
  // x-amz-meta-* with the prefix removed, names lower case, in the order given.
  std::vector<std::pair<std::string, std::string>> user_metadata;
  // Stored and returned verbatim: cache-control, content-disposition, content-encoding,
  // content-language, expires (names lower case).
  std::vector<std::pair<std::string, std::string>> headers;
};

struct BucketInfo {
  std::string name;
  std::int64_t created_ms = 0;  // unix milliseconds
};

struct ObjectInfo {
  std::string bucket;
  std::string key;
  std::uint64_t size = 0;
  std::string etag;          // without quotes: hex MD5, or hex MD5-of-MD5s + "-N" for multipart
  std::string crc32_base64;  // full-object CRC32 when known (single PUT); empty for multipart
  std::int64_t last_modified_ms = 0;
  int part_count = 0;  // 0 for a single PUT
  ObjectAttributes attributes;
};

// A body being received: bytes go to a staging file and through the digests as they arrive.
// Owned by one thread. Destroying an unconsumed writer removes its staging file.
class BlobWriter {
 public:
  virtual ~BlobWriter() = default;
  virtual Status Append(std::string_view bytes) = 0;
  // Flushes and fsyncs; afterwards size() and the digests are final and Append fails.
  virtual Status Finish() = 0;
  virtual std::uint64_t size() const = 0;
  virtual std::string md5_hex() const = 0;       // valid after Finish()
  virtual std::string sha256_hex() const = 0;    // valid after Finish()
  virtual std::string crc32_base64() const = 0;  // valid after Finish()
};

// An open object: its metadata and a positional reader over its bytes. The bytes stay readable
// even if the object is overwritten or deleted meanwhile. Owned by one thread.
class ObjectReader {
 public:
  virtual ~ObjectReader() = default;
  virtual const ObjectInfo& info() const = 0;
  // Reads up to `n` bytes at `offset` into `out`; returns the count (0 only at the end).
  virtual Result<std::size_t> ReadAt(std::uint64_t offset, char* out, std::size_t n) = 0;

  // A piece of an open file: `length` bytes at `offset` of descriptor `fd`.
  struct FileSpan {
    int fd = -1;
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
  };
  // The open files that hold the object's bytes [offset, offset + length), in order, so a server
  // can send them without copying (sendfile). Empty when the reader cannot say (use ReadAt). The
  // descriptors stay valid while the reader lives.
  virtual std::vector<FileSpan> Spans(std::uint64_t offset, std::uint64_t length) const {
    (void)offset;
    (void)length;
    return {};
  }
};

struct ListObjectsQuery {
  std::string prefix;
  std::string delimiter;    // empty: no grouping
  std::string start_after;  // list keys strictly after this (also used for continuation)
  int max_keys = 1000;      // 0..1000
};

struct ListObjectsResult {
  std::vector<ObjectInfo> contents;          // sorted by key (bytewise)
  std::vector<std::string> common_prefixes;  // sorted, each counted once
  bool truncated = false;
  // When truncated: the last key or common prefix returned; pass it as start_after to go on.
  std::string next_start_after;
};

struct PartInfo {
  int part_number = 0;
  std::string etag;  // hex MD5, no quotes
  std::uint64_t size = 0;
  std::string crc32_base64;
  std::int64_t last_modified_ms = 0;
};

struct MultipartUploadInfo {
  std::string upload_id;
  std::string bucket;
  std::string key;
  std::int64_t initiated_ms = 0;
};

class ObjectStore {
 public:
  // Minimum size of every part but the last (S3: 5 MiB).
  static constexpr std::uint64_t kMinPartSize = 5ull << 20;

  virtual ~ObjectStore() = default;

  // Opens the store rooted at `dir` (created if absent) using `db` for metadata (its migrations
  // are applied). `db` must outlive the store. Cleans up after a crash (see header comment).
  static Result<std::unique_ptr<ObjectStore>> Open(const std::string& dir, Database& db,
                                                   std::uint64_t min_part_size = kMinPartSize);

  // Buckets. Names follow S3's rules (3-63 chars, lower case, digits, '.', '-', ...).
  virtual Status CreateBucket(std::string_view name) = 0;
  virtual Status DeleteBucket(std::string_view name) = 0;  // must be empty, no open uploads
  virtual Result<BucketInfo> GetBucket(std::string_view name) = 0;
  virtual Result<std::vector<BucketInfo>> ListBuckets() = 0;  // sorted by name

  // A staging file for a body about to be received.
  virtual Result<std::unique_ptr<BlobWriter>> NewBlob() = 0;

  // Makes `blob` (finished) the content of bucket/key, replacing any previous object.
  virtual Result<ObjectInfo> PutObject(std::string_view bucket, std::string_view key,
                                       std::unique_ptr<BlobWriter> blob,
                                       const ObjectAttributes& attributes) = 0;
  // Copies an object (sharing its blobs, no byte copy). With `attributes`, they replace the
  // source's (S3's MetadataDirective=REPLACE); otherwise the source's are kept.
  virtual Result<ObjectInfo> CopyObject(std::string_view src_bucket, std::string_view src_key,
                                        std::string_view dst_bucket, std::string_view dst_key,
                                        const std::optional<ObjectAttributes>& attributes) = 0;
  virtual Result<ObjectInfo> HeadObject(std::string_view bucket, std::string_view key) = 0;
  virtual Result<std::unique_ptr<ObjectReader>> OpenObject(std::string_view bucket,
                                                           std::string_view key) = 0;
  // OK when the key does not exist; NoSuchBucket when the bucket does not.
  virtual Status DeleteObject(std::string_view bucket, std::string_view key) = 0;
  virtual Result<ListObjectsResult> ListObjects(std::string_view bucket,
                                                const ListObjectsQuery& query) = 0;

  // Multipart uploads. Parts may arrive in any order and concurrently; re-uploading a part number
  // replaces it.
  virtual Result<std::string> CreateMultipartUpload(std::string_view bucket, std::string_view key,
                                                    const ObjectAttributes& attributes) = 0;
  virtual Result<PartInfo> UploadPart(std::string_view bucket, std::string_view key,
                                      std::string_view upload_id, int part_number,
                                      std::unique_ptr<BlobWriter> blob) = 0;
  virtual Result<std::vector<PartInfo>> ListParts(std::string_view bucket, std::string_view key,
                                                  std::string_view upload_id) = 0;
  // `parts`: (part number, etag without quotes) ascending, as the client lists them.
  virtual Result<ObjectInfo> CompleteMultipartUpload(
      std::string_view bucket, std::string_view key, std::string_view upload_id,
      const std::vector<std::pair<int, std::string>>& parts) = 0;
  virtual Status AbortMultipartUpload(std::string_view bucket, std::string_view key,
                                      std::string_view upload_id) = 0;
  virtual Result<std::vector<MultipartUploadInfo>> ListMultipartUploads(
      std::string_view bucket) = 0;
};

}  // namespace kiln
