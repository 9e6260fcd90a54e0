#include "store/local_object_store.h"

#include <chrono>
#include <utility>

#include "meta/database.h"
#include "store/internal/list_objects.h"
#include "store/internal/local_blob_writer.h"
#include "store/internal/local_object_reader.h"
#include "store/internal/names.h"
#include "store/internal/object_rows.h"
#include "store/internal/store_schema.h"

namespace kiln {

using store_internal::BlobFiles;
using store_internal::LocalBlobWriter;
using store_internal::LocalObjectReader;
using store_internal::Segment;
using store_internal::StoredObject;
using store_internal::ValidateBucketName;
using store_internal::ValidateObjectKey;

Result<std::unique_ptr<ObjectStore>> ObjectStore::Open(const std::string& dir, Database& db,
                                                       std::uint64_t min_part_size) {
  LocalObjectStoreOptions options;
  options.min_part_size = min_part_size;
  ASSIGN_OR_RETURN(std::unique_ptr<LocalObjectStore> store,
                   LocalObjectStore::Open(dir, db, options));
  return std::unique_ptr<ObjectStore>(std::move(store));
}

Result<std::unique_ptr<LocalObjectStore>> LocalObjectStore::Open(
    const std::string& dir, Database& db, const LocalObjectStoreOptions& options) {
  RETURN_IF_ERROR(db.Migrate(store_internal::kStoreComponent, store_internal::StoreMigrations()));
  ASSIGN_OR_RETURN(std::unique_ptr<BlobFiles> files, BlobFiles::Open(dir));
  auto store = std::make_unique<LocalObjectStore>(db, std::move(files), options);
  RETURN_IF_ERROR(store->Recover());
  return store;
}

LocalObjectStore::LocalObjectStore(Database& db, std::unique_ptr<BlobFiles> files,
                                   const LocalObjectStoreOptions& options)
    : db_(db),
      files_(std::move(files)),
      min_part_size_(options.min_part_size),
      clock_(options.clock != nullptr ? *options.clock : system_clock_) {}

Status LocalObjectStore::Recover() {
  if (!files_->exclusive())
    return Status::Ok();
  RETURN_IF_ERROR(files_->ClearStaging());
  RETURN_IF_ERROR(db_.Read([&](SqlConnection& conn) -> Status {
    ASSIGN_OR_RETURN(store_internal::BlobRefQuery refs,
                     store_internal::BlobRefQuery::Prepare(conn));
    return files_->SweepBlobs([&](const std::string& blob) { return refs.Referenced(blob); });
  }));
  return files_->ShareLock();
}

std::int64_t LocalObjectStore::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now().time_since_epoch())
      .count();
}

void LocalObjectStore::RemoveBlobs(const std::vector<std::string>& blobs) const {
  for (const std::string& blob : blobs)
    files_->Remove(blob);
}

Result<std::string> LocalObjectStore::PublishBlob(BlobWriter* blob) {
  auto* writer = dynamic_cast<LocalBlobWriter*>(blob);
  if (writer == nullptr || writer->owner() != this)
    return Status::InvalidArgument("the body was not received through this store's NewBlob()");
  RETURN_IF_ERROR(writer->Finish());
  std::string id = BlobFiles::NewBlobId();
  RETURN_IF_ERROR(files_->Publish(writer->path(), id));
  writer->MarkPublished();
  return id;
}

// --- Buckets ---

Status LocalObjectStore::CreateBucket(std::string_view name) {
  RETURN_IF_ERROR(ValidateBucketName(name));
  return db_.Write([&](SqlConnection& conn) -> Status {
    if (store_internal::RequireBucket(conn, name).ok())
      return Status::AlreadyExists("bucket \"" + std::string(name) + "\" already exists")
          .WithReason("BucketAlreadyOwnedByYou");
    ASSIGN_OR_RETURN(SqlStatement ins,
                     conn.Prepare("INSERT INTO store_buckets (name, created_ms) VALUES (?1, ?2)"));
    RETURN_IF_ERROR(ins.BindText(1, name));
    RETURN_IF_ERROR(ins.BindInt64(2, NowMs()));
    return ins.Run();
  });
}

