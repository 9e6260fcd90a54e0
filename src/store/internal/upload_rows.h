// SQL for multipart uploads and their parts in the store's tables (see store_schema.h), used
// inside the Database transactions of LocalObjectStore. Each function runs on the connection it
// is given and so belongs to that transaction; errors carry S3 reason tokens.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "meta/database.h"
#include "store/object_store.h"

namespace kiln::store_internal {

struct UploadRow {
  MultipartUploadInfo info;
  ObjectAttributes attributes;
};

struct PartRow {
  PartInfo info;
  std::string blob;
};

Status InsertUpload(SqlConnection& conn, const UploadRow& upload);
// The upload, or NotFound with reason NoSuchUpload when `upload_id` is not an upload of
// bucket/key.
Result<UploadRow> GetUpload(SqlConnection& conn, std::string_view bucket, std::string_view key,
                            std::string_view upload_id);
// The upload's parts, by ascending part number.
Result<std::vector<PartRow>> LoadParts(SqlConnection& conn, std::string_view upload_id);
// Adds or replaces a part; returns the blob of the part it replaced, if any.
Result<std::optional<std::string>> PutPart(SqlConnection& conn, std::string_view upload_id,
                                           const PartRow& part);
// Deletes the upload and its parts, appending the parts' blobs to `released`.
Status RemoveUpload(SqlConnection& conn, std::string_view upload_id,
                    std::vector<std::string>& released);
// The bucket's in-progress uploads, by key then initiation time.
Result<std::vector<MultipartUploadInfo>> ListUploads(SqlConnection& conn, std::string_view bucket);

}  // namespace kiln::store_internal
