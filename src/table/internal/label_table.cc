#include "table/internal/label_table.h"

namespace kiln::table_internal {

LabelTable::LabelTable(std::string_view buffer)
    : buffer_end_(buffer.data() + buffer.size()), slots_(64), shift_(58) {
  slots_[Home(0, 0)] = Slot{0, 0, -1};  // the empty cell
}

std::int32_t LabelTable::FindFrom(std::string_view text, std::size_t tagged_size,
                                  std::uint64_t word) const {
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = Home(word, text.size());; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (Holds(s, text, tagged_size, word))
      return s.code;
    if (s.tagged_size == kEmpty)
      return -2;
  }
}

std::int32_t LabelTable::FindOrAddSlow(RawCell cell) {
  const std::string_view text = cell.text();
  const std::uint64_t word = BufferWord(cell);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = Home(word, text.size());; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.tagged_size == kEmpty) {
      auto code = static_cast<std::int32_t>(keys_.size());
      Insert(text, word, i);
      return code;
    }
    if (Holds(s, text, cell.tagged_size(), word))
      return s.code;
  }
}

std::int32_t LabelTable::AddText(std::string_view text) {
  const std::uint64_t word = TextWord(text);
  const std::size_t mask = slots_.size() - 1;
  std::size_t i = Home(word, text.size());
  while (slots_[i].tagged_size != kEmpty)
    i = (i + 1) & mask;
  auto code = static_cast<std::int32_t>(keys_.size());
  Insert(text, word, i);
  return code;
}

void LabelTable::Insert(std::string_view text, std::uint64_t word, std::size_t i) {
  slots_[i] = Slot{word, text.size(), static_cast<std::int32_t>(keys_.size())};
  keys_.push_back(text);
  // At most a quarter full while small (a label away from its home slot costs a probe on every
  // lookup), half full beyond.
  const std::size_t used = keys_.size() + 1;
  if (used * (slots_.size() <= 256 ? 4 : 2) > slots_.size())
    Grow();
}

void LabelTable::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{});
  --shift_;
  const std::size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.tagged_size == kEmpty)
      continue;
    std::size_t i = Home(s.word, s.tagged_size);
    while (slots_[i].tagged_size != kEmpty)
      i = (i + 1) & mask;
    slots_[i] = s;
  }
}

}  // namespace kiln::table_internal
