// S3Client: request building, SigV4 signing, retries and resumed GETs (see s3_client.h).
#include "s3client/s3_client.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "auth/sigv4.h"
#include "common/digest.h"

namespace kiln {
namespace {

constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

const SystemClock kSystemClock;

// Parses "bytes a-b/size" into a and size.
bool ParseContentRange(std::string_view v, std::uint64_t* first, std::uint64_t* size) {
  if (v.rfind("bytes ", 0) != 0)
    return false;
  v.remove_prefix(6);
  const std::size_t dash = v.find('-');
  const std::size_t slash = v.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos)
    return false;
  auto r1 = std::from_chars(v.data(), v.data() + dash, *first);
  auto r2 = std::from_chars(v.data() + slash + 1, v.data() + v.size(), *size);
  return r1.ec == std::errc() && r2.ec == std::errc();
}

S3ObjectInfo InfoFrom(const HttpClientResponse& r) {
  S3ObjectInfo info;
  std::uint64_t first = 0;
  if (auto cr = r.Header("content-range"); !cr || !ParseContentRange(*cr, &first, &info.size)) {
    if (auto cl = r.Header("content-length"))
      std::from_chars(cl->data(), cl->data() + cl->size(), info.size);
  }
  info.etag = std::string(r.Header("etag").value_or(""));
  info.last_modified = std::string(r.Header("last-modified").value_or(""));
  info.content_type = std::string(r.Header("content-type").value_or(""));
  return info;
}

}  // namespace

std::string S3Resource(std::string_view bucket, std::string_view key) {
  std::string r = "s3://" + std::string(bucket);
  if (!key.empty())
    r += "/" + std::string(key);
  return r;
}

struct S3Client::Call {
  std::string method;
  std::string bucket;
  std::string key;
  Query query;
  HttpHeaderList headers;
  RequestBody body;
};

Status S3ClientOptions::Validate() const {
  if (access_key_id.empty() != secret_access_key.empty())
    return Status::InvalidArgument(
        "give both an access key id and a secret access key, or neither");
  if (region.empty())
    return Status::InvalidArgument("the region is empty");
  RETURN_IF_ERROR(http.Validate());
  return retry.Validate();
}

Result<std::unique_ptr<S3Client>> S3Client::Create(S3ClientOptions options) {
  RETURN_IF_ERROR(options.Validate());
  ASSIGN_OR_RETURN(Url url, ParseUrl(options.endpoint_url));
  if (url.target != "/")
    return Status::InvalidArgument(
        "the endpoint URL " + options.endpoint_url +
        " must not have a path (path-style addressing adds /bucket/key)");
  return std::make_unique<S3Client>(Key(), std::move(options), std::move(url));
}

S3Client::S3Client(Key, S3ClientOptions options, Url endpoint)
    : options_(std::move(options)),
      endpoint_(std::move(endpoint)),
      http_(std::make_unique<HttpClient>(endpoint_, options_.http)) {}

S3Client::~S3Client() = default;

Result<std::string> S3Client::PayloadHash(const RequestBody& body) const {
  if (body.size() == 0)
    return std::string(kEmptySha256);
  if (!options_.sign_payload)
    return std::string("UNSIGNED-PAYLOAD");
  if (!body.is_file())
    return Sha256Hex(body.data);
  const int fd = ::open(body.file_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return Status::IoError("cannot open " + body.file_path + ": " + std::strerror(errno));
  Digest sha(Digest::Algorithm::kSha256);
  std::string buf(1 << 20, '\0');
  std::uint64_t done = 0;
  while (done < body.file_length) {
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), body.file_length - done));
    const ssize_t n = ::pread(fd, buf.data(), want, static_cast<off_t>(body.file_offset + done));
    if (n <= 0) {
      ::close(fd);
      return Status::IoError("cannot read " + body.file_path + ": " +
                             (n == 0 ? "it is shorter than expected" : std::strerror(errno)));
    }
    sha.Update(std::string_view(buf.data(), static_cast<std::size_t>(n)));
    done += static_cast<std::uint64_t>(n);
  }
  ::close(fd);
  return HexEncode(sha.Final());
}

