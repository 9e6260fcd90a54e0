// The S3 REST-XML bodies Kiln's S3 client reads and writes: error documents, multipart results,
// part and object listings, and the CompleteMultipartUpload request.
//
// Parsing is separate from the transport so it is tested on captured bodies without a network.
// Parsers tolerate unknown elements and any root namespace, as botocore does. Pure functions,
// thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kiln {

// One uploaded part of a multipart upload.
struct UploadedPart {
  int number = 0;
  std::string etag;  // as the server sent it, quotes included
  std::uint64_t size = 0;

  bool operator==(const UploadedPart&) const = default;
};

struct PartListing {
  std::vector<UploadedPart> parts;
  bool truncated = false;
  int next_marker = 0;
};

struct ListedObject {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;
  std::string last_modified;
};

struct ObjectListing {
  std::vector<ListedObject> objects;
  bool truncated = false;
  std::string next_token;
};

// The Status for an S3 error response: reason = the S3 code (from the XML <Code>, or derived from
// the HTTP status for bodiless HEAD errors, e.g. "NotFound"), message "RESOURCE: CODE: message".
// `resource` names what was asked for, e.g. "s3://bucket/key". Codes: 404 NotFound, 409
// AlreadyExists, 412 FailedPrecondition, 501 Unimplemented, other 4xx InvalidArgument, 5xx and
// 429 IoError.
Status StatusFromS3Error(int http_status, std::string_view body, std::string_view resource);

// The <Code> of an S3 error body ("" when the body is not an error document).
std::string S3ErrorCode(std::string_view body);

// InitiateMultipartUploadResult -> UploadId.
Result<std::string> ParseInitiateMultipartUpload(std::string_view body);
// ListPartsResult -> parts (in the order listed), truncation and the next part-number marker.
Result<PartListing> ParseListParts(std::string_view body);
// CompleteMultipartUploadResult -> ETag. An <Error> document (S3 may send one with status 200)
// becomes its Status, naming `resource`.
Result<std::string> ParseCompleteMultipartUpload(std::string_view body, std::string_view resource);
// ListBucketResult (ListObjectsV2) -> objects; keys are decoded when EncodingType is url.
Result<ObjectListing> ParseListObjectsV2(std::string_view body);

// The CompleteMultipartUpload request body for `parts` (in ascending part order).
std::string CompleteMultipartUploadXml(const std::vector<UploadedPart>& parts);

}  // namespace kiln
