// ModelFileFormat: the start that every built-in learner's model bytes share (four magic bytes, a
// little-endian u32 format version, then fixed fields up to the header size) and the Corruption
// errors a loader reports about it, so that linear, knn, k-means and PCA models reject truncated,
// foreign or newer bytes by one rule and in the same words; supervised models also share how they
// check the task and class count they were trained for.
//
// Thread-safety: a constant description; its methods are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/status.h"
#include "learn/task.h"

namespace kiln {

struct ModelFileFormat {
  // Bytes of magic and version at the start of the file; the format's own fields follow.
  static constexpr std::size_t kPrefixSize = 8;

  std::string_view what;         // names the format in every error, e.g. "knn model"
  std::string_view magic;        // four bytes
  std::uint32_t version = 0;     // the one version this build writes and reads
  std::size_t header_size = 0;   // bytes up to the first variable-length field; >= kPrefixSize
  std::string_view advice = {};  // appended to the unsupported-version error

  // Corruption "<what>: <message>".
  Status Corrupt(std::string_view message) const;
  // OK when `bytes` holds at least header_size bytes and starts with magic and version; otherwise
  // Corruption saying which of the three is wrong.
  Status CheckHeader(std::string_view bytes) const;
  // OK when bytes.size() == expected; otherwise Corruption "size N bytes, expected M (truncated or
  // trailing data)".
  Status CheckSize(std::string_view bytes, std::uint64_t expected) const;
  // For supervised models: OK when the stored task code is `want`; otherwise Corruption naming a
  // bad code or the task the model was trained for.
  Status CheckTask(std::uint8_t stored, Task want) const;
  // For supervised models: OK when the stored class count is `want`.
  Status CheckClasses(std::uint64_t stored, int want) const;
};

}  // namespace kiln
