#include "model/section_file.h"

#include <zlib.h>

#include <cstring>

namespace kiln {
namespace {

constexpr char kMagic[8] = {'K', 'I', 'L', 'N', 'M', 'O', 'D', 'L'};

template <typename T>
void PutLe(T v, std::string* out) {
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    out->push_back(static_cast<char>((static_cast<std::uint64_t>(v) >> (8 * i)) & 0xff));
  }
}

template <typename T>
bool GetLe(std::string_view* in, T* v) {
  if (in->size() < sizeof(T))
    return false;
  std::uint64_t x = 0;
  for (std::size_t i = 0; i < sizeof(T); ++i) {
    x |= static_cast<std::uint64_t>(static_cast<unsigned char>((*in)[i])) << (8 * i);
  }
  *v = static_cast<T>(x);
  in->remove_prefix(sizeof(T));
  return true;
}

std::uint32_t Crc32(std::string_view data) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths; feed large sections in pieces.
  while (!data.empty()) {
    std::size_t n = std::min<std::size_t>(data.size(), 1u << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(n));
    data.remove_prefix(n);
  }
  return static_cast<std::uint32_t>(crc);
}

}  // namespace

Result<std::string_view> SectionFile::Get(std::string_view name) const {
  for (const auto& [n, d] : sections_) {
    if (n == name)
      return std::string_view(d);
  }
  return Status::NotFound("model file has no section \"" + std::string(name) + "\"");
}

std::string SectionFile::Encode() const {
  std::string out(kMagic, sizeof(kMagic));
  PutLe<std::uint32_t>(kFormatVersion, &out);
  PutLe<std::uint32_t>(static_cast<std::uint32_t>(sections_.size()), &out);
  for (const auto& [name, data] : sections_) {
    PutLe<std::uint32_t>(static_cast<std::uint32_t>(name.size()), &out);
    out += name;
    PutLe<std::uint64_t>(data.size(), &out);
    out += data;
    PutLe<std::uint32_t>(Crc32(data), &out);
  }
  return out;
}

Result<SectionFile> SectionFile::Decode(std::string_view in, const std::string& display_name) {
  auto corrupt = [&](const std::string& why) {
    return Status::Corruption(display_name + ": not a valid Kiln model file: " + why);
  };
  if (in.size() < sizeof(kMagic) || std::memcmp(in.data(), kMagic, sizeof(kMagic)) != 0) {
    return corrupt("wrong magic bytes (expected \"KILNMODL\")");
  }
  in.remove_prefix(sizeof(kMagic));
  std::uint32_t version = 0, count = 0;
  if (!GetLe(&in, &version) || !GetLe(&in, &count))
    return corrupt("truncated header");
  if (version != kFormatVersion) {
    return corrupt("format version " + std::to_string(version) +
                   " is not supported (this Kiln reads " + std::to_string(kFormatVersion) + ")");
  }
  SectionFile file;
  for (std::uint32_t i = 0; i < count; ++i) {
    std::uint32_t name_len = 0;
    std::uint64_t data_len = 0;
    std::uint32_t crc = 0;
    if (!GetLe(&in, &name_len) || in.size() < name_len)
      return corrupt("truncated section name");
    std::string name(in.substr(0, name_len));
    in.remove_prefix(name_len);
    if (!GetLe(&in, &data_len) || in.size() < data_len) {
      return corrupt("section \"" + name + "\" is truncated");
    }
    std::string data(in.substr(0, data_len));
    in.remove_prefix(data_len);
    if (!GetLe(&in, &crc))
      return corrupt("section \"" + name + "\" is truncated");
    if (crc != Crc32(data))
      return corrupt("checksum mismatch in section \"" + name + "\"");
    file.Add(std::move(name), std::move(data));
  }
  if (!in.empty())
    return corrupt("trailing bytes after the last section");
  return file;
}

}  // namespace kiln
