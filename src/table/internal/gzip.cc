#include "table/internal/gzip.h"

#include <zlib.h>

#include <algorithm>
#include <climits>

namespace kiln::table_internal {

bool IsGzip(std::string_view data) {
  return data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
         static_cast<unsigned char>(data[1]) == 0x8b;
}

Result<std::string> Gunzip(std::string_view data, std::string_view display_name) {
  auto fail = [&](const std::string& what) {
    return Status::InvalidArgument(std::string(display_name) + ": gzip data is " + what);
  };
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK)
    return fail("unreadable (zlib init failed)");
  std::string out;
  out.resize(std::max<std::size_t>(data.size() * 4, 1 << 16));
  std::size_t produced = 0;
  const auto* in = reinterpret_cast<const Bytef*>(data.data());
  std::size_t consumed = 0;
  int rc = Z_OK;
  while (true) {
    if (produced == out.size())
      out.resize(out.size() * 2);
    zs.next_in = const_cast<Bytef*>(in + consumed);
    zs.avail_in = static_cast<uInt>(std::min<std::size_t>(data.size() - consumed, UINT_MAX));
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    zs.avail_out = static_cast<uInt>(std::min<std::size_t>(out.size() - produced, UINT_MAX));
    uInt avail_in_before = zs.avail_in;
    uInt avail_out_before = zs.avail_out;
    rc = inflate(&zs, Z_NO_FLUSH);
    consumed += avail_in_before - zs.avail_in;
    produced += avail_out_before - zs.avail_out;
    if (rc == Z_STREAM_END) {
      // Another member may follow; anything that is not one ends the data (trailing zero padding).
      if (IsGzip(data.substr(consumed))) {
        inflateReset(&zs);
        continue;
      }
      break;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      std::string msg = zs.msg ? zs.msg : "inflate failed";
      inflateEnd(&zs);
      return fail("corrupt (zlib: " + msg + ")");
    }
    if (consumed == data.size() && produced < out.size()) {
      inflateEnd(&zs);
      return fail("truncated (the file ends inside the compressed stream)");
    }
  }
  inflateEnd(&zs);
  out.resize(produced);
  return out;
}

}  // namespace kiln::table_internal
