// Multipart part planning (see part_plan.h). Pure functions, thread-safe.
#include "s3client/part_plan.h"

#include <algorithm>
#include <map>

namespace kiln {

Result<std::uint64_t> ChoosePartSize(std::optional<std::uint64_t> size, std::uint64_t requested) {
  if (requested < kMinPartSize || requested > kMaxPartSize)
    return Status::InvalidArgument("the part size must be from 5 MiB to 5120 MiB, got " +
                                   std::to_string(requested / kMiB) + " MiB");
  if (!size)
    return requested;
  const std::uint64_t max_parts = kMaxParts;
  if (*size > max_parts * kMaxPartSize)
    return Status::InvalidArgument("the object has " + std::to_string(*size) +
                                   " bytes, more than S3's 10,000 parts of 5 GiB");
  if (*size <= max_parts * requested)
    return requested;
  const std::uint64_t needed = (*size + max_parts - 1) / max_parts;
  return std::min(kMaxPartSize, (needed + kMiB - 1) / kMiB * kMiB);
}

int PartCount(std::uint64_t size, std::uint64_t part_size) {
  if (size == 0)
    return 1;
  return static_cast<int>((size + part_size - 1) / part_size);
}

PartRange PartAt(std::uint64_t size, std::uint64_t part_size, int number) {
  PartRange r;
  r.number = number;
  r.offset = static_cast<std::uint64_t>(number - 1) * part_size;
  r.length = r.offset >= size ? 0 : std::min(part_size, size - r.offset);
  return r;
}

int DonePrefix(const std::vector<UploadedPart>& saved, const std::vector<UploadedPart>& on_server,
               std::uint64_t part_size, std::optional<std::uint64_t> total) {
  std::map<int, const UploadedPart*> server;
  for (const UploadedPart& p : on_server)
    server[p.number] = &p;
  std::map<int, const UploadedPart*> mine;
  for (const UploadedPart& p : saved)
    mine[p.number] = &p;
  const int count = total ? PartCount(*total, part_size) : kMaxParts;
  int done = 0;
  for (int n = 1; n <= count; ++n) {
    auto s = server.find(n);
    auto m = mine.find(n);
    if (s == server.end() || m == mine.end() || !(*s->second == *m->second))
      break;
    const std::uint64_t expected = total ? PartAt(*total, part_size, n).length : part_size;
    if (m->second->size != expected)
      break;
    done = n;
  }
  return done;
}

}  // namespace kiln
