// LevelTable: an immutable open-addressing hash table from level strings (a fitted encoder's
// levels) to their index, looked up by string_view without allocating: the compiled pipeline's
// replacement for LevelIndex (an unordered_map<std::string, int>, which a Table's per-column
// dictionary maps once per Transform but a single request row would have to build a string for).
// The strings are stored once, back to back; each slot holds 32 bits of the hash and the index,
// so a lookup compares bytes only on a hash match. A level listed twice maps to its first index,
// as BuildLevelIndex does. Thread-safe: immutable after construction. Private to src/features.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kiln::features_internal {

class LevelTable {
 public:
  LevelTable() = default;
  explicit LevelTable(const std::vector<std::string>& levels);

  // The index of `text` in the levels, or -1.
  int Find(std::string_view text) const {
    if (slots_.empty())
      return -1;
    const std::uint64_t h = Hash(text);
    const auto tag = static_cast<std::uint32_t>(h >> 32);
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.index < 0)
        return -1;
      if (s.tag == tag && Level(s.index) == text)
        return s.index;
    }
  }

 private:
  struct Slot {
    std::uint32_t tag = 0;
    std::int32_t index = -1;  // -1: empty
  };

  static std::uint64_t Hash(std::string_view text);
  std::string_view Level(std::int32_t i) const {
    return std::string_view(text_).substr(begin_[i], begin_[i + 1] - begin_[i]);
  }

  std::vector<Slot> slots_;         // a power of two, at most half full
  std::size_t mask_ = 0;            // slots_.size() - 1
  std::string text_;                // the levels back to back
  std::vector<std::size_t> begin_;  // level i is text_[begin_[i], begin_[i + 1])
};

}  // namespace kiln::features_internal
