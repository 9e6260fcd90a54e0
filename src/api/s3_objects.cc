// S3Api's object operations: PUT (with body verification), copy, GET/HEAD (ranges, conditions,
// response-* overrides), and multipart uploads. Dispatch and bucket operations are in s3_api.cc.
#include <algorithm>
#include <memory>

#include "api/aws_chunked.h"
#include "api/internal/s3_call.h"
#include "api/s3_api.h"
#include "api/s3_errors.h"
#include "api/s3_xml.h"
#include "auth/sigv4.h"
#include "common/digest.h"
#include "store/object_store.h"

namespace kiln {

namespace {

constexpr std::string_view kStoredHeaders[] = {"cache-control", "content-disposition",
                                               "content-encoding", "content-language", "expires"};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& ch : out)
    ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return out;
}

ObjectAttributes AttributesFrom(const HttpRequest& req) {
  ObjectAttributes a;
  if (auto ct = req.Header("content-type"); ct && !ct->empty())
    a.content_type = std::string(*ct);
  for (const auto& [name, value] : req.headers) {
    const std::string n = Lower(name);
    if (n.rfind("x-amz-meta-", 0) == 0) {
      a.user_metadata.emplace_back(n.substr(11), value);
      continue;
    }
    for (std::string_view h : kStoredHeaders) {
      if (n == h) {
        // aws-chunked is a transfer detail, not the object's encoding.
        if (n == "content-encoding") {
          std::string v;
          for (std::size_t start = 0; start <= value.size();) {
            std::size_t comma = value.find(',', start);
            if (comma == std::string::npos)
              comma = value.size();
            std::string part = value.substr(start, comma - start);
            part.erase(0, part.find_first_not_of(' '));
            part.erase(part.find_last_not_of(' ') + 1);
            if (!part.empty() && part != "aws-chunked")
              v += (v.empty() ? "" : ",") + part;
            start = comma + 1;
          }
          if (!v.empty())
            a.headers.emplace_back(n, v);
        } else {
          a.headers.emplace_back(n, value);
        }
      }
    }
  }
  return a;
}

void AddObjectHeaders(HttpResponse& r, const ObjectInfo& o) {
  r.SetHeader("ETag", "\"" + o.etag + "\"");
  r.SetHeader("Last-Modified", Rfc1123(o.last_modified_ms));
  r.SetHeader("Content-Type", o.attributes.content_type);
  r.SetHeader("Accept-Ranges", "bytes");
  for (const auto& [k, v] : o.attributes.headers)
    r.SetHeader(k, v);
  for (const auto& [k, v] : o.attributes.user_metadata)
    r.SetHeader("x-amz-meta-" + k, v);
  if (o.part_count > 0)
    r.SetHeader("x-amz-mp-parts-count", std::to_string(o.part_count));
}

bool EtagListMatches(std::string_view list, const std::string& etag) {
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    if (comma == std::string_view::npos)
      comma = list.size();
    std::string item(list.substr(start, comma - start));
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (item.rfind("W/", 0) == 0)
      item = item.substr(2);
    if (item.size() >= 2 && item.front() == '"' && item.back() == '"')
      item = item.substr(1, item.size() - 2);
    if (item == "*" || item == etag)
      return true;
    start = comma + 1;
  }
  return false;
}

struct ByteRange {
  std::uint64_t first = 0;
  std::uint64_t length = 0;
};

