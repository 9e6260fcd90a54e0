// ChunkColumn: one column of one CSV chunk in the reader's single pass. It profiles every cell for
// type inference (ColumnProfile) and at the same time materializes the values in the storage the
// evidence so far suggests: doubles while every value is a number (or date), chunk-local dictionary
// codes once it is categorical or while it is boolean (a boolean column has few spellings, and
// "No" columns often turn categorical late). The guess is only a storage choice; the type is
// decided later from the merged profiles of all chunks, and a chunk whose storage does not provide
// what the plan needs (Provides() false) is re-read for that column in fixed mode. Values are what
// ColumnWriter would write for the planned type, so the Table does not depend on the chunking.
// Most batches take a fast path: one loop that stores and only counts cells which cannot change the
// profile (a label once the column is categorical, an integer in an integer column, a label seen
// before), falling back to profile-then-store at the first other cell.
// Not thread-safe: one ChunkColumn per chunk per column.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "table/internal/cell_classifier.h"
#include "table/internal/column_profile.h"
#include "table/internal/column_setup.h"
#include "table/internal/label_table.h"
#include "table/internal/na_matcher.h"
#include "table/internal/type_inference.h"
#include "table/internal/value_stats.h"

namespace kiln::table_internal {

class ChunkColumn {
 public:
  // Speculative storage, profiling on. A schema-forced column stores its forced type from the
  // start. `max_rows` bounds the chunk's rows (capacity is reserved once). Cells handed to AddBatch
  // are views into `buffer` (which may be read a word past a cell's end, never past its own end).
  // `na` and the buffer must outlive this.
  ChunkColumn(const ColumnSetup& setup, const NaMatcher& na, std::size_t max_rows,
              std::string_view buffer);

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
  // Chunk-local codes, one per row, or null; and their labels.
  const std::int32_t* codes() const;
  bool codes_external() const { return codes() != nullptr && ext_codes_ != nullptr; }
  const LabelTable& labels() const { return labels_; }
  // Frees local storage (after it was copied out).
  void ReleaseLocal() {
    values_ = {};
    codes_ = {};
  }
  // A speculative number column read an integer "-0" as -0.0 (an integer column stores +0.0).
  bool negative_zero() const { return negative_zero_; }
  // Range and small values of values(), for counting distinct values without reading them back.
  const ValueStats& value_stats() const { return stats_; }

 private:
  enum class Storage : std::uint8_t { kNone, kNumber, kBoolean, kDatetime, kCodes, kDeferred };
  static Storage StorageFor(ColumnType type);

  // The fast paths: cells that cannot change the profile beyond its counts (see AddCounts), stored
  // in one loop. Each returns how many leading cells it took; the rest go the general way.
  std::size_t AddNeutral(const RawCell* cells, std::size_t n);
  std::size_t AddLabels(const RawCell* cells, std::size_t n);  // categorical: every cell
  std::size_t AddNumbers(const RawCell* cells, std::size_t n, bool reals);
  std::size_t AddKnownLabels(const RawCell* cells, std::size_t n);  // texts already in the labels
  // Profile the whole batch, respeculate, then store.
  std::size_t AddGeneral(const RawCell* cells, const std::uint64_t* lines, std::size_t n);

  void Respeculate();
  double* ValuesUpTo(std::size_t rows);  // room for `rows` values
  std::int32_t* CodesUpTo(std::size_t rows);
  void StoreValues(const RawCell* cells, std::size_t n);
  void StoreCodes(const RawCell* cells, std::size_t n);
  double Number(RawCell cell);

  // The cell's code, adding it to the labels when new (-1 for the empty cell).
  std::int32_t Code(RawCell cell) {
    if (cell.escaped()) [[unlikely]]
      return CodeSlow(cell);
    return labels_.FindOrAdd(cell);
  }
  std::int32_t CodeSlow(RawCell cell);

  const NaMatcher* na_;
  std::string_view buffer_;
  const char* buffer_end_;
  ColumnProfile profile_;
  bool profiling_ = true;
  bool forced_ = false;             // the schema sets the type
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
  ValueStats stats_;            // of the stored values
  // With number storage and codes: the value of each label (by code) known so far.
  std::vector<double> code_values_;
  std::vector<std::int32_t> codes_;
  LabelTable labels_;
  std::deque<std::string> arena_;  // unescaped keys (stable addresses)
  std::string scratch_;
};

}  // namespace kiln::table_internal