Result<HttpClientResponse> S3Client::SendOnce(
    const Call& call, const BodySink* sink,
    const std::function<Status(const HttpClientResponse&)>* on_head) {
  HttpClientRequest req;
  req.method = call.method;
  std::string target = "/";
  if (!call.bucket.empty()) {
    target += UriEncode(call.bucket, false);
    if (!call.key.empty())
      target += "/" + UriEncode(call.key, true);
  }
  for (std::size_t i = 0; i < call.query.size(); ++i) {
    target += i == 0 ? "?" : "&";
    target += UriEncode(call.query[i].first, false);
    if (!call.query[i].second.empty() || call.query[i].first != "uploads")
      target += "=" + UriEncode(call.query[i].second, false);
  }
  req.target = target;
  req.body = call.body;
  req.send_content_length = call.method == "PUT" || call.method == "POST";
  req.headers = call.headers;
  req.headers.emplace_back("Host", endpoint_.HostHeader());
  ASSIGN_OR_RETURN(std::string payload_hash, PayloadHash(call.body));
  req.headers.emplace_back("X-Amz-Content-SHA256", payload_hash);
  if (!options_.access_key_id.empty()) {
    SigningParams params;
    params.access_key_id = options_.access_key_id;
    params.secret_access_key = options_.secret_access_key;
    params.region = options_.region;
    params.service = "s3";
    params.now = (options_.clock ? *options_.clock : kSystemClock).Now();
    const RequestHead head{req.method, req.target, req.headers};
    HeaderList added = SignRequest(head, payload_hash, params);
    for (auto& h : added)
      req.headers.push_back(std::move(h));
  }
  return http_->Send(req, sink, on_head);
}

Result<HttpClientResponse> S3Client::Send(const Call& call) {
  const std::string resource = S3Resource(call.bucket, call.key);
  RetryCounter retry(options_.retry);
  while (true) {
    Result<HttpClientResponse> r = SendOnce(call, nullptr);
    if (!r.ok()) {
      if (retry.CanRetry() && IsTransientTransportError(r.error())) {
        retry.Wait();
        continue;
      }
      return retry.GaveUp(r.error()).WithContext(resource);
    }
    if (r->status >= 200 && r->status < 300)
      return r;
    if (retry.CanRetry() && IsRetryableHttpStatus(r->status, S3ErrorCode(r->body))) {
      retry.Wait();
      continue;
    }
    return retry.GaveUp(StatusFromS3Error(r->status, r->body, resource));
  }
}

Status S3Client::HeadBucket(const std::string& bucket) {
  return Send(Call{"HEAD", bucket, "", {}, {}, {}}).status();
}

Status S3Client::CreateBucket(const std::string& bucket) {
  return Send(Call{"PUT", bucket, "", {}, {}, {}}).status();
}

Result<S3ObjectInfo> S3Client::HeadObject(const std::string& bucket, const std::string& key) {
  ASSIGN_OR_RETURN(HttpClientResponse r, Send(Call{"HEAD", bucket, key, {}, {}, {}}));
  return InfoFrom(r);
}

Result<S3ObjectInfo> S3Client::GetObject(const std::string& bucket, const std::string& key,
                                         std::uint64_t offset, std::optional<std::uint64_t> last,
                                         std::string_view if_match, const BodySink& sink) {
  const std::string resource = S3Resource(bucket, key);
  ResumingSink download(offset, sink);
  RetryCounter retry(options_.retry);
  while (true) {
    const std::uint64_t position = download.position();  // the next byte the sink expects
    Call call{"GET", bucket, key, {}, {}, {}};
    if (position > 0 || last) {
      call.headers.emplace_back(
          "Range", "bytes=" + std::to_string(position) + "-" + (last ? std::to_string(*last) : ""));
    }
    if (!if_match.empty())
      call.headers.emplace_back("If-Match", std::string(if_match));
    const std::function<Status(const HttpClientResponse&)> on_head =
        [&](const HttpClientResponse& head) -> Status {
      if (head.status == 200 && position > 0) {
        download.SkipFirst(position);  // the server ignored Range and sends the object from byte 0
      } else if (head.status == 206) {
        std::uint64_t first = 0, size = 0;
        auto cr = head.Header("content-range");
        if (!cr || !ParseContentRange(*cr, &first, &size) || first != position)
          return Status::Corruption(
              resource + ": the server answered Range: bytes=" + std::to_string(position) +
              "- with Content-Range " + std::string(cr.value_or("(none)")));
      }
      return Status::Ok();
    };
    download.StartAttempt();
    Result<HttpClientResponse> r = SendOnce(call, &download.sink(), &on_head);
    if (!download.sink_status().ok())
      return download.sink_status();
    if (download.progressed())
      retry.Reset();
    if (!r.ok()) {
      if (r.error().code() == StatusCode::kCorruption)
        return r.error();
      if (retry.CanRetry() && IsTransientTransportError(r.error())) {
        if (if_match.empty() && download.position() > offset)
          return r.error().WithContext(resource +
                                       " (the download broke midway and the object "
                                       "has no ETag to resume it safely)");
        retry.Wait();
        continue;
      }
      return retry.GaveUp(r.error()).WithContext(resource);
    }
    if (r->status == 416 && download.position() > 0 && !last)
      return InfoFrom(*r);  // asked for bytes past the end: everything has arrived already
    if (r->status < 200 || r->status >= 300) {
      if (retry.CanRetry() && IsRetryableHttpStatus(r->status, S3ErrorCode(r->body))) {
        retry.Wait();
        continue;
      }
      return retry.GaveUp(StatusFromS3Error(r->status, r->body, resource));
    }
    return InfoFrom(*r);
  }
}

