// Part planning for multipart uploads: the part size for an object (S3 allows 10,000 parts of
// 5 MiB to 5 GiB, the last one smaller), where each part lies, and which leading parts of an
// interrupted upload can be kept. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "common/status.h"
#include "s3client/s3_xml.h"

namespace kiln {

inline constexpr std::uint64_t kMiB = 1 << 20;
inline constexpr std::uint64_t kMinPartSize = 5 * kMiB;
inline constexpr std::uint64_t kMaxPartSize = 5 * 1024 * kMiB;
inline constexpr int kMaxParts = 10'000;

// The part size for an object of `size` bytes (nullopt: unknown, a stream): `requested`, raised to
// a whole number of MiB when the object would not fit in 10,000 parts. InvalidArgument when
// `requested` is outside [5 MiB, 5 GiB] or the object exceeds 10,000 * 5 GiB.
Result<std::uint64_t> ChoosePartSize(std::optional<std::uint64_t> size, std::uint64_t requested);

// How many parts an object of `size` bytes takes (at least 1).
int PartCount(std::uint64_t size, std::uint64_t part_size);

struct PartRange {
  int number = 0;  // 1-based
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};

// Part `number` (1-based) of an object of `size` bytes.
PartRange PartAt(std::uint64_t size, std::uint64_t part_size, int number);

// How many leading parts (1..k) of an interrupted upload are done: each is recorded in `saved` and
// listed by the server in `on_server` with the same ETag and size, and has the size the plan gives
// it (full parts; with a known `total`, the last part may be shorter). Gaps end the prefix.
int DonePrefix(const std::vector<UploadedPart>& saved, const std::vector<UploadedPart>& on_server,
               std::uint64_t part_size, std::optional<std::uint64_t> total);

}  // namespace kiln
