#include "serve/model_archive.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace kiln {
namespace {

constexpr std::size_t kBlock = 512;

Result<std::string> Gunzip(std::string_view gz, std::uint64_t max_bytes) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK)
    return Status::Internal("gunzip: inflateInit2 failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  std::array<char, 1 << 16> buf;
  Status status;
  while (true) {
    zs.next_out = reinterpret_cast<Bytef*>(buf.data());
    zs.avail_out = buf.size();
    const int rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf.data(), buf.size() - zs.avail_out);
    if (out.size() > max_bytes) {
      status = Status::InvalidArgument("the archive is larger than " + std::to_string(max_bytes) +
                                       " bytes uncompressed");
      break;
    }
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0)
        break;
      if (inflateReset(&zs) != Z_OK) {
        status = Status::Corruption("gzip: cannot read the next member");
        break;
      }
      continue;
    }
    if (rc != Z_OK) {
      status = Status::Corruption(std::string("gzip: ") +
                                  (zs.msg != nullptr ? zs.msg : "the data is truncated"));
      break;
    }
  }
  inflateEnd(&zs);
  if (!status.ok())
    return status;
  return out;
}

std::string Field(const char* p, std::size_t width) { return std::string(p, strnlen(p, width)); }

// An octal number, or GNU's base-256 form (high bit set in the first byte).
Result<std::uint64_t> ParseNumber(const char* p, std::size_t width) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  std::uint64_t v = 0;
  if ((u[0] & 0x80) != 0) {
    v = u[0] & 0x7f;
    for (std::size_t i = 1; i < width; ++i) {
      if ((v >> 56) != 0)
        return Status::Corruption("tar: a size field is too large");
      v = (v << 8) | u[i];
    }
    return v;
  }
  std::size_t i = 0;
  while (i < width && (p[i] == ' ' || p[i] == '\0'))
    ++i;
  for (; i < width && p[i] >= '0' && p[i] <= '7'; ++i)
    v = (v << 3) | static_cast<std::uint64_t>(p[i] - '0');
  for (; i < width; ++i) {
    if (p[i] != ' ' && p[i] != '\0')
      return Status::Corruption("tar: a numeric header field is not octal");
  }
  return v;
}

// The "path" record of a pax extended header ("<len> path=<value>\n"...), or "".
std::string PaxPath(std::string_view records) {
  std::string path;
  while (!records.empty()) {
    const std::size_t space = records.find(' ');
    if (space == std::string_view::npos)
      break;
    std::size_t len = 0;
    for (char c : records.substr(0, space)) {
      if (c < '0' || c > '9' || len > records.size())
        return path;
      len = len * 10 + static_cast<std::size_t>(c - '0');
    }
    if (len <= space + 1 || len > records.size())
      break;
    const std::string_view kv = records.substr(space + 1, len - space - 2);
    if (kv.starts_with("path="))
      path = std::string(kv.substr(5));
    records.remove_prefix(len);
  }
  return path;
}

}  // namespace

Result<std::vector<ArchiveFile>> ReadModelArchive(std::string_view bytes, std::uint64_t max_bytes) {
  std::string inflated;
  std::string_view tar = bytes;
  if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
      static_cast<unsigned char>(bytes[1]) == 0x8b) {
    ASSIGN_OR_RETURN(inflated, Gunzip(bytes, max_bytes));
    tar = inflated;
  } else if (bytes.size() > max_bytes) {
    return Status::InvalidArgument("the archive is larger than " + std::to_string(max_bytes) +
                                   " bytes");
  }
  std::vector<ArchiveFile> out;
  std::string long_name;
  std::size_t pos = 0;
  while (pos + kBlock <= tar.size()) {
    const char* h = tar.data() + pos;
    if (std::all_of(h, h + kBlock, [](char c) { return c == '\0'; }))
      return out;  // the end-of-archive marker
    unsigned sum = 0;
    for (std::size_t i = 0; i < kBlock; ++i)
      sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(h[i]);
    ASSIGN_OR_RETURN(std::uint64_t stored_sum, ParseNumber(h + 148, 8));
    if (stored_sum != sum) {
      return Status::Corruption("tar: header checksum mismatch at offset " + std::to_string(pos) +
                                " (not a tar archive?)");
    }
    ASSIGN_OR_RETURN(std::uint64_t size, ParseNumber(h + 124, 12));
    const std::size_t data_at = pos + kBlock;
    if (size > tar.size() - data_at)
      return Status::Corruption("tar: the entry at offset " + std::to_string(pos) +
                                " is truncated");
    const std::string_view data = tar.substr(data_at, size);
    pos = data_at + (size + kBlock - 1) / kBlock * kBlock;
    const char type = h[156];
    if (type == 'L' || type == 'x') {  // a long name for the next entry
      long_name = type == 'L' ? Field(data.data(), data.size()) : PaxPath(data);
      continue;
    }
    std::string name = Field(h, 100);
    if (Field(h + 257, 6) == "ustar") {
      const std::string prefix = Field(h + 345, 155);
      if (!prefix.empty())
        name = prefix + "/" + name;
    }
    if (!long_name.empty())
      name = std::move(long_name);
    long_name.clear();
    if (type != '0' && type != '\0' && type != '7')
      continue;  // directories, links, devices, global pax headers
    while (name.starts_with("./"))
      name.erase(0, 2);
    if (!name.empty())
      out.push_back({std::move(name), std::string(data)});
  }
  if (pos == 0)
    return Status::Corruption("not a tar.gz archive (no complete tar header)");
  return out;  // a missing end-of-archive marker is tolerated, as GNU tar does
}

}  // namespace kiln
