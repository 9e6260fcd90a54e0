// ObjectSource: where `kiln import` reads one object from (a local file, an http(s) URL, an object
// in an S3-compatible store), behind one interface so the resumable upload does not care.
//
// A source is described once (Stat: size, identity, content type), then streamed from any offset
// (ReadFrom), which is how an interrupted import continues from its first missing part. The
// identity is what a saved upload is checked against: size + mtime for a file, ETag /
// Last-Modified / Content-Length for http and S3. Sources retry transient failures themselves.
//
// Not thread-safe: a source is used by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "s3client/http_client.h"

namespace kiln {

struct SourceInfo {
  std::optional<std::uint64_t> size;  // nullopt: unknown until the stream ends
  std::string identity;               // changes whenever the content may have; "" when unknowable
  std::string content_type;           // "" when the source does not say
  std::string local_path;  // set for local files: parts are sent straight from file ranges
  bool ranges = true;      // ReadFrom(offset > 0) is served without re-reading from 0

  // A saved upload can be trusted only against a source whose identity says something.
  bool resumable() const { return !identity.empty(); }
};

class ObjectSource {
 public:
  virtual ~ObjectSource() = default;

  // What to call the source in messages and in the resume state: a path, URL or s3:// URI.
  virtual std::string name() const = 0;

  // Describes the object. NotFound when it does not exist.
  virtual Result<SourceInfo> Stat() = 0;

  // Streams the bytes from `offset` to the end into `sink`. FailedPrecondition with reason
  // "SourceChanged" when the object no longer matches what Stat described.
  virtual Status ReadFrom(std::uint64_t offset, const BodySink& sink) = 0;
};

// A regular file on the local disk.
std::unique_ptr<ObjectSource> NewLocalFileSource(std::string path);

}  // namespace kiln
