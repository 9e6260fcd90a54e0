// Url and S3Uri: the two address forms `kiln import` takes, parsed once at the edge.
//
// Url is an absolute http(s) URL split into what a client needs (scheme, host, port, request
// target); S3Uri is `s3://bucket/key`. Both are plain values, safe to share between threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kiln {

struct Url {
  std::string scheme;  // "http" or "https", lower case
  std::string host;    // without brackets for IPv6 literals
  std::uint16_t port = 0;
  std::string target = "/";  // path + optional "?query", as written (never empty)

  bool tls() const { return scheme == "https"; }
  // The Host header: host, plus ":port" unless it is the scheme's default; IPv6 in brackets.
  std::string HostHeader() const;
  // scheme://host[:port] without the target.
  std::string Origin() const;
  // The target's path without the query.
  std::string Path() const;
};

// Parses an absolute http:// or https:// URL. InvalidArgument, naming the text, otherwise.
Result<Url> ParseUrl(std::string_view text);

// Resolves `location` (a redirect's Location header: absolute, or a path) against `base`.
Result<Url> ResolveUrl(const Url& base, std::string_view location);

struct S3Uri {
  std::string bucket;
  std::string key;  // may be empty (the whole bucket) or end with '/' (a prefix)

  bool IsPrefix() const { return key.empty() || key.back() == '/'; }
  std::string ToString() const { return "s3://" + bucket + "/" + key; }
};

// Parses `s3://bucket[/key]`. InvalidArgument for another scheme or an empty bucket.
Result<S3Uri> ParseS3Uri(std::string_view text);

// The last '/'-separated segment of a path, percent-decoded ("" when the path ends with '/').
std::string LastPathSegment(std::string_view path);

}  // namespace kiln