Status LocalObjectStore::DeleteBucket(std::string_view name) {
  return db_.Write([&](SqlConnection& conn) -> Status {
    RETURN_IF_ERROR(store_internal::RequireBucket(conn, name));
    ASSIGN_OR_RETURN(SqlStatement used,
                     conn.Prepare("SELECT EXISTS (SELECT 1 FROM store_objects WHERE bucket = ?1)"
                                  " OR EXISTS (SELECT 1 FROM store_uploads WHERE bucket = ?1)"));
    RETURN_IF_ERROR(used.BindText(1, name));
    ASSIGN_OR_RETURN(bool row, used.Step());
    if (row && used.ColumnInt64(0) != 0)
      return Status::FailedPrecondition("bucket \"" + std::string(name) +
                                        "\" is not empty: delete its objects and abort its "
                                        "multipart uploads first")
          .WithReason("BucketNotEmpty");
    ASSIGN_OR_RETURN(SqlStatement del, conn.Prepare("DELETE FROM store_buckets WHERE name = ?1"));
    RETURN_IF_ERROR(del.BindText(1, name));
    return del.Run();
  });
}

Result<BucketInfo> LocalObjectStore::GetBucket(std::string_view name) {
  BucketInfo info;
  RETURN_IF_ERROR(db_.Read([&](SqlConnection& conn) -> Status {
    ASSIGN_OR_RETURN(SqlStatement stmt,
                     conn.Prepare("SELECT created_ms FROM store_buckets WHERE name = ?1"));
    RETURN_IF_ERROR(stmt.BindText(1, name));
    ASSIGN_OR_RETURN(bool found, stmt.Step());
    if (!found)
      return Status::NotFound("bucket \"" + std::string(name) + "\" does not exist")
          .WithReason("NoSuchBucket");
    info.name = std::string(name);
    info.created_ms = stmt.ColumnInt64(0);
    return Status::Ok();
  }));
  return info;
}

Result<std::vector<BucketInfo>> LocalObjectStore::ListBuckets() {
  std::vector<BucketInfo> buckets;
  RETURN_IF_ERROR(db_.Read([&](SqlConnection& conn) -> Status {
    ASSIGN_OR_RETURN(SqlStatement stmt,
                     conn.Prepare("SELECT name, created_ms FROM store_buckets ORDER BY name"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row)
        return Status::Ok();
      buckets.push_back({stmt.ColumnText(0), stmt.ColumnInt64(1)});
    }
  }));
  return buckets;
}

// --- Objects ---

Result<std::unique_ptr<BlobWriter>> LocalObjectStore::NewBlob() {
  std::string path;
  ASSIGN_OR_RETURN(store_internal::UniqueFd fd, files_->CreateStagingFile(&path));
  return std::unique_ptr<BlobWriter>(
      std::make_unique<LocalBlobWriter>(this, std::move(path), std::move(fd)));
}

Result<ObjectInfo> LocalObjectStore::PutObject(std::string_view bucket, std::string_view key,
                                               std::unique_ptr<BlobWriter> blob,
                                               const ObjectAttributes& attributes) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  ASSIGN_OR_RETURN(std::string blob_id, PublishBlob(blob.get()));
  ObjectInfo info;
  info.bucket = std::string(bucket);
  info.key = std::string(key);
  info.size = blob->size();
  info.etag = blob->md5_hex();
  info.crc32_base64 = blob->crc32_base64();
  info.attributes = attributes;
  std::vector<std::string> unused;
  Status s = db_.Write([&](SqlConnection& conn) -> Status {
    RETURN_IF_ERROR(store_internal::RequireBucket(conn, bucket));
    std::vector<std::string> released;
    RETURN_IF_ERROR(store_internal::RemoveObject(conn, bucket, key, released));
    info.last_modified_ms = NowMs();
    RETURN_IF_ERROR(store_internal::InsertObject(conn, info, {{blob_id, 0, info.size}}));
    ASSIGN_OR_RETURN(unused, store_internal::Unreferenced(conn, std::move(released)));
    return Status::Ok();
  });
  if (!s.ok()) {
    files_->Remove(blob_id);
    return s;
  }
  RemoveBlobs(unused);
  return info;
}

Result<ObjectInfo> LocalObjectStore::CopyObject(std::string_view src_bucket,
                                                std::string_view src_key,
                                                std::string_view dst_bucket,
                                                std::string_view dst_key,
                                                const std::optional<ObjectAttributes>& attributes) {
  RETURN_IF_ERROR(ValidateObjectKey(src_key));
  RETURN_IF_ERROR(ValidateObjectKey(dst_key));
  ObjectInfo info;
  std::vector<std::string> unused;
  RETURN_IF_ERROR(db_.Write([&](SqlConnection& conn) -> Status {
    RETURN_IF_ERROR(store_internal::RequireBucket(conn, src_bucket));
    ASSIGN_OR_RETURN(StoredObject src, store_internal::GetObject(conn, src_bucket, src_key));
    ASSIGN_OR_RETURN(std::vector<Segment> segments, store_internal::LoadSegments(conn, src.id));
    RETURN_IF_ERROR(store_internal::RequireBucket(conn, dst_bucket));
    info = std::move(src.info);
    info.bucket = std::string(dst_bucket);
    info.key = std::string(dst_key);
    info.last_modified_ms = NowMs();
    if (attributes.has_value())
      info.attributes = *attributes;
    std::vector<std::string> released;
    RETURN_IF_ERROR(store_internal::RemoveObject(conn, dst_bucket, dst_key, released));
    RETURN_IF_ERROR(store_internal::InsertObject(conn, info, segments));
    ASSIGN_OR_RETURN(unused, store_internal::Unreferenced(conn, std::move(released)));
    return Status::Ok();
  }));
  RemoveBlobs(unused);
  return info;
}

