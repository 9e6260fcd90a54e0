// S3Api: the S3 REST-XML API over the ObjectStore — buckets, objects (ranged and conditional GET,
// copy), ListObjects V1/V2, DeleteObjects and multipart uploads — as boto3, s3transfer and the
// aws CLI use them (see ../shared/research/sagemaker-api-subset.md §1.4).
//
// The router authenticates the request head first; S3Api then streams the body into the store,
// verifying what the client promised about it (X-Amz-Content-SHA256, Content-MD5, CRC32 header or
// aws-chunked trailer, length) before the object becomes visible. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "http/http_message.h"

namespace kiln {

class ObjectStore;
class BlobWriter;
struct SignatureInfo;

struct S3ApiOptions {
  std::string region = "us-east-1";
  std::string owner_id = "000000000000";
  std::string owner_name = "kiln";
  std::uint64_t max_put_size = 5ull << 30;  // S3: 5 GiB per PUT or part
  std::uint64_t max_xml_body = 2ull << 20;  // DeleteObjects, CompleteMultipartUpload
};

class S3Api {
 public:
  S3Api(ObjectStore& store, S3ApiOptions options) : store_(store), options_(std::move(options)) {}

  // `signature`: the verified signature, or null when the server runs with --insecure-dev.
  HttpResponse Handle(HttpRequest& request, const SignatureInfo* signature);

  struct Call;  // one request, parsed: bucket, key, decoded query (api/internal/s3_call.h)

 private:
  HttpResponse ListBuckets(Call& c);
  HttpResponse BucketOp(Call& c);
  HttpResponse ObjectOp(Call& c);
  HttpResponse ListObjects(Call& c, bool v2);
  HttpResponse ListUploads(Call& c);
  HttpResponse DeleteObjects(Call& c);
  HttpResponse PutObject(Call& c);
  HttpResponse CopyObject(Call& c);
  HttpResponse GetObject(Call& c, bool head);
  HttpResponse CreateUpload(Call& c);
  HttpResponse UploadPart(Call& c);
  HttpResponse CompleteUpload(Call& c);
  HttpResponse ListParts(Call& c);
  // Streams the request body into a finished blob, checking length and every digest sent.
  Result<std::unique_ptr<BlobWriter>> ReceiveBody(Call& c);
  // Reads a small body (XML) whole, checking Content-MD5 / CRC32 when sent.
  Result<std::string> ReceiveSmallBody(Call& c);

  ObjectStore& store_;
  const S3ApiOptions options_;
};

}  // namespace kiln
