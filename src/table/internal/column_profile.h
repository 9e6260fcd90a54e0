// ColumnProfile: pass-1 state of type inference for one column over one chunk of rows: which types
// every value so far fits, the first value (and line) that ruled out each type, missing and present
// counts, and, for id/code-named columns, the distinct integers up to a small cap. Profiles of
// consecutive chunks merge in file order, so the result does not depend on the thread count.
// Not thread-safe: one profile per chunk per column.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "table/internal/cell_classifier.h"
#include "table/internal/column_setup.h"
#include "table/internal/na_matcher.h"
#include "table/internal/string_dictionary.h"

namespace kiln::table_internal {

// Distinct integer codes tracked for id/code-named columns; beyond this the column is not a code.
inline constexpr std::size_t kMaxCodeLevels = 100;

class ColumnProfile {
 public:
  static constexpr std::uint64_t kNoLine = std::numeric_limits<std::uint64_t>::max();

  struct Evidence {
    std::uint64_t line = kNoLine;  // chunk-relative until merged, then 1-based file line
    std::string value;             // shortened for messages
  };

  explicit ColumnProfile(const ColumnSetup& setup);

  void ObserveMissing() { ++missing_; }
  // Counts cells known to change nothing else: missing ones, and present ones whose text is of
  // every kind still possible (and, when tracking small integers, already seen).
  void AddCounts(std::size_t present, std::size_t missing) {
    present_ += present;
    missing_ += missing;
  }
  // Observes a non-missing cell found on `line`. Returns false when the column's type is forced by
  // the schema and the cell does not fit it (the caller reports ForcedTypeMismatch).
  bool Observe(RawCell cell, std::uint64_t line) {
    if (mask_ == 0 && !forced_) {  // already categorical: only counting
      ++present_;
      return true;
    }
    if (mask_ == (kCanInteger | kCanNumber) && !tracks_small() &&
        IsShortPlainInteger(cell.text())) {
      ++present_;  // still an integer column: nothing to record
      return true;
    }
    if (!forced_ && !cell.escaped() && BytesEqual(cell.text(), last_fit_)) {
      ++present_;  // the same text as a cell that changed nothing (runs of "No" are common)
      return true;
    }
    return ObserveSlow(cell, line);
  }

  // [-]?[0-9]{1,15}: certainly an exact integer (the common case of integer columns).
  static bool IsShortPlainInteger(std::string_view s) {
    std::size_t i = !s.empty() && s[0] == '-' ? 1 : 0;
    if (s.size() <= i || s.size() - i > 15)
      return false;
    for (; i < s.size(); ++i) {
      if (static_cast<unsigned char>(s[i] - '0') >= 10)
        return false;
    }
    return true;
  }
  // Observes cells[0..n) (lines[i] is cell i's line), missing ones included. Returns the index of
  // the first cell that does not fit a schema-forced type, or n.
  std::size_t ObserveBatch(const RawCell* cells, const std::uint64_t* lines, std::size_t n,
                           const NaMatcher& na) {
    if (mask_ == 0 && !forced_) {
      std::size_t missing = 0;
      for (std::size_t i = 0; i < n; ++i)
        missing += na.IsMissing(cells[i].text()) ? 1 : 0;
      missing_ += missing;
      present_ += n - missing;
      return n;
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (na.IsMissing(cells[i].text())) {
        ++missing_;
      } else if (!Observe(cells[i], lines[i])) {
        return i;
      }
    }
    return n;
  }
  // Appends the profile of the chunk that follows this one; its lines are shifted by `line_offset`.
  void Merge(const ColumnProfile& next, std::uint64_t line_offset);
  // Shifts the recorded lines by `line_offset` (for the first chunk).
  void ShiftLines(std::uint64_t line_offset);

  std::uint8_t kinds() const { return mask_; }
  std::size_t missing() const { return missing_; }
  std::size_t present() const { return present_; }
  // First value that is not of the kind with bit index `bit` (0 integer, 1 number, 2 boolean, 3
  // date).
  const Evidence& first_failure(int bit) const {
    return first_failure_[static_cast<std::size_t>(bit)];
  }
  // Distinct integers seen, or SIZE_MAX when more than kMaxCodeLevels (or not tracked).
  std::size_t small_distinct() const;
  // Whether integers are still being collected (an id/code-named column with few so far).
  bool tracks_small() const { return track_small_ && !small_overflow_; }

 private:
  bool ObserveSlow(RawCell cell, std::uint64_t line);
  void Fail(std::uint8_t bits, RawCell cell, std::uint64_t line);
  void AddSmall(std::int64_t v);

  bool forced_;
  ColumnType forced_type_;
  bool track_small_;
  std::uint8_t mask_ = kAllKinds;
  std::size_t missing_ = 0;
  std::size_t present_ = 0;
  std::array<Evidence, 4> first_failure_;
  bool small_overflow_ = false;
  std::size_t small_count_ = 0;            // small_bits_.count() + small_other_.size()
  std::bitset<1024> small_bits_;           // values 0..1023
  std::vector<std::int64_t> small_other_;  // other values
  // Text of the last classified cell: its kinds cover the mask, so an equal cell changes nothing.
  std::string_view last_fit_;
};

// `column "age": "abc" is not a number (the model was trained with "age" as integer)`.
std::string ForcedTypeMismatch(const std::string& column, ColumnType forced, RawCell cell);

}  // namespace kiln::table_internal