Result<ObjectInfo> LocalObjectStore::HeadObject(std::string_view bucket, std::string_view key) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  ObjectInfo info;
  RETURN_IF_ERROR(db_.Read([&](SqlConnection& conn) -> Status {
    RETURN_IF_ERROR(store_internal::RequireBucket(conn, bucket));
    ASSIGN_OR_RETURN(StoredObject object, store_internal::GetObject(conn, bucket, key));
    info = std::move(object.info);
    return Status::Ok();
  }));
  return info;
}

Result<std::unique_ptr<ObjectReader>> LocalObjectStore::OpenObject(std::string_view bucket,
                                                                   std::string_view key) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  // A concurrent overwrite or delete may unlink the blobs between reading the rows and opening
  // the files; then the rows have changed, so look again. Unchanged rows naming a missing file
  // mean the file was lost.
  constexpr int kMaxAttempts = 16;
  std::vector<Segment> previous;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    StoredObject object;
    std::vector<Segment> segments;
    RETURN_IF_ERROR(db_.Read([&](SqlConnection& conn) -> Status {
      RETURN_IF_ERROR(store_internal::RequireBucket(conn, bucket));
      ASSIGN_OR_RETURN(object, store_internal::GetObject(conn, bucket, key));
      ASSIGN_OR_RETURN(segments, store_internal::LoadSegments(conn, object.id));
      return Status::Ok();
    }));
    std::vector<LocalObjectReader::OpenSegment> open;
    Status missing;
    for (const Segment& segment : segments) {
      if (segment.length == 0)
        continue;
      Result<store_internal::UniqueFd> fd = files_->OpenBlob(segment.blob);
      if (!fd.ok()) {
        if (fd.error().code() != StatusCode::kNotFound)
          return fd.error();
        missing = fd.error();
        break;
      }
      open.push_back({segment.start, segment.length, std::move(fd).value(), segment.blob});
    }
    if (missing.ok())
      return std::unique_ptr<ObjectReader>(
          std::make_unique<LocalObjectReader>(std::move(object.info), std::move(open)));
    if (attempt > 0 && segments == previous)
      return Status::Corruption("object \"" + std::string(bucket) + "/" + std::string(key) +
                                "\" names a blob file that is gone: " + missing.message());
    previous = std::move(segments);
  }
  return Status::IoError("object \"" + std::string(bucket) + "/" + std::string(key) +
                         "\" kept changing while it was being opened; try again");
}

Status LocalObjectStore::DeleteObject(std::string_view bucket, std::string_view key) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  std::vector<std::string> unused;
  RETURN_IF_ERROR(db_.Write([&](SqlConnection& conn) -> Status {
    RETURN_IF_ERROR(store_internal::RequireBucket(conn, bucket));
    std::vector<std::string> released;
    RETURN_IF_ERROR(store_internal::RemoveObject(conn, bucket, key, released));
    ASSIGN_OR_RETURN(unused, store_internal::Unreferenced(conn, std::move(released)));
    return Status::Ok();
  }));
  RemoveBlobs(unused);
  return Status::Ok();
}

Result<ListObjectsResult> LocalObjectStore::ListObjects(std::string_view bucket,
                                                        const ListObjectsQuery& query) {
  if (query.max_keys < 0)
    return Status::InvalidArgument("max-keys must be >= 0, got " + std::to_string(query.max_keys))
        .WithReason("InvalidArgument");
  ListObjectsResult result;
  RETURN_IF_ERROR(db_.Read([&](SqlConnection& conn) -> Status {
    RETURN_IF_ERROR(store_internal::RequireBucket(conn, bucket));
    ASSIGN_OR_RETURN(result, store_internal::ListObjectsIn(conn, bucket, query));
    return Status::Ok();
  }));
  return result;
}

}  // namespace kiln
