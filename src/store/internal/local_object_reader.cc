#include "store/internal/local_object_reader.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace kiln::store_internal {

Result<std::size_t> LocalObjectReader::ReadAt(std::uint64_t offset, char* out, std::size_t n) {
  if (offset >= info_.size || n == 0)
    return std::size_t{0};
  // The first segment that ends after `offset`.
  auto it = std::upper_bound(
      segments_.begin(), segments_.end(), offset,
      [](std::uint64_t off, const OpenSegment& seg) { return off < seg.start + seg.length; });
  std::size_t done = 0;
  while (done < n && it != segments_.end()) {
    std::uint64_t pos = offset + done;
    std::uint64_t in_segment = pos - it->start;
    std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(n - done, it->length - in_segment));
    ssize_t got = ::pread(it->fd.get(), out + done, want, static_cast<off_t>(in_segment));
    if (got < 0) {
      if (errno == EINTR)
        continue;
      return Status::IoError("cannot read blob " + it->blob_id + " of \"" + info_.bucket + "/" +
                             info_.key + "\": " + std::strerror(errno));
    }
    if (got == 0)
      return Status::Corruption("blob " + it->blob_id + " of \"" + info_.bucket + "/" + info_.key +
                                "\" is shorter than its recorded " + std::to_string(it->length) +
                                " bytes");
    done += static_cast<std::size_t>(got);
    if (static_cast<std::uint64_t>(got) == it->length - in_segment)
      ++it;
  }
  return done;
}

std::vector<ObjectReader::FileSpan> LocalObjectReader::Spans(std::uint64_t offset,
                                                             std::uint64_t length) const {
  std::vector<FileSpan> out;
  if (offset >= info_.size)
    return out;
  length = std::min(length, info_.size - offset);
  for (const OpenSegment& seg : segments_) {
    if (length == 0)
      break;
    if (offset >= seg.start + seg.length)
      continue;
    const std::uint64_t in_segment = offset - seg.start;
    const std::uint64_t take = std::min(length, seg.length - in_segment);
    out.push_back({seg.fd.get(), in_segment, take});
    offset += take;
    length -= take;
  }
  return out;
}

}  // namespace kiln::store_internal
