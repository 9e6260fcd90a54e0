// GzipForTest: gzip-compresses bytes in memory (one member, as `gzip` writes), for the transform
// tests' CompressionType Gzip inputs. Test-only; a pure function.
#pragma once

#include <zlib.h>

#include <string>
#include <string_view>

namespace kiln::transform_testing {

inline std::string GzipForTest(std::string_view data) {
  z_stream z{};
  deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

}  // namespace kiln::transform_testing