// Parses "bytes=a-b", "bytes=a-", "bytes=-n". nullopt: not a single byte range (serve it all);
// an error: unsatisfiable.
Result<std::optional<ByteRange>> ParseRange(std::string_view header, std::uint64_t size) {
  if (header.rfind("bytes=", 0) != 0 || header.find(',') != std::string_view::npos)
    return std::optional<ByteRange>();
  std::string spec(header.substr(6));
  const std::size_t dash = spec.find('-');
  if (dash == std::string::npos)
    return std::optional<ByteRange>();
  const std::string a = spec.substr(0, dash), b = spec.substr(dash + 1);
  auto num = [](const std::string& s, std::uint64_t* v) {
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 19)
      return false;
    *v = std::stoull(s);
    return true;
  };
  const auto unsatisfiable =
      Status::InvalidArgument("the requested range is not satisfiable").WithReason("InvalidRange");
  std::uint64_t first = 0, last = 0;
  if (a.empty()) {
    if (!num(b, &last))
      return std::optional<ByteRange>();
    if (last == 0 || size == 0)
      return unsatisfiable;
    const std::uint64_t n = std::min(last, size);
    return std::optional<ByteRange>(ByteRange{size - n, n});
  }
  if (!num(a, &first))
    return std::optional<ByteRange>();
  if (first >= size)
    return unsatisfiable;
  if (b.empty()) {
    last = size - 1;
  } else {
    if (!num(b, &last))
      return std::optional<ByteRange>();
    if (last < first)
      return std::optional<ByteRange>();
    last = std::min(last, size - 1);
  }
  return std::optional<ByteRange>(ByteRange{first, last - first + 1});
}

}  // namespace

