// Reading a model artifact (`model.tar.gz`) into its files, in memory.
//
// Understands what `tar czf` (GNU, BSD), Python's tarfile and Kiln's training jobs write: ustar and
// GNU headers, GNU long names ('L'), pax extended headers ('x', path only), gzip (several members
// too) or no compression; directories, links and other non-regular entries are skipped, a leading
// "./" is dropped from names. The serving module's own reader until src/jobs exports its tar.gz
// code as a library. Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace kiln {

struct ArchiveFile {
  std::string name;  // e.g. "xgboost-model"
  std::string data;
};

// The regular files of a .tar.gz or .tar, in archive order. Corruption when the bytes are not a
// readable archive (with what is wrong); InvalidArgument when the files add up to more than
// `max_bytes` uncompressed.
Result<std::vector<ArchiveFile>> ReadModelArchive(std::string_view bytes, std::uint64_t max_bytes);

}  // namespace kiln
