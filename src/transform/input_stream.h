// InputStream: the bytes of one input object read front to back through a bounded buffer — from
// the object store (ObjectInputStream, positional reads on an open ObjectReader) and, for
// TransformInput.CompressionType Gzip, through zlib (GzipInputStream; concatenated gzip members
// are read as one stream, as gunzip does). Nothing here holds more than one chunk of the object.
//
// Thread-safety: each stream is owned by one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"

namespace kiln {

class ObjectReader;

class InputStream {
 public:
  virtual ~InputStream() = default;
  // Reads up to `n` bytes into `out`; 0 only at the end of the stream.
  virtual Result<std::size_t> Read(char* out, std::size_t n) = 0;
  // Bytes of the stored object consumed so far (compressed bytes for a gzip stream).
  virtual std::uint64_t consumed() const = 0;
};

// Reads `reader`'s object from the start. `reader` must outlive the stream.
std::unique_ptr<InputStream> ObjectInputStream(ObjectReader& reader);

// Inflates the gzip stream `compressed` (owned). `what` names the object in errors: "s3://b/k is
// not valid gzip: ...".
std::unique_ptr<InputStream> GzipInputStream(std::unique_ptr<InputStream> compressed,
                                             std::string what);

}  // namespace kiln
