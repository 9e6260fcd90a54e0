// ChunkColumn: one column of one CSV chunk in the reader's single pass. It profiles every cell for
// type inference (ColumnProfile) and at the same time materializes the values in the storage the
// evidence so far suggests: doubles while every value is a number (or date), chunk-local dictionary
// codes once it is categorical or while it is boolean (a boolean column has few spellings, and
// "No" columns often turn categorical late). The guess is only a storage choice; the type is
// decided later from the merged profiles of all chunks, and a chunk whose storage does not provide
// what the plan needs (Provides() false) is re-read for that column in fixed mode. Values are what
// ColumnWriter would write for the planned type, so the Table does not depend on the chunking.
// Not thread-safe: one ChunkColumn per chunk per column.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "table/internal/cell_classifier.h"
#include "table/internal/column_profile.h"
#include "table/internal/column_setup.h"
#include "table/internal/na_matcher.h"
#include "table/internal/string_dictionary.h"
#include "table/internal/type_inference.h"

namespace kiln::table_internal {

class ChunkColumn {
 public:
  // Speculative storage, profiling on. A schema-forced column stores its forced type from the
  // start. `max_rows` bounds the chunk's rows (capacity is reserved once). `na` must outlive this.
  ChunkColumn(const ColumnSetup& setup, const NaMatcher& na, std::size_t max_rows);

  // The column is known to be categorical (its first rows in the file hold a non-number label):
  // store codes from the first row.
  void HintCategorical();
  // Fixed storage for `plan`, profiling off: used to re-read a chunk whose guess was wrong.
  void FixTo(const ColumnPlan& plan);
  // Values / codes go to these arrays (room for max_rows each; either may be null) instead of
  // local vectors: the column's final arrays at the chunk's offset, so no copy is needed later.
  void SetOutput(double* values, std::int32_t* codes) {
    ext_values_ = values;
    ext_codes_ = codes;
  }

  // Profiles and stores cells[0..n) (lines[i] is cell i's line). Returns the index of the first
  // cell that does not fit a schema-forced type (nothing is stored then), or n.
  std::size_t AddBatch(const RawCell* cells, const std::uint64_t* lines, std::size_t n);

  // Whether the stored values / codes are what `plan` needs for this chunk's rows.
  bool Provides(const ColumnPlan& plan) const;

  const ColumnProfile& profile() const { return profile_; }
  std::size_t rows() const { return rows_; }
  // Stored values, one per row, in ParseNumber's reading (see negative_zero()); null when the
  // chunk's cells are all missing or are not stored as values.
  const double* values() const;
  bool values_external() const { return values() != nullptr && ext_values_ != nullptr; }
  // Chunk-local codes, one per row, or null; and their dictionary.
  const std::int32_t* codes() const;
  bool codes_external() const { return codes() != nullptr && ext_codes_ != nullptr; }
  const StringDictionary& dictionary() const { return dictionary_; }
  // Frees local storage (after it was copied out).
  void ReleaseLocal() {
    values_ = {};
    codes_ = {};
  }
  // Boolean storage is codes (few distinct spellings); values come from the levels.
  bool values_from_codes() const { return storage_ == Storage::kBoolean; }
  // A speculative number column read an integer "-0" as -0.0 (an integer column stores +0.0).
  bool negative_zero() const { return negative_zero_; }

 private:
  enum class Storage : std::uint8_t { kNone, kNumber, kBoolean, kDatetime, kCodes, kDeferred };
  static Storage StorageFor(ColumnType type);

  void Respeculate();
  double* ValuesUpTo(std::size_t rows);  // room for `rows` values
  std::int32_t* CodesUpTo(std::size_t rows);
  void StoreValues(const RawCell* cells, std::size_t n);
  void StoreCodes(const RawCell* cells, std::size_t n);
  double Number(RawCell cell);
  // A direct-mapped cache of recent labels in front of the dictionary: most label columns have a
  // handful of short values, and a hit costs two loads and a compare instead of a hash probe.
  std::int32_t Code(RawCell cell) {
    if (cell.escaped)
      return CodeSlow(cell);
    const char* p = cell.text.data();
    const std::size_t n = cell.text.size();
    std::uint64_t h = n <= 8 ? PackShort(p, n) : Load8(p) ^ (Load8(p + n - 8) >> 7);
    std::size_t slot = static_cast<std::size_t>(((h ^ n) * 0x9E3779B97F4A7C15ULL) >> 58);
    CacheEntry& e = cache_[slot];
    if (e.code >= 0 && BytesEqual(cell.text, std::string_view(e.data, e.size)))
      return e.code;
    std::int32_t code = dictionary_.FindOrAdd(cell.text);
    e = CacheEntry{p, static_cast<std::uint32_t>(n), code};
    return code;
  }
  std::int32_t CodeSlow(RawCell cell);

  const NaMatcher* na_;
  ColumnProfile profile_;
  bool profiling_ = true;
  bool fixed_ = false;              // storage never changes
  bool speculative_codes_ = false;  // id/code-named: codes kept while few distinct integers
  bool keep_codes_ = false;         // codes_ has a code for every row so far (always for kBoolean)
  bool negative_zero_ = false;
  Storage storage_ = Storage::kNone;               // kNone: no value yet (all missing)
  ColumnType number_type_ = ColumnType::kNumeric;  // how kNumber reads integers
  std::size_t rows_ = 0;
  std::size_t max_rows_ = 0;
  double* ext_values_ = nullptr;
  std::int32_t* ext_codes_ = nullptr;
  std::vector<double> values_;  // local storage when there is no external array
  std::vector<std::int32_t> codes_;
  StringDictionary dictionary_;
  std::deque<std::string> arena_;  // unescaped keys (stable addresses)
  std::string scratch_;
  struct CacheEntry {
    const char* data = nullptr;
    std::uint32_t size = 0;
    std::int32_t code = -1;  // -1: empty
  };
  std::array<CacheEntry, 64> cache_{};
};

}  // namespace kiln::table_internal
