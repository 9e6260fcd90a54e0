// tar.gz archives in memory: the format of SageMaker's model artifacts (`model.tar.gz`).
//
// WriteTarGz makes a POSIX ustar archive of regular files, gzip-compressed with zlib, with fixed
// metadata (mode 0644, owner 0/0, the given mtime) so the same files always give the same bytes.
// ReadTarGz reads what `tar czf` (GNU or BSD), Python's tarfile and WriteTarGz produce: ustar and
// GNU headers, GNU long names ('L') and pax extended headers ('x', path only), gzip (several
// members too) or no compression; directories, links and other non-regular entries are skipped, a
// leading
// "./" is dropped from names. Archives are held in memory: model artifacts are small. Used by
// src/jobs (writing artifacts) and src/serve (reading them). Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kiln {

struct TarEntry {
  std::string name;  // relative path inside the archive, e.g. "xgboost-model"
  std::string data;
};

// InvalidArgument when a name is empty, absolute, contains "..", or is longer than ustar allows
// (100 bytes, or 255 split at a '/').
Result<std::string> WriteTarGz(std::span<const TarEntry> entries, std::int64_t mtime_seconds);

// The regular files of a .tar.gz (or an uncompressed .tar), in archive order. Corruption when the
// bytes are not a readable archive (with what is wrong); `max_bytes` bounds the total uncompressed
// size (InvalidArgument above it).
Result<std::vector<TarEntry>> ReadTarGz(std::string_view bytes,
                                        std::uint64_t max_bytes = 4ull << 30);

}  // namespace kiln
