// LocalObjectStore's multipart uploads: parts are ordinary blobs recorded in store_parts; Complete
// turns the chosen parts into the object's segments in one transaction, copying no bytes.
#include <map>
#include <optional>
#include <utility>

#include "common/digest.h"
#include "meta/database.h"
#include "store/internal/names.h"
#include "store/internal/object_rows.h"
#include "store/internal/upload_rows.h"
#include "store/local_object_store.h"

namespace kiln {

using store_internal::PartRow;
using store_internal::Segment;
using store_internal::UploadRow;
using store_internal::ValidateObjectKey;

namespace {

constexpr int kMaxPartNumber = 10000;

// An ETag as a client echoes it: surrounding quotes removed, hex in lower case.
std::string NormalizeEtag(std::string_view etag) {
  if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"')
    etag = etag.substr(1, etag.size() - 2);
  std::string out(etag);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

// The 16 bytes of a hex MD5 ETag; nullopt when it is not one.
std::optional<std::string> Md5FromEtag(std::string_view hex) {
  if (hex.size() != 32)
    return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int hi = HexValue(hex[i]), lo = HexValue(hex[i + 1]);
    if (hi < 0 || lo < 0)
      return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

std::string UploadName(std::string_view bucket, std::string_view key, std::string_view id) {
  return "upload \"" + std::string(id) + "\" of \"" + std::string(bucket) + "/" + std::string(key) +
         "\"";
}

}  // namespace

Result<std::string> LocalObjectStore::CreateMultipartUpload(std::string_view bucket,
                                                            std::string_view key,
                                                            const ObjectAttributes& attributes) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  UploadRow upload;
  upload.info.upload_id = HexEncode(RandomBytes(24));
  upload.info.bucket = std::string(bucket);
  upload.info.key = std::string(key);
  upload.attributes = attributes;
  RETURN_IF_ERROR(db_.Write([&](SqlConnection& conn) -> Status {
    RETURN_IF_ERROR(store_internal::RequireBucket(conn, bucket));
    upload.info.initiated_ms = NowMs();
    return store_internal::InsertUpload(conn, upload);
  }));
  return upload.info.upload_id;
}

Result<PartInfo> LocalObjectStore::UploadPart(std::string_view bucket, std::string_view key,
                                              std::string_view upload_id, int part_number,
                                              std::unique_ptr<BlobWriter> blob) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  if (part_number < 1 || part_number > kMaxPartNumber)
    return Status::InvalidArgument("part number must be an integer between 1 and " +
                                   std::to_string(kMaxPartNumber) + ", got " +
                                   std::to_string(part_number))
        .WithReason("InvalidArgument");
  ASSIGN_OR_RETURN(std::string blob_id, PublishBlob(blob.get()));
  PartRow part;
  part.blob = blob_id;
  part.info.part_number = part_number;
  part.info.etag = blob->md5_hex();
  part.info.size = blob->size();
  part.info.crc32_base64 = blob->crc32_base64();
  std::vector<std::string> unused;
  Status s = db_.Write([&](SqlConnection& conn) -> Status {
    RETURN_IF_ERROR(store_internal::RequireBucket(conn, bucket));
    RETURN_IF_ERROR(store_internal::GetUpload(conn, bucket, key, upload_id).status());
    part.info.last_modified_ms = NowMs();
    ASSIGN_OR_RETURN(std::optional<std::string> replaced,
                     store_internal::PutPart(conn, upload_id, part));
    if (replaced.has_value()) {
      ASSIGN_OR_RETURN(unused, store_internal::Unreferenced(conn, {*replaced}));
    }
    return Status::Ok();
  });
  if (!s.ok()) {
    files_->Remove(blob_id);
    return s;
  }
  RemoveBlobs(unused);
  return part.info;
}

Result<std::vector<PartInfo>> LocalObjectStore::ListParts(std::string_view bucket,
                                                          std::string_view key,
                                                          std::string_view upload_id) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  std::vector<PartInfo> parts;
  RETURN_IF_ERROR(db_.Read([&](SqlConnection& conn) -> Status {
    RETURN_IF_ERROR(store_internal::RequireBucket(conn, bucket));
    RETURN_IF_ERROR(store_internal::GetUpload(conn, bucket, key, upload_id).status());
    ASSIGN_OR_RETURN(std::vector<PartRow> rows, store_internal::LoadParts(conn, upload_id));
    for (PartRow& row : rows)
      parts.push_back(std::move(row.info));
    return Status::Ok();
  }));
  return parts;
}

