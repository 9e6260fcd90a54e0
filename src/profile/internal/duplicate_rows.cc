#include "profile/internal/duplicate_rows.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace kiln::profile_internal {
namespace {

// A cell as 64 bits: the value's bit pattern (one pattern for every NaN, +0 for -0) or the code.
inline std::uint64_t CellKey(const Column& c, std::size_t row) {
  if (IsNumberLike(c.type)) {
    double v = c.values[row];
    if (std::isnan(v))
      return 0x7ff8000000000001ULL;
    if (v == 0)
      v = 0;
    return std::bit_cast<std::uint64_t>(v);
  }
  return static_cast<std::uint64_t>(static_cast<std::int64_t>(c.codes[row]));
}

inline std::uint64_t Mix(std::uint64_t x) {  // splitmix64 finalizer
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

bool RowsEqual(const Table& t, std::size_t a, std::size_t b) {
  for (const Column& c : t.columns) {
    if (CellKey(c, a) != CellKey(c, b))
      return false;
  }
  return true;
}

}  // namespace

std::size_t CountDuplicateRows(const Table& table) {
  const std::size_t rows = table.num_rows;
  if (rows < 2 || table.columns.empty())
    return 0;
  std::vector<std::uint64_t> hash(rows, 0x243F6A8885A308D3ULL);
  for (const Column& c : table.columns) {  // column-major: sequential reads
    for (std::size_t r = 0; r < rows; ++r)
      hash[r] = Mix(hash[r] ^ CellKey(c, r));
  }
  std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed(rows);
  for (std::size_t r = 0; r < rows; ++r)
    keyed[r] = {hash[r], static_cast<std::uint32_t>(r)};
  std::sort(keyed.begin(), keyed.end());
  std::size_t duplicates = 0;
  std::vector<std::size_t> distinct_rows;
  for (std::size_t i = 0; i < rows;) {
    std::size_t j = i + 1;
    while (j < rows && keyed[j].first == keyed[i].first)
      ++j;
    if (j - i > 1) {  // equal hashes: compare exactly, in case of a collision
      distinct_rows.clear();
      for (std::size_t k = i; k < j; ++k) {
        std::size_t row = keyed[k].second;
        bool seen = std::any_of(distinct_rows.begin(), distinct_rows.end(),
                                [&](std::size_t d) { return RowsEqual(table, d, row); });
        if (seen) {
          ++duplicates;
        } else {
          distinct_rows.push_back(row);
        }
      }
    }
    i = j;
  }
  return duplicates;
}

}  // namespace kiln::profile_internal
