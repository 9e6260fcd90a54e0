#include "common/tar_gz.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace kiln {
namespace {

constexpr std::size_t kBlock = 512;

// Writes `value` as `width - 1` octal digits and a NUL into `field`.
bool PutOctal(char* field, std::size_t width, std::uint64_t value) {
  const std::uint64_t limit = std::uint64_t{1} << (3 * (width - 1));
  if (value >= limit)
    return false;
  field[width - 1] = '\0';
  for (std::size_t i = width - 1; i-- > 0;) {
    field[i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
  return true;
}

Status CheckName(const std::string& name) {
  const auto bad = [&](const char* why) {
    return Status::InvalidArgument("tar entry \"" + name + "\": " + why);
  };
  if (name.empty())
    return bad("empty name");
  if (name.front() == '/')
    return bad("absolute path");
  if (name == ".." || name.starts_with("../") || name.ends_with("/..") ||
      name.find("/../") != std::string::npos) {
    return bad("contains \"..\"");
  }
  return Status::Ok();
}

// Splits `name` into ustar's prefix (≤ 155) and name (≤ 100) fields.
Result<std::pair<std::string, std::string>> SplitName(const std::string& name) {
  if (name.size() <= 100)
    return std::make_pair(std::string(), name);
  for (std::size_t slash = name.find('/'); slash != std::string::npos;
       slash = name.find('/', slash + 1)) {
    if (slash <= 155 && name.size() - slash - 1 <= 100 && slash + 1 < name.size())
      return std::make_pair(name.substr(0, slash), name.substr(slash + 1));
  }
  return Status::InvalidArgument("tar entry \"" + name + "\": name too long for ustar");
}

Result<std::string> Gzip(std::string_view raw) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return Status::Internal("gzip: deflateInit2 failed");
  }
  std::string out;
  out.resize(deflateBound(&zs, raw.size()) + 64);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  zs.avail_in = static_cast<uInt>(raw.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END)
    return Status::Internal("gzip: deflate did not finish");
  return out;
}

// Inflates gzip (possibly several concatenated members) or zlib data.
Result<std::string> Gunzip(std::string_view gz, std::uint64_t max_bytes) {
  std::string out;
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK)
    return Status::Internal("gunzip: inflateInit2 failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
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

// A NUL-terminated (or full-width) header field.
std::string Field(const char* p, std::size_t width) { return std::string(p, strnlen(p, width)); }

// An octal number, or GNU's base-256 form (high bit set in the first byte).
Result<std::uint64_t> ParseNumber(const char* p, std::size_t width) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  if (u[0] & 0x80) {
    std::uint64_t v = u[0] & 0x7f;
    for (std::size_t i = 1; i < width; ++i) {
      if (v >> 56)
        return Status::Corruption("tar: a size field is too large");
      v = (v << 8) | u[i];
    }
    return v;
  }
  std::uint64_t v = 0;
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
    std::string_view kv = records.substr(space + 1, len - space - 2);  // drop the '\n'
    if (kv.starts_with("path="))
      path = std::string(kv.substr(5));
    records.remove_prefix(len);
  }
  return path;
}

}  // namespace

Result<std::string> WriteTarGz(std::span<const TarEntry> entries, std::int64_t mtime_seconds) {
  std::string tar;
  for (const TarEntry& e : entries) {
    RETURN_IF_ERROR(CheckName(e.name));
    ASSIGN_OR_RETURN(auto split, SplitName(e.name));
    std::array<char, kBlock> h{};
    std::memcpy(h.data(), split.second.data(), split.second.size());
    PutOctal(&h[100], 8, 0644);
    PutOctal(&h[108], 8, 0);
    PutOctal(&h[116], 8, 0);
    if (!PutOctal(&h[124], 12, e.data.size()))
      return Status::InvalidArgument("tar entry \"" + e.name + "\": larger than 8 GiB");
    PutOctal(&h[136], 12, static_cast<std::uint64_t>(std::max<std::int64_t>(0, mtime_seconds)));
    h[156] = '0';
    std::memcpy(&h[257], "ustar", 6);
    std::memcpy(&h[263], "00", 2);
    std::memcpy(&h[265], "root", 4);
    std::memcpy(&h[297], "root", 4);
    std::memcpy(&h[345], split.first.data(), split.first.size());
    std::memset(&h[148], ' ', 8);
    unsigned sum = 0;
    for (char c : h)
      sum += static_cast<unsigned char>(c);
    PutOctal(&h[148], 7, sum);
    h[155] = ' ';
    tar.append(h.data(), h.size());
    tar += e.data;
    tar.append((kBlock - e.data.size() % kBlock) % kBlock, '\0');
  }
  tar.append(2 * kBlock, '\0');
  return Gzip(tar);
}

Result<std::vector<TarEntry>> ReadTarGz(std::string_view bytes, std::uint64_t max_bytes) {
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
  std::vector<TarEntry> out;
  std::string long_name;
  std::size_t pos = 0;
  while (pos + kBlock <= tar.size()) {
    const char* h = tar.data() + pos;
    if (std::all_of(h, h + kBlock, [](char c) { return c == '\0'; }))
      return out;  // end-of-archive marker
    unsigned sum = 0;
    for (std::size_t i = 0; i < kBlock; ++i)
      sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(h[i]);
    ASSIGN_OR_RETURN(std::uint64_t stored_sum, ParseNumber(h + 148, 8));
    if (stored_sum != sum)
      return Status::Corruption("tar: header checksum mismatch at offset " + std::to_string(pos) +
                                " (not a tar archive?)");
    ASSIGN_OR_RETURN(std::uint64_t size, ParseNumber(h + 124, 12));
    const std::size_t data_at = pos + kBlock;
    if (size > tar.size() - data_at)
      return Status::Corruption("tar: the entry at offset " + std::to_string(pos) +
                                " is truncated");
    const std::string_view data = tar.substr(data_at, size);
    pos = data_at + (size + kBlock - 1) / kBlock * kBlock;
    const char type = h[156];
    if (type == 'L') {  // GNU long name for the next entry
      long_name = Field(data.data(), data.size());
      continue;
    }
    if (type == 'x') {  // pax header for the next entry
      long_name = PaxPath(data);
      continue;
    }
    std::string name = Field(h, 100);
    const std::string magic = Field(h + 257, 6);
    if (magic == "ustar") {
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
    if (name.empty())
      continue;
    out.push_back({std::move(name), std::string(data)});
  }
  if (pos == 0)
    return Status::Corruption("not a tar.gz archive (no complete tar header)");
  return out;  // tolerate a missing end-of-archive marker, as GNU tar does
}

}  // namespace kiln
