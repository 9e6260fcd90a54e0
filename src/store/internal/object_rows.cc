#include "store/internal/object_rows.h"

#include <algorithm>
#include <utility>

#include "store/internal/pair_codec.h"

namespace kiln::store_internal {

Result<ObjectInfo> ReadObjectInfo(const SqlStatement& stmt, int first, std::string_view bucket) {
  ObjectInfo info;
  info.bucket = std::string(bucket);
  info.key = stmt.ColumnBlob(first);
  info.size = static_cast<std::uint64_t>(stmt.ColumnInt64(first + 1));
  info.etag = stmt.ColumnText(first + 2);
  info.crc32_base64 = stmt.ColumnText(first + 3);
  info.last_modified_ms = stmt.ColumnInt64(first + 4);
  info.part_count = static_cast<int>(stmt.ColumnInt64(first + 5));
  info.attributes.content_type = stmt.ColumnText(first + 6);
  ASSIGN_OR_RETURN(info.attributes.user_metadata, DecodePairs(stmt.ColumnView(first + 7)));
  ASSIGN_OR_RETURN(info.attributes.headers, DecodePairs(stmt.ColumnView(first + 8)));
  return info;
}

Status RequireBucket(SqlConnection& conn, std::string_view bucket) {
  ASSIGN_OR_RETURN(SqlStatement stmt, conn.Prepare("SELECT 1 FROM store_buckets WHERE name = ?1"));
  RETURN_IF_ERROR(stmt.BindText(1, bucket));
  ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found)
    return Status::NotFound("bucket \"" + std::string(bucket) + "\" does not exist")
        .WithReason("NoSuchBucket");
  return Status::Ok();
}

Result<std::optional<StoredObject>> FindObject(SqlConnection& conn, std::string_view bucket,
                                               std::string_view key) {
  ASSIGN_OR_RETURN(SqlStatement stmt,
                   conn.Prepare(std::string("SELECT id, ") + kObjectColumns +
                                " FROM store_objects WHERE bucket = ?1 AND key = ?2"));
  RETURN_IF_ERROR(stmt.BindText(1, bucket));
  RETURN_IF_ERROR(stmt.BindBlob(2, key));
  ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found)
    return std::optional<StoredObject>();
  StoredObject object;
  object.id = stmt.ColumnInt64(0);
  ASSIGN_OR_RETURN(object.info, ReadObjectInfo(stmt, 1, bucket));
  return std::optional<StoredObject>(std::move(object));
}

Result<StoredObject> GetObject(SqlConnection& conn, std::string_view bucket, std::string_view key) {
  ASSIGN_OR_RETURN(std::optional<StoredObject> object, FindObject(conn, bucket, key));
  if (!object.has_value())
    return Status::NotFound("no object \"" + std::string(key) + "\" in bucket \"" +
                            std::string(bucket) + "\"")
        .WithReason("NoSuchKey");
  return std::move(*object);
}

Result<std::vector<Segment>> LoadSegments(SqlConnection& conn, std::int64_t object_id) {
  ASSIGN_OR_RETURN(SqlStatement stmt,
                   conn.Prepare("SELECT blob, start_offset, length FROM store_segments"
                                " WHERE object_id = ?1 ORDER BY seq"));
  RETURN_IF_ERROR(stmt.BindInt64(1, object_id));
  std::vector<Segment> segments;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row)
      return segments;
    segments.push_back({stmt.ColumnText(0), static_cast<std::uint64_t>(stmt.ColumnInt64(1)),
                        static_cast<std::uint64_t>(stmt.ColumnInt64(2))});
  }
}

Status RemoveObject(SqlConnection& conn, std::string_view bucket, std::string_view key,
                    std::vector<std::string>& released) {
  ASSIGN_OR_RETURN(SqlStatement find,
                   conn.Prepare("SELECT id FROM store_objects WHERE bucket = ?1 AND key = ?2"));
  RETURN_IF_ERROR(find.BindText(1, bucket));
  RETURN_IF_ERROR(find.BindBlob(2, key));
  ASSIGN_OR_RETURN(bool found, find.Step());
  if (!found)
    return Status::Ok();
  std::int64_t id = find.ColumnInt64(0);
  ASSIGN_OR_RETURN(std::vector<Segment> segments, LoadSegments(conn, id));
  for (Segment& s : segments)
    released.push_back(std::move(s.blob));
  ASSIGN_OR_RETURN(SqlStatement del, conn.Prepare("DELETE FROM store_objects WHERE id = ?1"));
  RETURN_IF_ERROR(del.BindInt64(1, id));
  return del.Run();  // segments go by ON DELETE CASCADE
}