Result<std::string> S3Client::PutObject(const std::string& bucket, const std::string& key,
                                        const RequestBody& body, std::string_view content_type) {
  Call call{"PUT", bucket, key, {}, {}, body};
  if (!content_type.empty())
    call.headers.emplace_back("Content-Type", std::string(content_type));
  ASSIGN_OR_RETURN(HttpClientResponse r, Send(call));
  return std::string(r.Header("etag").value_or(""));
}

Result<std::string> S3Client::CreateMultipartUpload(const std::string& bucket,
                                                    const std::string& key,
                                                    std::string_view content_type) {
  Call call{"POST", bucket, key, {{"uploads", ""}}, {}, {}};
  if (!content_type.empty())
    call.headers.emplace_back("Content-Type", std::string(content_type));
  ASSIGN_OR_RETURN(HttpClientResponse r, Send(call));
  return ParseInitiateMultipartUpload(r.body);
}

Result<std::string> S3Client::UploadPart(const std::string& bucket, const std::string& key,
                                         const std::string& upload_id, int part_number,
                                         const RequestBody& body) {
  Call call{"PUT", bucket,
            key,   {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}},
            {},    body};
  ASSIGN_OR_RETURN(HttpClientResponse r, Send(call));
  auto etag = r.Header("etag");
  if (!etag || etag->empty())
    return Status::Corruption(S3Resource(bucket, key) + ": UploadPart " +
                              std::to_string(part_number) + " returned no ETag");
  return std::string(*etag);
}

Result<std::vector<UploadedPart>> S3Client::ListParts(const std::string& bucket,
                                                      const std::string& key,
                                                      const std::string& upload_id) {
  std::vector<UploadedPart> parts;
  int marker = 0;
  while (true) {
    Call call{"GET", bucket, key, {{"uploadId", upload_id}}, {}, {}};
    if (marker > 0)
      call.query.emplace_back("part-number-marker", std::to_string(marker));
    ASSIGN_OR_RETURN(HttpClientResponse r, Send(call));
    ASSIGN_OR_RETURN(PartListing page, ParseListParts(r.body));
    for (auto& p : page.parts)
      parts.push_back(std::move(p));
    if (!page.truncated || page.next_marker <= marker)
      return parts;
    marker = page.next_marker;
  }
}

Result<std::string> S3Client::CompleteMultipartUpload(const std::string& bucket,
                                                      const std::string& key,
                                                      const std::string& upload_id,
                                                      const std::vector<UploadedPart>& parts) {
  const std::string xml = CompleteMultipartUploadXml(parts);
  Call call{"POST", bucket, key, {{"uploadId", upload_id}}, {}, RequestBody::Memory(xml)};
  call.headers.emplace_back("Content-Type", "application/xml");
  ASSIGN_OR_RETURN(HttpClientResponse r, Send(call));
  return ParseCompleteMultipartUpload(r.body, S3Resource(bucket, key));
}

Status S3Client::AbortMultipartUpload(const std::string& bucket, const std::string& key,
                                      const std::string& upload_id) {
  return Send(Call{"DELETE", bucket, key, {{"uploadId", upload_id}}, {}, {}}).status();
}

Result<ObjectListing> S3Client::ListObjectsV2(const std::string& bucket, const std::string& prefix,
                                              const std::string& continuation_token, int max_keys) {
  Call call{"GET", bucket, "", {{"list-type", "2"}}, {}, {}};
  if (!continuation_token.empty())
    call.query.emplace_back("continuation-token", continuation_token);
  call.query.emplace_back("encoding-type", "url");
  call.query.emplace_back("max-keys", std::to_string(max_keys));
  if (!prefix.empty())
    call.query.emplace_back("prefix", prefix);
  ASSIGN_OR_RETURN(HttpClientResponse r, Send(call));
  return ParseListObjectsV2(r.body);
}

}  // namespace kiln
