// StringDictionary: maps distinct strings to dense codes 0, 1, 2, ... in order of first insertion.
// Keys are views: the caller keeps the bytes alive (the file buffer or an arena). Open addressing
// with a byte-wise hash, no allocation per lookup. Not thread-safe: each parser chunk owns its own
// dictionaries; they are merged in file order.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace kiln::table_internal {

class StringDictionary {
 public:
  StringDictionary();

  // The key's code, adding it (with the next code) when absent.
  std::int32_t FindOrAdd(std::string_view key);
  // The key's code, or -1.
  std::int32_t Find(std::string_view key) const;
  // Adds a key known to be absent; returns its code.
  std::int32_t Add(std::string_view key);

  std::size_t size() const { return keys_.size(); }
  std::string_view key(std::size_t code) const { return keys_[code]; }

 private:
  struct Slot {
    std::uint32_t hash;
    std::int32_t code;  // -1 = empty
  };
  void Grow();
  std::size_t Probe(std::string_view key, std::uint32_t hash) const;

  std::vector<Slot> slots_;  // size is a power of two, at most half full
  std::vector<std::string_view> keys_;
};

// The n <= 8 bytes at p packed into one word, reading only inside [p, p + n); distinct texts of one
// length give distinct words (overlapping 4-byte reads for n >= 4, first/middle/last byte below).
inline std::uint64_t PackShort(const char* p, std::size_t n) {
  if (n >= 4) {
    std::uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    return lo | static_cast<std::uint64_t>(hi) << 32;
  }
  if (n == 0)
    return 0;
  return static_cast<unsigned char>(p[0]) | static_cast<unsigned char>(p[n / 2]) << 8 |
         static_cast<unsigned char>(p[n - 1]) << 16;
}

inline std::uint64_t Load8(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Equality tuned for short keys: word compares instead of a memcmp call.
inline bool BytesEqual(std::string_view a, std::string_view b) {
  std::size_t n = a.size();
  if (n != b.size())
    return false;
  if (n <= 8)
    return PackShort(a.data(), n) == PackShort(b.data(), n);
  if (n <= 16) {
    return Load8(a.data()) == Load8(b.data()) && Load8(a.data() + n - 8) == Load8(b.data() + n - 8);
  }
  return std::memcmp(a.data(), b.data(), n) == 0;
}

// A fast 64-bit hash of bytes (not cryptographic).
std::uint64_t HashBytes(std::string_view s);

}  // namespace kiln::table_internal
