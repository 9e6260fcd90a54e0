// LevelTable: building the table; see the header.
#include "features/internal/level_table.h"

#include <functional>

namespace kiln::features_internal {

std::uint64_t LevelTable::Hash(std::string_view text) {
  // std::hash's murmur-style byte hash, spread over 64 bits: the slot from the low bits, the tag
  // from the high ones.
  const std::uint64_t h = std::hash<std::string_view>{}(text);
  return (h ^ (h >> 29)) * 0xbf58476d1ce4e5b9ULL;
}

LevelTable::LevelTable(const std::vector<std::string>& levels) {
  std::size_t capacity = 2;
  while (capacity < 2 * levels.size())
    capacity *= 2;
  slots_.resize(capacity);
  mask_ = capacity - 1;
  begin_.push_back(0);
  for (std::size_t i = 0; i < levels.size(); ++i) {
    text_ += levels[i];
    begin_.push_back(text_.size());
    if (Find(levels[i]) >= 0)
      continue;  // listed before: the first index wins
    const std::uint64_t h = Hash(levels[i]);
    std::size_t at = h & mask_;
    while (slots_[at].index >= 0)
      at = (at + 1) & mask_;
    slots_[at] = {static_cast<std::uint32_t>(h >> 32), static_cast<std::int32_t>(i)};
  }
}

}  // namespace kiln::features_internal