Result<std::unique_ptr<BlobWriter>> S3Api::ReceiveBody(Call& c) {
  HttpRequest& req = c.req;
  const std::string sha_header = std::string(req.Header("x-amz-content-sha256").value_or(""));
  const std::string encoding = Lower(req.Header("content-encoding").value_or(""));
  const bool chunked =
      encoding.find("aws-chunked") != std::string::npos || sha_header.rfind("STREAMING-", 0) == 0;
  if (sha_header == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" ||
      sha_header == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER")
    return Status::Unimplemented("signed aws-chunked uploads (" + sha_header +
                                 ") are not supported; use unsigned payload trailers")
        .WithReason("NotImplemented");
  // The payload length the client promised (kNoLength: none, e.g. HTTP-chunked).
  constexpr std::uint64_t kNoLength = ~std::uint64_t{0};
  std::uint64_t expected = req.content_length.value_or(kNoLength);
  if (chunked) {
    expected = kNoLength;
    if (auto d = req.Header("x-amz-decoded-content-length")) {
      try {
        expected = std::stoull(std::string(*d));
      } catch (const std::exception&) {
        return Status::InvalidArgument("x-amz-decoded-content-length is not a number")
            .WithReason("InvalidArgument");
      }
    }
  }
  if (expected != kNoLength && expected > options_.max_put_size)
    return Status::InvalidArgument("the object is larger than the " +
                                   std::to_string(options_.max_put_size) +
                                   " bytes a single PUT may carry; use a multipart upload")
        .WithReason("EntityTooLarge");
  ASSIGN_OR_RETURN(std::unique_ptr<BlobWriter> blob, store_.NewBlob());
  std::unique_ptr<AwsChunkedReader> decoder;
  BodyReader* source = req.body;
  if (chunked) {
    decoder = std::make_unique<AwsChunkedReader>(*req.body);
    source = decoder.get();
  }
  std::string buf(1 << 20, '\0');
  while (true) {
    ASSIGN_OR_RETURN(std::size_t n, source->Read(buf.data(), buf.size()));
    if (n == 0)
      break;
    if (blob->size() + n > options_.max_put_size)
      return Status::InvalidArgument("the body is larger than " +
                                     std::to_string(options_.max_put_size) + " bytes")
          .WithReason("EntityTooLarge");
    RETURN_IF_ERROR(blob->Append(std::string_view(buf.data(), n)));
  }
  RETURN_IF_ERROR(blob->Finish());
  if (expected != kNoLength && blob->size() != expected)
    return Status::InvalidArgument("the body has " + std::to_string(blob->size()) +
                                   " bytes but the request declared " + std::to_string(expected))
        .WithReason("IncompleteBody");
  if (sha_header.size() == 64 && sha_header != blob->sha256_hex())
    return Status::InvalidArgument(
               "the body's SHA-256 does not match X-Amz-Content-SHA256: it was altered or "
               "truncated in transit")
        .WithReason("XAmzContentSHA256Mismatch");
  if (auto md5 = req.Header("content-md5")) {
    auto raw = Base64Decode(*md5);
    if (!raw || raw->size() != 16)
      return Status::InvalidArgument("Content-MD5 is not the base64 of 16 bytes")
          .WithReason("InvalidDigest");
    if (HexEncode(*raw) != blob->md5_hex())
      return Status::InvalidArgument("the body does not match its Content-MD5")
          .WithReason("BadDigest");
  }
  std::optional<std::string> crc;
  if (auto h = req.Header("x-amz-checksum-crc32"))
    crc = std::string(*h);
  if (decoder) {
    for (const auto& [k, v] : decoder->trailers()) {
      if (k == "x-amz-checksum-crc32")
        crc = v;
    }
  }
  if (crc && *crc != blob->crc32_base64())
    return Status::InvalidArgument("the body's CRC32 is " + blob->crc32_base64() +
                                   " but the request says " + *crc)
        .WithReason("BadDigest");
  return blob;
}

Result<std::string> S3Api::ReceiveSmallBody(Call& c) {
  ASSIGN_OR_RETURN(std::string body, c.req.body->ReadAll(options_.max_xml_body));
  if (auto md5 = c.req.Header("content-md5")) {
    auto raw = Base64Decode(*md5);
    if (!raw || *raw != Md5(body))
      return Status::InvalidArgument("the body does not match its Content-MD5")
          .WithReason("BadDigest");
  }
  if (auto crc = c.req.Header("x-amz-checksum-crc32")) {
    Crc32 sum;
    sum.Update(body);
    if (*crc != sum.Base64())
      return Status::InvalidArgument("the body does not match its x-amz-checksum-crc32")
          .WithReason("BadDigest");
  }
  const std::string sha = std::string(c.req.Header("x-amz-content-sha256").value_or(""));
  if (sha.size() == 64 && sha != Sha256Hex(body))
    return Status::InvalidArgument("the body's SHA-256 does not match X-Amz-Content-SHA256")
        .WithReason("XAmzContentSHA256Mismatch");
  return body;
}

HttpResponse S3Api::ObjectOp(Call& c) {
  const std::string& m = c.req.method;
  const std::string resource = "/" + c.bucket + "/" + c.key;
  const bool has_upload = c.query.count("uploadId") > 0;
  if (m == "PUT") {
    if (c.req.Header("x-amz-copy-source")) {
      if (has_upload)
        return S3Error("NotImplemented", "UploadPartCopy is not supported by Kiln", resource,
                       c.req);
      return CopyObject(c);
    }
    if (has_upload || c.query.count("partNumber"))
      return UploadPart(c);
    return PutObject(c);
  }
  if (m == "GET" || m == "HEAD") {
    if (has_upload && m == "GET")
      return ListParts(c);
    return GetObject(c, m == "HEAD");
  }
  if (m == "DELETE") {
    if (has_upload) {
      if (Status s = store_.AbortMultipartUpload(c.bucket, c.key, c.Param("uploadId")); !s.ok())
        return S3ErrorFromStatus(s, resource, c.req);
      return Empty(c, 204);
    }
    if (Status s = store_.DeleteObject(c.bucket, c.key); !s.ok())
      return S3ErrorFromStatus(s, resource, c.req);
    return Empty(c, 204);
  }
  if (m == "POST") {
    if (c.query.count("uploads"))
      return CreateUpload(c);
    if (has_upload)
      return CompleteUpload(c);
  }
  return S3Error("MethodNotAllowed", m + " is not allowed on an object", resource, c.req);
}

HttpResponse S3Api::PutObject(Call& c) {
  const std::string resource = "/" + c.bucket + "/" + c.key;
  // Refuse before reading the body when the bucket is missing (no 100 Continue is sent).
  if (auto b = store_.GetBucket(c.bucket); !b.ok())
    return S3ErrorFromStatus(b.error(), resource, c.req);
  auto blob = ReceiveBody(c);
  if (!blob.ok())
    return S3ErrorFromStatus(blob.error(), resource, c.req);
  const std::string crc = (*blob)->crc32_base64();
  auto info = store_.PutObject(c.bucket, c.key, std::move(*blob), AttributesFrom(c.req));
  if (!info.ok())
    return S3ErrorFromStatus(info.error(), resource, c.req);
  HttpResponse r = Empty(c, 200);
  r.SetHeader("ETag", "\"" + info->etag + "\"");
  if (c.req.Header("x-amz-checksum-crc32") || c.req.Header("x-amz-trailer"))
    r.SetHeader("x-amz-checksum-crc32", crc);
  return r;
}

HttpResponse S3Api::CopyObject(Call& c) {
  const std::string resource = "/" + c.bucket + "/" + c.key;
  std::string source = UriDecode(*c.req.Header("x-amz-copy-source"));
  if (const std::size_t q = source.find("?versionId="); q != std::string::npos)
    source.resize(q);
  if (!source.empty() && source.front() == '/')
    source.erase(0, 1);
  const std::size_t slash = source.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == source.size())
    return S3Error("InvalidArgument",
                   "x-amz-copy-source must be \"bucket/key\", got \"" + source + "\"", resource,
                   c.req);
  const std::string src_bucket = source.substr(0, slash), src_key = source.substr(slash + 1);
  const std::string directive =
      std::string(c.req.Header("x-amz-metadata-directive").value_or("COPY"));
  std::optional<ObjectAttributes> attrs;
  if (directive == "REPLACE") {
    attrs = AttributesFrom(c.req);
  } else if (directive != "COPY") {
    return S3Error("InvalidArgument", "x-amz-metadata-directive must be COPY or REPLACE", resource,
                   c.req);
  } else if (src_bucket == c.bucket && src_key == c.key) {
    return S3Error("InvalidRequest",
                   "copying an object onto itself needs x-amz-metadata-directive: REPLACE",
                   resource, c.req);
  }
  if (auto b = store_.GetBucket(src_bucket); !b.ok())
    return S3ErrorFromStatus(b.error(), "/" + source, c.req);
  auto info = store_.CopyObject(src_bucket, src_key, c.bucket, c.key, attrs);
  if (!info.ok())
    return S3ErrorFromStatus(info.error(), resource, c.req);
  XmlWriter w;
  w.Open("CopyObjectResult", kS3Xmlns).Leaf("ETag", "\"" + info->etag + "\"");
  w.Leaf("LastModified", Iso8601Millis(info->last_modified_ms)).Close("CopyObjectResult");
  return XmlResponse(c, w.Take());
}

