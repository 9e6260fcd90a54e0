// SectionFile: the container format of model.kiln (see docs/formats/model-kiln.md).
//
//   "KILNMODL"                      8-byte magic
//   u32 format_version              little-endian; this code writes and reads version 1
//   u32 section_count
//   section_count times:
//     u32 name_length, name bytes   e.g. "manifest", "member/0/fold/2"
//     u64 data_length, data bytes
//     u32 crc32(data)               zlib's CRC-32
//
// A plain value type; not thread-safe to mutate.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace kiln {

class SectionFile {
 public:
  static constexpr std::uint32_t kFormatVersion = 1;

  void Add(std::string name, std::string data) {
    sections_.emplace_back(std::move(name), std::move(data));
  }
  // The section's bytes, or NotFound.
  Result<std::string_view> Get(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& sections() const { return sections_; }

  std::string Encode() const;
  // Corruption (naming `display_name`) on a wrong magic, an unsupported version, truncation or a
  // checksum mismatch.
  static Result<SectionFile> Decode(std::string_view bytes, const std::string& display_name);

 private:
  std::vector<std::pair<std::string, std::string>> sections_;
};

}  // namespace kiln
