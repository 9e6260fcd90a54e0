#include "store/internal/upload_rows.h"

#include <utility>

#include "store/internal/pair_codec.h"

namespace kiln::store_internal {

Status InsertUpload(SqlConnection& conn, const UploadRow& upload) {
  ASSIGN_OR_RETURN(SqlStatement ins,
                   conn.Prepare("INSERT INTO store_uploads (upload_id, bucket, key, initiated_ms,"
                                " content_type, user_metadata, headers)"
                                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  RETURN_IF_ERROR(ins.BindText(1, upload.info.upload_id));
  RETURN_IF_ERROR(ins.BindText(2, upload.info.bucket));
  RETURN_IF_ERROR(ins.BindBlob(3, upload.info.key));
  RETURN_IF_ERROR(ins.BindInt64(4, upload.info.initiated_ms));
  RETURN_IF_ERROR(ins.BindText(5, upload.attributes.content_type));
  RETURN_IF_ERROR(ins.BindBlob(6, EncodePairs(upload.attributes.user_metadata)));
  RETURN_IF_ERROR(ins.BindBlob(7, EncodePairs(upload.attributes.headers)));
  return ins.Run();
}

Result<UploadRow> GetUpload(SqlConnection& conn, std::string_view bucket, std::string_view key,
                            std::string_view upload_id) {
  ASSIGN_OR_RETURN(SqlStatement stmt,
                   conn.Prepare("SELECT initiated_ms, content_type, user_metadata, headers"
                                " FROM store_uploads"
                                " WHERE upload_id = ?1 AND bucket = ?2 AND key = ?3"));
  RETURN_IF_ERROR(stmt.BindText(1, upload_id));
  RETURN_IF_ERROR(stmt.BindText(2, bucket));
  RETURN_IF_ERROR(stmt.BindBlob(3, key));
  ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (!found)
    return Status::NotFound("no multipart upload \"" + std::string(upload_id) + "\" of \"" +
                            std::string(bucket) + "/" + std::string(key) +
                            "\" (it may have been completed or aborted)")
        .WithReason("NoSuchUpload");
  UploadRow row;
  row.info.upload_id = std::string(upload_id);
  row.info.bucket = std::string(bucket);
  row.info.key = std::string(key);
  row.info.initiated_ms = stmt.ColumnInt64(0);
  row.attributes.content_type = stmt.ColumnText(1);
  ASSIGN_OR_RETURN(row.attributes.user_metadata, DecodePairs(stmt.ColumnView(2)));
  ASSIGN_OR_RETURN(row.attributes.headers, DecodePairs(stmt.ColumnView(3)));
  return row;
}

Result<std::vector<PartRow>> LoadParts(SqlConnection& conn, std::string_view upload_id) {
  ASSIGN_OR_RETURN(SqlStatement stmt,
                   conn.Prepare("SELECT part_number, blob, size, etag, crc32, last_modified_ms"
                                " FROM store_parts WHERE upload_id = ?1 ORDER BY part_number"));
  RETURN_IF_ERROR(stmt.BindText(1, upload_id));
  std::vector<PartRow> parts;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row)
      return parts;
    PartRow part;
    part.info.part_number = static_cast<int>(stmt.ColumnInt64(0));
    part.blob = stmt.ColumnText(1);
    part.info.size = static_cast<std::uint64_t>(stmt.ColumnInt64(2));
    part.info.etag = stmt.ColumnText(3);
    part.info.crc32_base64 = stmt.ColumnText(4);
    part.info.last_modified_ms = stmt.ColumnInt64(5);
    parts.push_back(std::move(part));
  }
}

Result<std::optional<std::string>> PutPart(SqlConnection& conn, std::string_view upload_id,
                                           const PartRow& part) {
  ASSIGN_OR_RETURN(SqlStatement find, conn.Prepare("SELECT blob FROM store_parts"
                                                   " WHERE upload_id = ?1 AND part_number = ?2"));
  RETURN_IF_ERROR(find.BindText(1, upload_id));
  RETURN_IF_ERROR(find.BindInt64(2, part.info.part_number));
  ASSIGN_OR_RETURN(bool found, find.Step());
  std::optional<std::string> replaced;
  if (found)
    replaced = find.ColumnText(0);
  ASSIGN_OR_RETURN(SqlStatement put,
                   conn.Prepare("INSERT OR REPLACE INTO store_parts (upload_id, part_number, blob,"
                                " size, etag, crc32, last_modified_ms)"
                                " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  RETURN_IF_ERROR(put.BindText(1, upload_id));
  RETURN_IF_ERROR(put.BindInt64(2, part.info.part_number));
  RETURN_IF_ERROR(put.BindText(3, part.blob));
  RETURN_IF_ERROR(put.BindInt64(4, static_cast<std::int64_t>(part.info.size)));
  RETURN_IF_ERROR(put.BindText(5, part.info.etag));
  RETURN_IF_ERROR(put.BindText(6, part.info.crc32_base64));
  RETURN_IF_ERROR(put.BindInt64(7, part.info.last_modified_ms));
  RETURN_IF_ERROR(put.Run());
  return replaced;
}

Status RemoveUpload(SqlConnection& conn, std::string_view upload_id,
                    std::vector<std::string>& released) {
  ASSIGN_OR_RETURN(std::vector<PartRow> parts, LoadParts(conn, upload_id));
  for (PartRow& p : parts)
    released.push_back(std::move(p.blob));
  ASSIGN_OR_RETURN(SqlStatement del,
                   conn.Prepare("DELETE FROM store_uploads WHERE upload_id = ?1"));
  RETURN_IF_ERROR(del.BindText(1, upload_id));
  return del.Run();  // parts go by ON DELETE CASCADE
}

Result<std::vector<MultipartUploadInfo>> ListUploads(SqlConnection& conn, std::string_view bucket) {
  ASSIGN_OR_RETURN(SqlStatement stmt,
                   conn.Prepare("SELECT upload_id, key, initiated_ms FROM store_uploads"
                                " WHERE bucket = ?1 ORDER BY key, initiated_ms, upload_id"));
  RETURN_IF_ERROR(stmt.BindText(1, bucket));
  std::vector<MultipartUploadInfo> uploads;
  while (true) {
    ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row)
      return uploads;
    MultipartUploadInfo info;
    info.upload_id = stmt.ColumnText(0);
    info.bucket = std::string(bucket);
    info.key = stmt.ColumnBlob(1);
    info.initiated_ms = stmt.ColumnInt64(2);
    uploads.push_back(std::move(info));
  }
}

}  // namespace kiln::store_internal