HttpResponse S3Api::GetObject(Call& c, bool head) {
  const std::string resource = "/" + c.bucket + "/" + c.key;
  if (auto b = store_.GetBucket(c.bucket); !b.ok())
    return S3ErrorFromStatus(b.error(), resource, c.req);
  auto opened = store_.OpenObject(c.bucket, c.key);
  if (!opened.ok())
    return S3ErrorFromStatus(opened.error(), resource, c.req);
  std::shared_ptr<ObjectReader> reader = std::move(*opened);
  const ObjectInfo& o = reader->info();

  // Conditions (RFC 7232 order).
  if (auto im = c.req.Header("if-match"); im && !EtagListMatches(*im, o.etag))
    return S3Error("PreconditionFailed", "If-Match does not match the object's ETag", resource,
                   c.req);
  if (auto ius = c.req.Header("if-unmodified-since"); ius && !c.req.Header("if-match")) {
    auto t = ParseHttpDateMs(*ius);
    if (t && o.last_modified_ms / 1000 * 1000 > *t)
      return S3Error("PreconditionFailed", "the object was modified since If-Unmodified-Since",
                     resource, c.req);
  }
  bool not_modified = false;
  if (auto inm = c.req.Header("if-none-match")) {
    not_modified = EtagListMatches(*inm, o.etag);
  } else if (auto ims = c.req.Header("if-modified-since")) {
    auto t = ParseHttpDateMs(*ims);
    not_modified = t && o.last_modified_ms / 1000 * 1000 <= *t;
  }
  if (not_modified) {
    HttpResponse r = Empty(c, 304);
    r.SetHeader("ETag", "\"" + o.etag + "\"");
    r.SetHeader("Last-Modified", Rfc1123(o.last_modified_ms));
    return r;
  }

  HttpResponse r = Empty(c, 200);
  AddObjectHeaders(r, o);
  ByteRange range{0, o.size};
  if (auto rh = c.req.Header("range")) {
    auto parsed = ParseRange(*rh, o.size);
    if (!parsed.ok()) {
      HttpResponse e = S3ErrorFromStatus(parsed.error(), resource, c.req);
      e.SetHeader("Content-Range", "bytes */" + std::to_string(o.size));
      return e;
    }
    if (parsed->has_value()) {
      range = **parsed;
      r.status = 206;
      r.SetHeader("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                       std::to_string(range.first + range.length - 1) + "/" +
                                       std::to_string(o.size));
    }
  }
  if (r.status == 200 && !o.crc32_base64.empty() &&
      Lower(c.req.Header("x-amz-checksum-mode").value_or("")) == "enabled")
    r.SetHeader("x-amz-checksum-crc32", o.crc32_base64);
  static constexpr std::pair<std::string_view, std::string_view> kOverrides[] = {
      {"response-content-type", "Content-Type"},
      {"response-content-disposition", "Content-Disposition"},
      {"response-cache-control", "Cache-Control"},
      {"response-content-encoding", "Content-Encoding"},
      {"response-content-language", "Content-Language"},
      {"response-expires", "Expires"}};
  for (const auto& [param, header] : kOverrides) {
    if (c.query.count(std::string(param)))
      r.SetHeader(std::string(header), c.Param(std::string(param)));
  }
  if (head) {
    r.omit_body = true;
    r.announced_length = range.length;
    return r;
  }
  r.stream_length = range.length;
  for (const ObjectReader::FileSpan& span : reader->Spans(range.first, range.length))
    r.file_spans.push_back({span.fd, span.offset, span.length});
  r.file_owner = reader;
  auto offset = std::make_shared<std::uint64_t>(range.first);
  r.stream = [reader, offset](char* out, std::size_t n) -> Result<std::size_t> {
    ASSIGN_OR_RETURN(std::size_t got, reader->ReadAt(*offset, out, n));
    *offset += got;
    return got;
  };
  return r;
}

