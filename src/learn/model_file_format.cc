#include "learn/model_file_format.h"

#include <string>

namespace kiln {

Status ModelFileFormat::Corrupt(std::string_view message) const {
  return Status::Corruption(std::string(what) + ": " + std::string(message));
}

Status ModelFileFormat::CheckHeader(std::string_view bytes) const {
  if (bytes.size() < header_size) {
    return Corrupt("truncated: " + std::to_string(bytes.size()) + " bytes, header needs " +
                   std::to_string(header_size));
  }
  if (bytes.substr(0, magic.size()) != magic)
    return Corrupt("bad magic");
  std::uint32_t stored = 0;
  for (int i = 0; i < 4; ++i)
    stored |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[4 + i])) << (8 * i);
  if (stored != version) {
    return Corrupt("unsupported version " + std::to_string(stored) + "; this build reads " +
                   std::to_string(version) + std::string(advice));
  }
  return Status::Ok();
}

Status ModelFileFormat::CheckSize(std::string_view bytes, std::uint64_t expected) const {
  if (bytes.size() == expected)
    return Status::Ok();
  return Corrupt("size " + std::to_string(bytes.size()) + " bytes, expected " +
                 std::to_string(expected) + " (truncated or trailing data)");
}

Status ModelFileFormat::CheckTask(std::uint8_t stored, Task want) const {
  if (stored > static_cast<std::uint8_t>(Task::kRegression))
    return Corrupt("bad task code " + std::to_string(stored));
  if (stored != static_cast<std::uint8_t>(want)) {
    return Corrupt(std::string("model was trained for ") + TaskName(static_cast<Task>(stored)) +
                   ", expected " + TaskName(want));
  }
  return Status::Ok();
}

Status ModelFileFormat::CheckClasses(std::uint64_t stored, int want) const {
  if (stored == static_cast<std::uint64_t>(want))
    return Status::Ok();
  return Corrupt("model has " + std::to_string(stored) + " classes, expected " +
                 std::to_string(want));
}

}  // namespace kiln
