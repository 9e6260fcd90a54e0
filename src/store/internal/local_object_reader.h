// LocalObjectReader: an ObjectReader over the blob files of one object version — one file for a
// single PUT, the parts' files in order for a multipart object.
//
// It holds every segment's file descriptor from the moment it is made, so the bytes stay readable
// after the object is overwritten or deleted and its blobs unlinked (POSIX keeps an open file's
// data). Owned by one thread.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "store/internal/unique_fd.h"
#include "store/object_store.h"

namespace kiln::store_internal {

class LocalObjectReader final : public ObjectReader {
 public:
  struct OpenSegment {
    std::uint64_t start = 0;   // offset of the segment's first byte in the object
    std::uint64_t length = 0;  // > 0
    UniqueFd fd;
    std::string blob_id;  // for error messages
  };

  // `segments` cover [0, info.size) in order, without gaps; empty segments are left out.
  LocalObjectReader(ObjectInfo info, std::vector<OpenSegment> segments)
      : info_(std::move(info)), segments_(std::move(segments)) {}

  const ObjectInfo& info() const override { return info_; }
  Result<std::size_t> ReadAt(std::uint64_t offset, char* out, std::size_t n) override;
  std::vector<FileSpan> Spans(std::uint64_t offset, std::uint64_t length) const override;

 private:
  const ObjectInfo info_;
  std::vector<OpenSegment> segments_;
};

}  // namespace kiln::store_internal
