// SQL for buckets, objects and their segments in the store's tables (see store_schema.h), used
// inside the Database transactions of LocalObjectStore. Each function runs on the connection it
// is given and so belongs to that transaction; errors carry S3 reason tokens.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meta/database.h"
#include "store/object_store.h"

namespace kiln::store_internal {

// A run of an object's bytes: all of blob `blob`, at [start, start + length) in the object.
struct Segment {
  std::string blob;
  std::uint64_t start = 0;
  std::uint64_t length = 0;
  bool operator==(const Segment&) const = default;
};

struct StoredObject {
  std::int64_t id = 0;
  ObjectInfo info;
};

// The store_objects columns ReadObjectInfo expects, in this order.
inline constexpr char kObjectColumns[] =
    "key, size, etag, crc32, last_modified_ms, part_count, content_type, user_metadata, headers";
// Decodes kObjectColumns starting at column `first` of the current row.
Result<ObjectInfo> ReadObjectInfo(const SqlStatement& stmt, int first, std::string_view bucket);

// NotFound with reason NoSuchBucket unless the bucket exists.
Status RequireBucket(SqlConnection& conn, std::string_view bucket);
// The object at bucket/key, or nullopt.
Result<std::optional<StoredObject>> FindObject(SqlConnection& conn, std::string_view bucket,
                                               std::string_view key);
// As FindObject, but NotFound with reason NoSuchKey when absent.
Result<StoredObject> GetObject(SqlConnection& conn, std::string_view bucket, std::string_view key);
Result<std::vector<Segment>> LoadSegments(SqlConnection& conn, std::int64_t object_id);

// Deletes the object at bucket/key if there is one, appending its blobs to `released`.
Status RemoveObject(SqlConnection& conn, std::string_view bucket, std::string_view key,
                    std::vector<std::string>& released);
// Inserts an object row and its segments; REQUIRES no object at info.bucket/info.key.
Status InsertObject(SqlConnection& conn, const ObjectInfo& info,
                    const std::vector<Segment>& segments);

// Answers "does any segment or part still name this blob?" with one prepared statement.
class BlobRefQuery {
 public:
  static Result<BlobRefQuery> Prepare(SqlConnection& conn);
  Result<bool> Referenced(std::string_view blob);

 private:
  explicit BlobRefQuery(SqlStatement stmt) : stmt_(std::move(stmt)) {}
  SqlStatement stmt_;
};

// The distinct blobs of `candidates` that nothing refers to any more: after the transaction
// commits, their files may be deleted.
Result<std::vector<std::string>> Unreferenced(SqlConnection& conn,
                                              std::vector<std::string> candidates);

}  // namespace kiln::store_internal
