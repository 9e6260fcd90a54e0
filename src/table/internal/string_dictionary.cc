#include "table/internal/string_dictionary.h"

#include <cstring>

namespace kiln::table_internal {
namespace {

constexpr std::uint64_t kMul = 0x9E3779B97F4A7C15ULL;

inline std::uint64_t Mix(std::uint64_t h) {
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ULL;
  h ^= h >> 32;
  return h;
}

}  // namespace

std::uint64_t HashBytes(std::string_view s) {
  const char* p = s.data();
  std::size_t n = s.size();
  std::uint64_t h = (n + 1) * kMul;
  if (n <= 8)
    return Mix((h ^ PackShort(p, n)) * kMul);
  if (n <= 16)
    return Mix(((h ^ Load8(p)) * kMul ^ Load8(p + n - 8)) * kMul);
  while (n >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * kMul;
    h ^= h >> 31;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    h = (h ^ PackShort(p, n)) * kMul;
  }
  return Mix(h);
}

StringDictionary::StringDictionary() : slots_(16, Slot{0, -1}) {}

std::size_t StringDictionary::Probe(std::string_view key, std::uint32_t hash) const {
  std::size_t mask = slots_.size() - 1;
  std::size_t i = hash & mask;
  while (true) {
    const Slot& slot = slots_[i];
    if (slot.code < 0)
      return i;
    if (slot.hash == hash && BytesEqual(keys_[static_cast<std::size_t>(slot.code)], key))
      return i;
    i = (i + 1) & mask;
  }
}

std::int32_t StringDictionary::Find(std::string_view key) const {
  return slots_[Probe(key, static_cast<std::uint32_t>(HashBytes(key)))].code;
}

std::int32_t StringDictionary::FindOrAdd(std::string_view key) {
  auto hash = static_cast<std::uint32_t>(HashBytes(key));
  std::size_t i = Probe(key, hash);
  std::int32_t code = slots_[i].code;
  if (code >= 0)
    return code;
  code = static_cast<std::int32_t>(keys_.size());
  slots_[i] = Slot{hash, code};
  keys_.push_back(key);
  if (keys_.size() * 2 > slots_.size())
    Grow();
  return code;
}

std::int32_t StringDictionary::Add(std::string_view key) {
  auto hash = static_cast<std::uint32_t>(HashBytes(key));
  std::size_t i = Probe(key, hash);
  auto code = static_cast<std::int32_t>(keys_.size());
  slots_[i] = Slot{hash, code};
  keys_.push_back(key);
  if (keys_.size() * 2 > slots_.size())
    Grow();
  return code;
}

void StringDictionary::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{0, -1});
  std::size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.code < 0)
      continue;
    std::size_t i = s.hash & mask;
    while (slots_[i].code >= 0)
      i = (i + 1) & mask;
    slots_[i] = s;
  }
}

}  // namespace kiln::table_internal
