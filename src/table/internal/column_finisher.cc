#include "table/internal/column_finisher.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

namespace kiln::table_internal {
namespace {

inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Merges chunk dictionaries into the column's levels and rewrites codes.
void MergeDictionaries(const std::vector<const ColumnWriter*>& writers,
                       const std::vector<std::size_t>& chunk_row_begin, Column* column) {
  StringDictionary global;
  std::vector<std::int32_t> remap;
  for (std::size_t k = 0; k < writers.size(); ++k) {
    const StringDictionary& local = writers[k]->dictionary();
    remap.resize(local.size());
    bool identity = true;
    for (std::size_t i = 0; i < local.size(); ++i) {
      std::int32_t code = global.FindOrAdd(local.key(i));
      remap[i] = code;
      identity = identity && code == static_cast<std::int32_t>(i);
    }
    if (identity)
      continue;
    std::size_t begin = chunk_row_begin[k];
    std::size_t end =
        k + 1 < chunk_row_begin.size() ? chunk_row_begin[k + 1] : column->codes.size();
    std::int32_t* codes = column->codes.data();
    for (std::size_t r = begin; r < end; ++r) {
      if (codes[r] >= 0)
        codes[r] = remap[static_cast<std::size_t>(codes[r])];
    }
  }
  column->levels.reserve(global.size());
  for (std::size_t i = 0; i < global.size(); ++i)
    column->levels.emplace_back(global.key(i));
}

// Mean number of whitespace-separated words per non-missing cell.
double MeanWords(const Column& column, std::size_t present) {
  if (present == 0)
    return 0;
  std::vector<std::uint32_t> words(column.levels.size());
  for (std::size_t i = 0; i < words.size(); ++i) {
    words[i] = static_cast<std::uint32_t>(CountWords(column.levels[i]));
  }
  double total = 0;
  for (std::int32_t code : column.codes) {
    if (code >= 0)
      total += words[static_cast<std::size_t>(code)];
  }
  return total / static_cast<double>(present);
}

// Distinct non-NaN values, knowing their range and whether all are whole.
std::size_t CountDistinctIn(const std::vector<double>& values, double lo, double hi,
                            bool integral) {
  // Integers in a narrow range: a bitmap.
  if (integral && hi - lo < 8.0 * static_cast<double>(values.size()) + 1024) {
    std::vector<bool> seen(static_cast<std::size_t>(hi - lo) + 1);
    std::size_t distinct = 0;
    for (double v : values) {
      if (std::isnan(v))
        continue;
      auto i = static_cast<std::size_t>(v - lo);
      if (!seen[i]) {
        seen[i] = true;
        ++distinct;
      }
    }
    return distinct;
  }
  std::size_t capacity = 16;
  while (capacity < values.size() * 2)
    capacity *= 2;
  const std::size_t mask = capacity - 1;
  std::size_t distinct = 0;
  if (integral && hi - lo < 4294967295.0) {
    // Integers in a 32-bit range (ids, keys): offsets from lo + 1 in half the space; 0 is empty.
    std::vector<std::uint32_t> slots(capacity, 0);
    for (double v : values) {
      if (std::isnan(v))
        continue;
      auto key = static_cast<std::uint32_t>(v - lo) + 1;
      std::size_t i = static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> 32) & mask;
      while (slots[i] != 0 && slots[i] != key)
        i = (i + 1) & mask;
      if (slots[i] == 0) {
        slots[i] = key;
        ++distinct;
      }
    }
    return distinct;
  }
  // Open addressing over bit patterns; 0 marks an empty slot, so +0.0 is counted apart.
  std::vector<std::uint64_t> slots(capacity, 0);
  bool saw_zero = false;
  for (double v : values) {
    if (std::isnan(v))
      continue;
    if (v == 0) {
      saw_zero = true;
      continue;
    }
    std::uint64_t bits = std::bit_cast<std::uint64_t>(v);
    std::uint64_t h = bits * 0x9E3779B97F4A7C15ULL;
    std::size_t i = static_cast<std::size_t>(h >> 32) & mask;
    while (slots[i] != 0 && slots[i] != bits)
      i = (i + 1) & mask;
    if (slots[i] == 0) {
      slots[i] = bits;
      ++distinct;
    }
  }
  return distinct + (saw_zero ? 1 : 0);
}

}  // namespace

std::size_t CountWords(std::string_view s) {
  std::size_t words = 0;
  bool in_word = false;
  for (char c : s) {
    bool space = IsSpace(c);
    if (!space && !in_word)
      ++words;
    in_word = !space;
  }
  return words;
}

std::size_t CountDistinctValues(const std::vector<double>& values, const ValueStats* stats) {
  if (stats != nullptr) {
    if (stats->empty())
      return 0;
    if (stats->small())
      return stats->small_distinct();
    return CountDistinctIn(values, stats->lo(), stats->hi(), stats->integral());
  }
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  bool integral = true;
  for (double v : values) {
    if (std::isnan(v))
      continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    integral = integral && v == std::floor(v);
  }
  if (lo > hi)
    return 0;
  return CountDistinctIn(values, lo, hi, integral);
}

void AllocateColumn(const ColumnSetup& setup, const ColumnPlan& plan, std::size_t num_rows,
                    Column* column) {
  column->name = setup.name;
  column->type = plan.type;
  column->type_reason = plan.reason;
  if (IsNumberLike(plan.type))
    column->values.resize(num_rows);
  if (plan.dictionary)
    column->codes.resize(num_rows);
}

void FinishColumn(const ColumnSetup& setup, const ColumnPlan& plan, const ColumnProfile& profile,
                  const std::vector<const ColumnWriter*>& writers,
                  const std::vector<std::size_t>& chunk_row_begin, Column* column) {
  if (plan.dictionary)
    MergeDictionaries(writers, chunk_row_begin, column);
  ApplyColumnRules(setup, plan, profile, column);
}

void ApplyColumnRules(const ColumnSetup& setup, const ColumnPlan& plan,
                      const ColumnProfile& profile, Column* column, const ValueStats* stats) {
  column->missing = profile.missing();
  std::size_t present = profile.present();
  column->distinct =
      IsNumberLike(plan.type) ? CountDistinctValues(column->values, stats) : column->levels.size();
  // Text needs many distinct values, so the word count is only taken when that holds.
  double mean_words = 0;
  if (plan.type == ColumnType::kCategorical && !setup.forced &&
      LooksLikeText(kTextMinMeanWords, column->distinct, present) &&
      LooksLikeText(mean_words = MeanWords(*column, present), column->distinct, present)) {
    column->type = ColumnType::kText;
    char buf[160];
    std::snprintf(buf, sizeof(buf),
                  "free text: %.1f words per value on average, %zu distinct values", mean_words,
                  column->distinct);
    column->type_reason = buf;
  }
  ApplyIdRules(setup, present, column);
}

}  // namespace kiln::table_internal