Result<ObjectInfo> LocalObjectStore::CompleteMultipartUpload(
    std::string_view bucket, std::string_view key, std::string_view upload_id,
    const std::vector<std::pair<int, std::string>>& parts) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  if (parts.empty())
    return Status::InvalidArgument("CompleteMultipartUpload must list at least one part")
        .WithReason("MalformedXML");
  for (std::size_t i = 1; i < parts.size(); ++i) {
    if (parts[i].first <= parts[i - 1].first)
      return Status::InvalidArgument(
                 "parts must be listed in strictly ascending order of part "
                 "number; part " +
                 std::to_string(parts[i].first) + " follows part " +
                 std::to_string(parts[i - 1].first))
          .WithReason("InvalidPartOrder");
  }
  ObjectInfo info;
  std::vector<std::string> unused;
  RETURN_IF_ERROR(db_.Write([&](SqlConnection& conn) -> Status {
    RETURN_IF_ERROR(store_internal::RequireBucket(conn, bucket));
    ASSIGN_OR_RETURN(UploadRow upload, store_internal::GetUpload(conn, bucket, key, upload_id));
    ASSIGN_OR_RETURN(std::vector<PartRow> stored, store_internal::LoadParts(conn, upload_id));
    std::map<int, const PartRow*> by_number;
    for (const PartRow& p : stored)
      by_number[p.info.part_number] = &p;

    std::vector<Segment> segments;
    std::string md5s;
    std::uint64_t size = 0;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const auto& [number, etag] = parts[i];
      auto it = by_number.find(number);
      if (it == by_number.end())
        return Status::InvalidArgument("part " + std::to_string(number) + " of " +
                                       UploadName(bucket, key, upload_id) + " was not uploaded")
            .WithReason("InvalidPart");
      const PartRow& part = *it->second;
      if (NormalizeEtag(etag) != part.info.etag)
        return Status::InvalidArgument("part " + std::to_string(number) + " has ETag \"" +
                                       part.info.etag + "\", not \"" + NormalizeEtag(etag) + "\"")
            .WithReason("InvalidPart");
      if (i + 1 < parts.size() && part.info.size < min_part_size_)
        return Status::InvalidArgument("part " + std::to_string(number) + " is " +
                                       std::to_string(part.info.size) +
                                       " bytes; every part but the last must be at least " +
                                       std::to_string(min_part_size_) + " bytes")
            .WithReason("EntityTooSmall");
      std::optional<std::string> md5 = Md5FromEtag(part.info.etag);
      if (!md5.has_value())
        return Status::Corruption("stored part " + std::to_string(number) +
                                  " has a malformed ETag \"" + part.info.etag + "\"");
      md5s += *md5;
      segments.push_back({part.blob, size, part.info.size});
      size += part.info.size;
    }

    info.bucket = std::string(bucket);
    info.key = std::string(key);
    info.size = size;
    info.etag = HexEncode(Md5(md5s)) + "-" + std::to_string(parts.size());
    info.part_count = static_cast<int>(parts.size());
    info.last_modified_ms = NowMs();
    info.attributes = std::move(upload.attributes);
    std::vector<std::string> released;
    RETURN_IF_ERROR(store_internal::RemoveObject(conn, bucket, key, released));
    RETURN_IF_ERROR(store_internal::RemoveUpload(conn, upload_id, released));
    RETURN_IF_ERROR(store_internal::InsertObject(conn, info, segments));
    ASSIGN_OR_RETURN(unused, store_internal::Unreferenced(conn, std::move(released)));
    return Status::Ok();
  }));
  RemoveBlobs(unused);
  return info;
}

Status LocalObjectStore::AbortMultipartUpload(std::string_view bucket, std::string_view key,
                                              std::string_view upload_id) {
  RETURN_IF_ERROR(ValidateObjectKey(key));
  std::vector<std::string> unused;
  RETURN_IF_ERROR(db_.Write([&](SqlConnection& conn) -> Status {
    RETURN_IF_ERROR(store_internal::RequireBucket(conn, bucket));
    RETURN_IF_ERROR(store_internal::GetUpload(conn, bucket, key, upload_id).status());
    std::vector<std::string> released;
    RETURN_IF_ERROR(store_internal::RemoveUpload(conn, upload_id, released));
    ASSIGN_OR_RETURN(unused, store_internal::Unreferenced(conn, std::move(released)));
    return Status::Ok();
  }));
  RemoveBlobs(unused);
  return Status::Ok();
}

Result<std::vector<MultipartUploadInfo>> LocalObjectStore::ListMultipartUploads(
    std::string_view bucket) {
  std::vector<MultipartUploadInfo> uploads;
  RETURN_IF_ERROR(db_.Read([&](SqlConnection& conn) -> Status {
    RETURN_IF_ERROR(store_internal::RequireBucket(conn, bucket));
    ASSIGN_OR_RETURN(uploads, store_internal::ListUploads(conn, bucket));
    return Status::Ok();
  }));
  return uploads;
}

}  // namespace kiln
