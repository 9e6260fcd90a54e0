// Small helpers for S3's REST-XML protocol: a tiny element writer (text escaped with
// common/markup_escape.h's XmlEscape), timestamps in the two formats S3 uses (ISO-8601 in bodies,
// RFC 1123 in headers), and parsing of the request bodies S3 clients send (DeleteObjects,
// CompleteMultipartUpload). Stateless and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace kiln {

// Builds an XML document element by element: Open("A"), Leaf("B", "text"), Close("A").
class XmlWriter {
 public:
  XmlWriter();  // starts with the XML declaration
  XmlWriter& Open(std::string_view name, std::string_view xmlns = {});
  XmlWriter& Close(std::string_view name);
  XmlWriter& Leaf(std::string_view name, std::string_view text);
  XmlWriter& Leaf(std::string_view name, std::uint64_t value);
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

inline constexpr std::string_view kS3Xmlns = "http://s3.amazonaws.com/doc/2006-03-01/";

std::string Iso8601Millis(std::int64_t unix_ms);  // 2026-11-24T17:53:49.000Z
std::string Rfc1123(std::int64_t unix_ms);        // Tue, 24 Nov 2026 17:53:49 GMT
// Parses an HTTP date (RFC 1123); nullopt when it is not one.
std::optional<std::int64_t> ParseHttpDateMs(std::string_view text);

// <Delete><Quiet>true</Quiet><Object><Key>k</Key></Object>...</Delete>
struct DeleteRequest {
  bool quiet = false;
  std::vector<std::string> keys;
};
Result<DeleteRequest> ParseDeleteRequest(std::string_view xml);

// <CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"…"</ETag></Part>…
// Returns (part number, etag without quotes) in document order.
Result<std::vector<std::pair<int, std::string>>> ParseCompleteMultipartUpload(std::string_view xml);

}  // namespace kiln
