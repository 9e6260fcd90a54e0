// ColumnWriter: pass 2 of reading. Converts one chunk's cells of one column to their planned
// storage: doubles (NaN = missing) and/or chunk-local dictionary codes (-1 = missing), written into
// the column's preallocated arrays at the chunk's row offset. Chunk-local codes are rewritten to
// file-wide codes by FinishColumn. Not thread-safe: one writer per chunk per column.
#pragma once

#include <cstdint>
#include <deque>
#include <limits>
#include <string>
#include <string_view>

#include "table/internal/cell_classifier.h"
#include "table/internal/na_matcher.h"
#include "table/internal/string_dictionary.h"
#include "table/internal/type_inference.h"

namespace kiln::table_internal {

class ColumnWriter {
 public:
  // `values` / `codes` point at the chunk's first row in the column's arrays; either may be null
  // when the plan does not store it. `na` must outlive the writer.
  ColumnWriter(ColumnType type, const NaMatcher& na, double* values, std::int32_t* codes)
      : type_(type), na_(&na), values_(values), codes_(codes) {}

  void Write(std::size_t row, RawCell cell) {
    if (na_->IsMissing(cell.text())) {
      if (values_)
        values_[row] = std::numeric_limits<double>::quiet_NaN();
      if (codes_)
        codes_[row] = -1;
      return;
    }
    if (values_)
      values_[row] = ToNumber(cell);
    if (codes_)
      codes_[row] = Code(cell);
  }

  // Writes cells[0..n) to rows row..row+n-1: one loop per column type.
  void WriteBatch(const RawCell* cells, std::size_t n, std::size_t row) {
    if (values_ == nullptr) {
      for (std::size_t i = 0; i < n; ++i) {
        codes_[row + i] = na_->IsMissing(cells[i].text()) ? -1 : Code(cells[i]);
      }
      return;
    }
    if (type_ == ColumnType::kInteger && codes_ == nullptr) {
      for (std::size_t i = 0; i < n; ++i) {
        values_[row + i] = na_->IsMissing(cells[i].text())
                               ? std::numeric_limits<double>::quiet_NaN()
                               : IntegerValue(cells[i]);
      }
      return;
    }
    for (std::size_t i = 0; i < n; ++i)
      Write(row + i, cells[i]);
  }

  // Chunk-local levels, in order of first appearance.
  const StringDictionary& dictionary() const { return dictionary_; }

 private:
  double ToNumber(RawCell cell) const;
  // Inline digit loop for the common [-]?[0-9]{1,15} cell of an integer column.
  double IntegerValue(RawCell cell) const {
    std::string_view s = cell.text();
    std::size_t i = s[0] == '-' ? 1 : 0;
    if (s.size() - i > 15 || s.size() == i)
      return ToNumber(cell);
    std::int64_t v = 0;
    for (; i < s.size(); ++i) {
      auto d = static_cast<unsigned char>(s[i] - '0');
      if (d >= 10)
        return ToNumber(cell);
      v = v * 10 + d;
    }
    return static_cast<double>(s[0] == '-' ? -v : v);
  }
  std::int32_t Code(RawCell cell) {
    if (!cell.escaped() && last_code_ >= 0 && BytesEqual(cell.text(), last_))
      return last_code_;
    return CodeSlow(cell);
  }
  std::int32_t CodeSlow(RawCell cell);

  ColumnType type_;
  const NaMatcher* na_;
  double* values_;
  std::int32_t* codes_;
  StringDictionary dictionary_;
  std::deque<std::string> arena_;  // unescaped keys (stable addresses)
  std::string scratch_;
  std::string_view last_;  // last key looked up, and its code: runs of one label are common
  std::int32_t last_code_ = -1;
};

}  // namespace kiln::table_internal