HttpResponse S3Api::CreateUpload(Call& c) {
  const std::string resource = "/" + c.bucket + "/" + c.key;
  auto id = store_.CreateMultipartUpload(c.bucket, c.key, AttributesFrom(c.req));
  if (!id.ok())
    return S3ErrorFromStatus(id.error(), resource, c.req);
  XmlWriter w;
  w.Open("InitiateMultipartUploadResult", kS3Xmlns).Leaf("Bucket", c.bucket).Leaf("Key", c.key);
  w.Leaf("UploadId", *id).Close("InitiateMultipartUploadResult");
  return XmlResponse(c, w.Take());
}

HttpResponse S3Api::UploadPart(Call& c) {
  const std::string resource = "/" + c.bucket + "/" + c.key;
  const std::string number = c.Param("partNumber");
  int part = 0;
  if (number.empty() || number.size() > 5 ||
      number.find_first_not_of("0123456789") != std::string::npos ||
      (part = std::stoi(number)) < 1 || part > 10000)
    return S3Error("InvalidArgument",
                   "partNumber must be an integer from 1 to 10000, got \"" + number + "\"",
                   resource, c.req);
  if (!c.query.count("uploadId"))
    return S3Error("InvalidArgument", "UploadPart needs uploadId", resource, c.req);
  // Refuse unknown uploads before reading the body.
  if (auto parts = store_.ListParts(c.bucket, c.key, c.Param("uploadId")); !parts.ok())
    return S3ErrorFromStatus(parts.error(), resource, c.req);
  auto blob = ReceiveBody(c);
  if (!blob.ok())
    return S3ErrorFromStatus(blob.error(), resource, c.req);
  auto info = store_.UploadPart(c.bucket, c.key, c.Param("uploadId"), part, std::move(*blob));
  if (!info.ok())
    return S3ErrorFromStatus(info.error(), resource, c.req);
  HttpResponse r = Empty(c, 200);
  r.SetHeader("ETag", "\"" + info->etag + "\"");
  if (c.req.Header("x-amz-checksum-crc32") || c.req.Header("x-amz-trailer"))
    r.SetHeader("x-amz-checksum-crc32", info->crc32_base64);
  return r;
}

