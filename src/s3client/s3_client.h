// S3Client: the subset of the S3 API `kiln import` needs, spoken to any S3-compatible endpoint
// (a Kiln server, AWS, MinIO, ...) with path-style addressing and SigV4 signatures.
//
// Every request is retried (RetryOptions: 4 times with exponential backoff) on connection errors,
// timeouts, 5xx and 429; a GetObject that breaks midway resumes with a Range request where it
// stopped, guarded by If-Match so a changed object is never spliced. Payloads are signed with
// their SHA-256 (file ranges are hashed in a first pass) unless sign_payload is false
// (UNSIGNED-PAYLOAD). S3 errors become a Status whose reason is the S3 code
// (SignatureDoesNotMatch, NoSuchBucket, ...) and whose message names the bucket and key.
//
// Not thread-safe: one client per thread (it owns one keep-alive connection).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "s3client/http_client.h"
#include "s3client/retry.h"
#include "s3client/s3_xml.h"
#include "s3client/url.h"

namespace kiln {

struct S3ClientOptions {
  std::string endpoint_url = "http://127.0.0.1:8080";  // http(s)://host[:port]
  // Both empty: requests go unsigned (public buckets, servers run with --insecure-dev).
  std::string access_key_id;
  std::string secret_access_key;
  std::string region = "us-east-1";
  bool sign_payload = true;  // false: X-Amz-Content-SHA256: UNSIGNED-PAYLOAD for bodies
  HttpClientOptions http;
  RetryOptions retry;
  const Clock* clock = nullptr;  // signing time; nullptr: the system clock

  Status Validate() const;
};

struct S3ObjectInfo {
  std::uint64_t size = 0;  // the whole object's size (also for ranged GETs)
  std::string etag;
  std::string last_modified;  // the Last-Modified header, as sent
  std::string content_type;
};

class S3Client {
 public:
  static Result<std::unique_ptr<S3Client>> Create(S3ClientOptions options);

  // Only Create can make the key, so the options are always validated.
  class Key {
    friend class S3Client;
    Key() = default;
  };
  S3Client(Key, S3ClientOptions options, Url endpoint);
  ~S3Client();

  // Status reasons are the S3 codes; HEAD errors carry no body, so a missing bucket is "NotFound".
  Status HeadBucket(const std::string& bucket);
  Status CreateBucket(const std::string& bucket);
  Result<S3ObjectInfo> HeadObject(const std::string& bucket, const std::string& key);

  // Streams bytes [offset, last] (last absent: to the end) of the object to `sink`. With a
  // non-empty `if_match` the object must still have that ETag (PreconditionFailed otherwise).
  // Returns the object's metadata; a sink error is returned unchanged.
  Result<S3ObjectInfo> GetObject(const std::string& bucket, const std::string& key,
                                 std::uint64_t offset, std::optional<std::uint64_t> last,
                                 std::string_view if_match, const BodySink& sink);

  // The ETag of the stored object / part, quotes included.
  Result<std::string> PutObject(const std::string& bucket, const std::string& key,
                                const RequestBody& body, std::string_view content_type);
  Result<std::string> CreateMultipartUpload(const std::string& bucket, const std::string& key,
                                            std::string_view content_type);
  Result<std::string> UploadPart(const std::string& bucket, const std::string& key,
                                 const std::string& upload_id, int part_number,
                                 const RequestBody& body);
  // Every part uploaded so far, in part order (follows the listing's pages).
  Result<std::vector<UploadedPart>> ListParts(const std::string& bucket, const std::string& key,
                                              const std::string& upload_id);
  Result<std::string> CompleteMultipartUpload(const std::string& bucket, const std::string& key,
                                              const std::string& upload_id,
                                              const std::vector<UploadedPart>& parts);
  Status AbortMultipartUpload(const std::string& bucket, const std::string& key,
                              const std::string& upload_id);
  // One page of keys under `prefix`, starting at `continuation_token` ("" for the first page).
  Result<ObjectListing> ListObjectsV2(const std::string& bucket, const std::string& prefix,
                                      const std::string& continuation_token, int max_keys = 1000);

  const std::string& endpoint_url() const { return options_.endpoint_url; }

 private:
  using Query = std::vector<std::pair<std::string, std::string>>;
  struct Call;

  // One signed attempt.
  Result<HttpClientResponse> SendOnce(
      const Call& call, const BodySink* sink,
      const std::function<Status(const HttpClientResponse&)>* on_head = nullptr);
  // SendOnce with retries; a non-2xx final status becomes the S3 error Status.
  Result<HttpClientResponse> Send(const Call& call);
  Result<std::string> PayloadHash(const RequestBody& body) const;

  S3ClientOptions options_;
  Url endpoint_;
  std::unique_ptr<HttpClient> http_;
};

// "s3://bucket/key" (or "s3://bucket" when key is empty), for messages.
std::string S3Resource(std::string_view bucket, std::string_view key);

}  // namespace kiln
