// LabelTable: the chunk-local dictionary of one CSV column: maps each distinct cell text to a dense
// code 0, 1, 2, ... in order of first appearance, and the empty cell to -1. Open addressing keyed
// by a word per text: the bytes themselves for texts of up to 8 bytes (no string compare at all:
// the common label "No" or "Steady"), a mix of the first and last 8 bytes checked against the
// stored text for longer ones. A lookup of a short label costs a word load, a multiply and a
// compare. Keys are views: texts in the file buffer, or in memory the caller keeps alive.
// Not thread-safe: one per column per chunk.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "table/internal/cell_classifier.h"
#include "table/internal/string_dictionary.h"

namespace kiln::table_internal {

class LabelTable {
 private:
  struct Slot;

 public:
  // Cells looked up with FindOrAdd / Find are views into `buffer`, which may be read up to 8 bytes
  // past a cell's end but never past its own end.
  explicit LabelTable(std::string_view buffer);

  // A snapshot of the table for tight loops: the fields a lookup needs, in locals the compiler
  // keeps in registers. Valid until the table changes (an add).
  class Probe {
   public:
    // The code of a cell of the buffer when it sits in its home slot (nearly always), else -2.
    // Always inlined: it is the body of the label loops.
    [[gnu::always_inline]] std::int32_t AtHome(RawCell cell) const {
      const std::size_t n = cell.size();
      const char* p = cell.data();
      if (buffer_end_ - p < 8) [[unlikely]]
        return -2;
      const std::uint64_t word = WordAt(p, n);
      const Slot& s = slots_[Home(word, n, shift_)];
      if (s.tagged_size == cell.tagged_size() && s.word == word &&
          (n <= 8 || BytesEqual(keys_[static_cast<std::size_t>(s.code)], cell.text()))) {
        return s.code;
      }
      return -2;
    }

   private:
    friend class LabelTable;
    const Slot* slots_;
    std::uint64_t shift_;
    const char* buffer_end_;
    const std::string_view* keys_;
  };
  Probe probe() const {
    Probe p;
    p.slots_ = slots_.data();
    p.shift_ = shift_;
    p.buffer_end_ = buffer_end_;
    p.keys_ = keys_.data();
    return p;
  }

  // The code of an unescaped cell of the buffer, adding it when new; -1 for the empty cell.
  std::int32_t FindOrAdd(RawCell cell) {
    std::int32_t code = probe().AtHome(cell);
    return code != -2 ? code : FindOrAddSlow(cell);
  }
  // The code of a cell of the buffer, or -2 when absent (escaped cells are always absent).
  std::int32_t Find(RawCell cell) const {
    std::int32_t code = probe().AtHome(cell);
    return code != -2 ? code : FindFrom(cell.text(), cell.tagged_size(), BufferWord(cell));
  }
  // The same for a text anywhere in memory (an unescaped value): -2 when absent.
  std::int32_t FindText(std::string_view text) const {
    return FindFrom(text, text.size(), TextWord(text));
  }
  // Adds a non-empty text known to be absent; it must outlive the table. Returns its code.
  std::int32_t AddText(std::string_view text);

  std::size_t size() const { return keys_.size(); }
  std::string_view key(std::size_t code) const { return keys_[code]; }

 private:
  struct Slot {
    std::uint64_t word = 0;
    std::size_t tagged_size = kEmpty;  // RawCell::tagged_size() of the key; kEmpty: a free slot
    std::int32_t code = -1;
  };
  static constexpr std::size_t kEmpty = ~std::size_t{0};  // matches no cell

  // The key word of n bytes at p: the bytes zero-extended when n <= 8, else a mix of the first and
  // last 8. WordAt reads 8 bytes from p (and from p + n - 8): for texts inside the buffer at least
  // 8 bytes before its end. TextWord reads only the text.
  static std::uint64_t WordAt(const char* p, std::size_t n) {
    std::uint64_t head, tail;
    std::memcpy(&head, p, 8);
    std::memcpy(&tail, n >= 8 ? p + n - 8 : p, 8);
    const std::uint64_t short_word = head & kLowBytes[n < 8 ? n : 8];
    return n <= 8 ? short_word : LongWord(head, tail);
  }
  static std::uint64_t TextWord(std::string_view text) {
    const std::size_t n = text.size();
    std::uint64_t w = 0;
    if (n <= 8) {
      std::memcpy(&w, text.data(), n);
      return w;
    }
    std::uint64_t tail;
    std::memcpy(&w, text.data(), 8);
    std::memcpy(&tail, text.data() + n - 8, 8);
    return LongWord(w, tail);
  }
  std::uint64_t BufferWord(RawCell cell) const {
    return buffer_end_ - cell.data() >= 8 ? WordAt(cell.data(), cell.size())
                                          : TextWord(cell.text());
  }
  static std::uint64_t LongWord(std::uint64_t head, std::uint64_t tail) {
    return head ^ (tail << 29 | tail >> 35);
  }
  static constexpr std::uint64_t kLowBytes[9] = {0,
                                                 0xFF,
                                                 0xFFFF,
                                                 0xFFFFFF,
                                                 0xFFFFFFFF,
                                                 0xFFFFFFFFFF,
                                                 0xFFFFFFFFFFFF,
                                                 0xFFFFFFFFFFFFFF,
                                                 ~std::uint64_t{0}};

  static std::size_t Home(std::uint64_t word, std::size_t n, std::uint64_t shift) {
    return static_cast<std::size_t>(((word ^ n) * 0x9E3779B97F4A7C15ULL) >> shift);
  }
  std::size_t Home(std::uint64_t word, std::size_t n) const { return Home(word, n, shift_); }
  // Whether slot s holds `text` (with that tagged size and word).
  bool Holds(const Slot& s, std::string_view text, std::size_t tagged_size,
             std::uint64_t word) const {
    return s.tagged_size == tagged_size && s.word == word &&
           (text.size() <= 8 || BytesEqual(keys_[static_cast<std::size_t>(s.code)], text));
  }
  std::int32_t FindFrom(std::string_view text, std::size_t tagged_size, std::uint64_t word) const;
  // FindOrAdd past the home slot (an unescaped cell).
  std::int32_t FindOrAddSlow(RawCell cell);
  void Insert(std::string_view text, std::uint64_t word, std::size_t i);
  void Grow();

  const char* buffer_end_;
  std::vector<Slot> slots_;  // a power of two, at least 64, at most half full
  std::uint64_t shift_;      // 64 - log2(slots_.size()); not a 32-bit type, which int32 stores
                             // of codes could alias
  std::vector<std::string_view> keys_;
};

}  // namespace kiln::table_internal