Status InsertObject(SqlConnection& conn, const ObjectInfo& info,
                    const std::vector<Segment>& segments) {
  ASSIGN_OR_RETURN(
      SqlStatement ins,
      conn.Prepare(std::string("INSERT INTO store_objects (bucket, ") + kObjectColumns +
                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
  RETURN_IF_ERROR(ins.BindText(1, info.bucket));
  RETURN_IF_ERROR(ins.BindBlob(2, info.key));
  RETURN_IF_ERROR(ins.BindInt64(3, static_cast<std::int64_t>(info.size)));
  RETURN_IF_ERROR(ins.BindText(4, info.etag));
  RETURN_IF_ERROR(ins.BindText(5, info.crc32_base64));
  RETURN_IF_ERROR(ins.BindInt64(6, info.last_modified_ms));
  RETURN_IF_ERROR(ins.BindInt64(7, info.part_count));
  RETURN_IF_ERROR(ins.BindText(8, info.attributes.content_type));
  RETURN_IF_ERROR(ins.BindBlob(9, EncodePairs(info.attributes.user_metadata)));
  RETURN_IF_ERROR(ins.BindBlob(10, EncodePairs(info.attributes.headers)));
  RETURN_IF_ERROR(ins.Run());
  std::int64_t id = conn.LastInsertRowId();
  ASSIGN_OR_RETURN(SqlStatement seg,
                   conn.Prepare("INSERT INTO store_segments (object_id, seq, blob, start_offset,"
                                " length) VALUES (?1, ?2, ?3, ?4, ?5)"));
  for (std::size_t i = 0; i < segments.size(); ++i) {
    seg.Reset();
    RETURN_IF_ERROR(seg.BindInt64(1, id));
    RETURN_IF_ERROR(seg.BindInt64(2, static_cast<std::int64_t>(i)));
    RETURN_IF_ERROR(seg.BindText(3, segments[i].blob));
    RETURN_IF_ERROR(seg.BindInt64(4, static_cast<std::int64_t>(segments[i].start)));
    RETURN_IF_ERROR(seg.BindInt64(5, static_cast<std::int64_t>(segments[i].length)));
    RETURN_IF_ERROR(seg.Run());
  }
  return Status::Ok();
}

Result<BlobRefQuery> BlobRefQuery::Prepare(SqlConnection& conn) {
  ASSIGN_OR_RETURN(SqlStatement stmt,
                   conn.Prepare("SELECT EXISTS (SELECT 1 FROM store_segments WHERE blob = ?1)"
                                " OR EXISTS (SELECT 1 FROM store_parts WHERE blob = ?1)"));
  return BlobRefQuery(std::move(stmt));
}

Result<bool> BlobRefQuery::Referenced(std::string_view blob) {
  stmt_.Reset();
  RETURN_IF_ERROR(stmt_.BindText(1, blob));
  ASSIGN_OR_RETURN(bool row, stmt_.Step());
  bool referenced = row && stmt_.ColumnInt64(0) != 0;
  stmt_.Reset();
  return referenced;
}

Result<std::vector<std::string>> Unreferenced(SqlConnection& conn,
                                              std::vector<std::string> candidates) {
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  std::vector<std::string> unused;
  if (candidates.empty())
    return unused;
  ASSIGN_OR_RETURN(BlobRefQuery query, BlobRefQuery::Prepare(conn));
  for (std::string& blob : candidates) {
    ASSIGN_OR_RETURN(bool used, query.Referenced(blob));
    if (!used)
      unused.push_back(std::move(blob));
  }
  return unused;
}

}  // namespace kiln::store_internal
