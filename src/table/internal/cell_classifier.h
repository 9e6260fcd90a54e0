// Cell classification for type inference: which column types one cell's text could belong to.
// Also the RawCell view shared by the CSV and JSON Lines readers. Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kiln::table_internal {

// A cell as found in the input: a view into the file buffer. `escaped()` is set for a quoted CSV
// field that still holds doubled quotes ("" for "); such text is never a number, boolean or date.
// 16 bytes (the flag is the top bit of the size): the tokenizer writes one per cell.
class RawCell {
 public:
  RawCell() = default;
  explicit RawCell(std::string_view text, bool escaped = false)
      : data_(text.data()), tagged_size_(text.size() | (escaped ? kEscapedBit : 0)) {}

  std::string_view text() const { return std::string_view(data_, size()); }
  const char* data() const { return data_; }
  std::size_t size() const { return tagged_size_ & ~kEscapedBit; }
  bool escaped() const { return (tagged_size_ & kEscapedBit) != 0; }
  // The size with the escaped flag: equal for two cells only when both size and flag are.
  std::size_t tagged_size() const { return tagged_size_; }

 private:
  static constexpr std::size_t kEscapedBit = std::size_t{1} << 63;
  const char* data_ = nullptr;
  std::size_t tagged_size_ = 0;
};

// The cell's value with doubled quotes collapsed when escaped.
std::string UnescapeCell(RawCell cell);
void UnescapeCellTo(RawCell cell, std::string* out);

// Bits of ClassifyCell's result: the cell can be read as ...
enum CellKind : std::uint8_t {
  kCanInteger = 1,   // ParseInteger
  kCanNumber = 2,    // ParseNumber (integers included)
  kCanBoolean = 4,   // ParseBoolean
  kCanDatetime = 8,  // ParseDatetime
};
inline constexpr std::uint8_t kAllKinds = 15;

// true/false/yes/no in any case; yes = true.
bool ParseBoolean(std::string_view s, bool* out);

// The kinds among `wanted` that the non-empty text `s` can be read as (bits outside `wanted` may
// also be set). When kCanInteger is returned, *int_value holds the integer.
std::uint8_t ClassifyCell(std::string_view s, std::uint8_t wanted, std::int64_t* int_value);

}  // namespace kiln::table_internal
