#include "api/s3_api.h"

#include <algorithm>

#include "api/internal/s3_call.h"
#include "api/s3_errors.h"
#include "api/s3_xml.h"
#include "auth/sigv4.h"
#include "common/digest.h"
#include "common/markup_escape.h"
#include "store/object_store.h"

namespace kiln {

namespace {

// Sub-resources S3 has that Kiln does not implement: answered with NotImplemented.
constexpr std::string_view kUnsupportedSubresources[] = {"acl",
                                                         "analytics",
                                                         "cors",
                                                         "encryption",
                                                         "intelligent-tiering",
                                                         "inventory",
                                                         "legal-hold",
                                                         "lifecycle",
                                                         "logging",
                                                         "metrics",
                                                         "notification",
                                                         "object-lock",
                                                         "ownershipControls",
                                                         "policy",
                                                         "policyStatus",
                                                         "publicAccessBlock",
                                                         "replication",
                                                         "requestPayment",
                                                         "restore",
                                                         "retention",
                                                         "select",
                                                         "tagging",
                                                         "torrent",
                                                         "versioning",
                                                         "versions",
                                                         "website",
                                                         "accelerate",
                                                         "attributes"};

std::string ContinuationToken(const std::string& after) { return Base64Encode(after); }

}  // namespace

HttpResponse S3Api::Handle(HttpRequest& request, const SignatureInfo* signature) {
  Call c{request, signature};
  if (Status s = ParseCall(request, &c); !s.ok())
    return S3ErrorFromStatus(s, request.path, request);
  for (std::string_view sub : kUnsupportedSubresources) {
    if (c.query.count(std::string(sub)))
      return S3Error("NotImplemented",
                     "the " + std::string(sub) + " sub-resource is not supported by Kiln",
                     request.path, request);
  }
  if (c.bucket.empty()) {
    if (request.method == "GET")
      return ListBuckets(c);
    return S3Error("MethodNotAllowed", "only GET (ListBuckets) is allowed on /", "/", request);
  }
  if (!c.has_key)
    return BucketOp(c);
  return ObjectOp(c);
}

HttpResponse S3Api::ListBuckets(Call& c) {
  auto buckets = store_.ListBuckets();
  if (!buckets.ok())
    return S3ErrorFromStatus(buckets.error(), "/", c.req);
  XmlWriter w;
  w.Open("ListAllMyBucketsResult", kS3Xmlns);
  w.Open("Owner").Leaf("ID", options_.owner_id).Leaf("DisplayName", options_.owner_name);
  w.Close("Owner").Open("Buckets");
  for (const BucketInfo& b : *buckets) {
    w.Open("Bucket").Leaf("Name", b.name).Leaf("CreationDate", Iso8601Millis(b.created_ms));
    w.Close("Bucket");
  }
  w.Close("Buckets").Close("ListAllMyBucketsResult");
  return XmlResponse(c, w.Take());
}

HttpResponse S3Api::BucketOp(Call& c) {
  const std::string& m = c.req.method;
  const std::string resource = "/" + c.bucket;
  if (m == "PUT") {
    // An optional CreateBucketConfiguration body names a region; any region is accepted.
    if (auto body = c.req.body->ReadAll(options_.max_xml_body); !body.ok())
      return S3ErrorFromStatus(body.error(), resource, c.req);
    if (Status s = store_.CreateBucket(c.bucket); !s.ok())
      return S3ErrorFromStatus(s, resource, c.req);
    HttpResponse r = Empty(c, 200);
    r.SetHeader("Location", resource);
    return r;
  }
  if (m == "HEAD") {
    auto b = store_.GetBucket(c.bucket);
    if (!b.ok())
      return S3ErrorFromStatus(b.error(), resource, c.req);
    HttpResponse r = Empty(c, 200);
    r.SetHeader("x-amz-bucket-region", options_.region);
    return r;
  }
  if (m == "DELETE") {
    if (Status s = store_.DeleteBucket(c.bucket); !s.ok())
      return S3ErrorFromStatus(s, resource, c.req);
    return Empty(c, 204);
  }
  if (m == "POST" && c.query.count("delete"))
    return DeleteObjects(c);
  if (m == "GET") {
    if (c.query.count("location")) {
      auto b = store_.GetBucket(c.bucket);
      if (!b.ok())
        return S3ErrorFromStatus(b.error(), resource, c.req);
      XmlWriter w;
      w.Open("LocationConstraint", kS3Xmlns);
      w.Close("LocationConstraint");
      std::string xml = w.Take();
      if (options_.region != "us-east-1") {
        XmlWriter w2;
        w2.Open("LocationConstraint", kS3Xmlns);
        xml = w2.Take() + XmlEscape(options_.region) + "</LocationConstraint>";
      }
      return XmlResponse(c, std::move(xml));
    }
    if (c.query.count("uploads"))
      return ListUploads(c);
    auto lt = c.query.find("list-type");
    if (lt != c.query.end() && lt->second != "2")
      return S3Error("InvalidArgument", "list-type must be 2", resource, c.req);
    return ListObjects(c, lt != c.query.end());
  }
  return S3Error("MethodNotAllowed", m + " is not allowed on a bucket", resource, c.req);
}

HttpResponse S3Api::ListObjects(Call& c, bool v2) {
  const std::string resource = "/" + c.bucket;
  ListObjectsQuery q;
  q.prefix = c.Param("prefix");
  q.delimiter = c.Param("delimiter");
  if (c.query.count("max-keys")) {
    const std::string& mk = c.query["max-keys"];
    char* end = nullptr;
    const long v = std::strtol(mk.c_str(), &end, 10);
    if (mk.empty() || *end != '\0' || v < 0)
      return S3Error("InvalidArgument",
                     "max-keys must be a non-negative integer, got \"" + mk + "\"", resource,
                     c.req);
    q.max_keys = static_cast<int>(std::min<long>(v, 1000));
  }
  std::string token;
  if (v2) {
    q.start_after = c.Param("start-after");
    token = c.Param("continuation-token");
    if (!token.empty()) {
      auto after = Base64Decode(token);
      if (!after.has_value())
        return S3Error("InvalidArgument", "the continuation token is not valid", resource, c.req);
      q.start_after = std::max(q.start_after, *after);
    }
  } else {
    q.start_after = c.Param("marker");
  }
  const bool url = c.Param("encoding-type") == "url";
  if (c.query.count("encoding-type") && !url)
    return S3Error("InvalidArgument", "encoding-type must be \"url\"", resource, c.req);
  auto res = store_.ListObjects(c.bucket, q);
  if (!res.ok())
    return S3ErrorFromStatus(res.error(), resource, c.req);
  auto enc = [url](const std::string& s) { return url ? UriEncode(s, true) : s; };
  XmlWriter w;
  w.Open("ListBucketResult", kS3Xmlns);
  w.Leaf("Name", c.bucket).Leaf("Prefix", enc(q.prefix));
  if (!q.delimiter.empty())
    w.Leaf("Delimiter", enc(q.delimiter));
  w.Leaf("MaxKeys", static_cast<std::uint64_t>(q.max_keys));
  if (url)
    w.Leaf("EncodingType", "url");
  w.Leaf("IsTruncated", res->truncated ? "true" : "false");
  if (v2) {
    w.Leaf("KeyCount", res->contents.size() + res->common_prefixes.size());
    if (!token.empty())
      w.Leaf("ContinuationToken", token);
    if (res->truncated)
      w.Leaf("NextContinuationToken", ContinuationToken(res->next_start_after));
    if (c.query.count("start-after"))
      w.Leaf("StartAfter", enc(c.Param("start-after")));
  } else {
    w.Leaf("Marker", enc(q.start_after));
    if (res->truncated)
      w.Leaf("NextMarker", enc(res->next_start_after));
  }
  const bool owner = !v2 || c.Param("fetch-owner") == "true";
  for (const ObjectInfo& o : res->contents) {
    w.Open("Contents")
        .Leaf("Key", enc(o.key))
        .Leaf("LastModified", Iso8601Millis(o.last_modified_ms));
    w.Leaf("ETag", "\"" + o.etag + "\"").Leaf("Size", o.size).Leaf("StorageClass", "STANDARD");
    if (owner) {
      w.Open("Owner").Leaf("ID", options_.owner_id).Leaf("DisplayName", options_.owner_name);
      w.Close("Owner");
    }
    w.Close("Contents");
  }
  for (const std::string& p : res->common_prefixes)
    w.Open("CommonPrefixes").Leaf("Prefix", enc(p)).Close("CommonPrefixes");
  w.Close("ListBucketResult");
  return XmlResponse(c, w.Take());
}

HttpResponse S3Api::ListUploads(Call& c) {
  auto uploads = store_.ListMultipartUploads(c.bucket);
  if (!uploads.ok())
    return S3ErrorFromStatus(uploads.error(), "/" + c.bucket, c.req);
  XmlWriter w;
  w.Open("ListMultipartUploadsResult", kS3Xmlns).Leaf("Bucket", c.bucket);
  w.Leaf("KeyMarker", "").Leaf("UploadIdMarker", "").Leaf("MaxUploads", 1000);
  w.Leaf("IsTruncated", "false");
  for (const MultipartUploadInfo& u : *uploads) {
    w.Open("Upload").Leaf("Key", u.key).Leaf("UploadId", u.upload_id);
    w.Leaf("Initiated", Iso8601Millis(u.initiated_ms)).Leaf("StorageClass", "STANDARD");
    w.Close("Upload");
  }
  w.Close("ListMultipartUploadsResult");
  return XmlResponse(c, w.Take());
}

HttpResponse S3Api::DeleteObjects(Call& c) {
  const std::string resource = "/" + c.bucket;
  auto body = ReceiveSmallBody(c);
  if (!body.ok())
    return S3ErrorFromStatus(body.error(), resource, c.req);
  auto request = ParseDeleteRequest(*body);
  if (!request.ok())
    return S3ErrorFromStatus(request.error(), resource, c.req);
  if (auto b = store_.GetBucket(c.bucket); !b.ok())
    return S3ErrorFromStatus(b.error(), resource, c.req);
  XmlWriter w;
  w.Open("DeleteResult", kS3Xmlns);
  for (const std::string& key : request->keys) {
    Status s = store_.DeleteObject(c.bucket, key);
    if (s.ok()) {
      if (!request->quiet)
        w.Open("Deleted").Leaf("Key", key).Close("Deleted");
    } else {
      const std::string code = s.reason().empty() ? "InternalError" : s.reason();
      w.Open("Error").Leaf("Key", key).Leaf("Code", code).Leaf("Message", s.message());
      w.Close("Error");
    }
  }
  w.Close("DeleteResult");
  return XmlResponse(c, w.Take());
}

}  // namespace kiln