HttpResponse S3Api::CompleteUpload(Call& c) {
  const std::string resource = "/" + c.bucket + "/" + c.key;
  auto body = ReceiveSmallBody(c);
  if (!body.ok())
    return S3ErrorFromStatus(body.error(), resource, c.req);
  auto parts = ParseCompleteMultipartUpload(*body);
  if (!parts.ok())
    return S3ErrorFromStatus(parts.error(), resource, c.req);
  auto info = store_.CompleteMultipartUpload(c.bucket, c.key, c.Param("uploadId"), *parts);
  if (!info.ok())
    return S3ErrorFromStatus(info.error(), resource, c.req);
  std::string host = std::string(c.req.Header("host").value_or("localhost"));
  XmlWriter w;
  w.Open("CompleteMultipartUploadResult", kS3Xmlns);
  w.Leaf("Location", "http://" + host + "/" + c.bucket + "/" + UriEncode(c.key, true));
  w.Leaf("Bucket", c.bucket).Leaf("Key", c.key).Leaf("ETag", "\"" + info->etag + "\"");
  w.Close("CompleteMultipartUploadResult");
  return XmlResponse(c, w.Take());
}

HttpResponse S3Api::ListParts(Call& c) {
  const std::string resource = "/" + c.bucket + "/" + c.key;
  auto parts = store_.ListParts(c.bucket, c.key, c.Param("uploadId"));
  if (!parts.ok())
    return S3ErrorFromStatus(parts.error(), resource, c.req);
  int marker = 0;
  if (c.query.count("part-number-marker"))
    marker = std::atoi(c.Param("part-number-marker").c_str());
  int max_parts = 1000;
  if (c.query.count("max-parts"))
    max_parts = std::clamp(std::atoi(c.Param("max-parts").c_str()), 0, 1000);
  XmlWriter w;
  w.Open("ListPartsResult", kS3Xmlns).Leaf("Bucket", c.bucket).Leaf("Key", c.key);
  w.Leaf("UploadId", c.Param("uploadId"))
      .Leaf("PartNumberMarker", static_cast<std::uint64_t>(marker));
  int listed = 0, last = marker;
  bool truncated = false;
  std::string items;
  XmlWriter parts_xml;
  for (const PartInfo& p : *parts) {
    if (p.part_number <= marker)
      continue;
    if (listed == max_parts) {
      truncated = true;
      break;
    }
    ++listed;
    last = p.part_number;
  }
  w.Leaf("NextPartNumberMarker", static_cast<std::uint64_t>(last));
  w.Leaf("MaxParts", static_cast<std::uint64_t>(max_parts));
  w.Leaf("IsTruncated", truncated ? "true" : "false");
  for (const PartInfo& p : *parts) {
    if (p.part_number <= marker || p.part_number > last)
      continue;
    w.Open("Part").Leaf("PartNumber", static_cast<std::uint64_t>(p.part_number));
    w.Leaf("LastModified", Iso8601Millis(p.last_modified_ms)).Leaf("ETag", "\"" + p.etag + "\"");
    w.Leaf("Size", p.size).Close("Part");
  }
  w.Leaf("StorageClass", "STANDARD").Close("ListPartsResult");
  return XmlResponse(c, w.Take());
}

}  // namespace kiln
