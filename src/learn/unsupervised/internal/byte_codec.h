// Little-endian byte writing and bounds-checked reading for the unsupervised model formats.
// Private to learn/unsupervised.
//
// Thread-safety: a ByteWriter / ByteReader belongs to one thread.
#pragma once

#include <bit>
#include <cstdint>
#include <string>
#include <string_view>

namespace kiln::unsupervised_internal {

class ByteWriter {
 public:
  void Bytes(std::string_view b) { out_.append(b); }
  void U8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void U32(std::uint32_t v) { Le(v, 4); }
  void F64(double d) { Le(std::bit_cast<std::uint64_t>(d), 8); }
  std::string Take() { return std::move(out_); }

 private:
  void Le(std::uint64_t v, int size) {
    for (int i = 0; i < size; ++i)
      out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  std::string out_;
};

// Reads fields in order; a read past the end sets failed() and yields zeros.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}
  std::string_view Bytes(std::size_t n) {
    if (!Has(n))
      return {};
    std::string_view s = bytes_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  std::uint8_t U8() { return static_cast<std::uint8_t>(Le(1)); }
  std::uint32_t U32() { return static_cast<std::uint32_t>(Le(4)); }
  double F64() { return std::bit_cast<double>(Le(8)); }
  bool failed() const { return failed_; }
  std::size_t remaining() const { return bytes_.size() - pos_; }

 private:
  bool Has(std::size_t n) {
    if (failed_ || bytes_.size() - pos_ < n)
      failed_ = true;
    return !failed_;
  }
  std::uint64_t Le(int size) {
    if (!Has(static_cast<std::size_t>(size)))
      return 0;
    std::uint64_t v = 0;
    for (int i = 0; i < size; ++i)
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes_[pos_ + i])) << (8 * i);
    pos_ += static_cast<std::size_t>(size);
    return v;
  }
  std::string_view bytes_;
  std::size_t pos_ = 0;
  bool failed_ = false;
};

}  // namespace kiln::unsupervised_internal
