#include "table/internal/column_profile.h"

#include <algorithm>
#include <cmath>

#include "table/cell_value.h"
#include "table/internal/message_util.h"

namespace kiln::table_internal {
namespace {

// Whether the cell can be stored as `type`; integer columns also take integral reals ("3.0").
bool Fits(ColumnType type, RawCell cell) {
  if (type == ColumnType::kCategorical || type == ColumnType::kText)
    return true;
  double d;
  return !cell.escaped() && ParseCellValue(type, cell.text(), &d);
}

}  // namespace

ColumnProfile::ColumnProfile(const ColumnSetup& setup)
    : forced_(setup.forced),
      forced_type_(setup.forced_type),
      track_small_(setup.code_like_name && !setup.forced) {}

bool ColumnProfile::ObserveSlow(RawCell cell, std::uint64_t line) {
  ++present_;
  if (forced_)
    return Fits(forced_type_, cell);
  if (mask_ == 0)
    return true;
  if (cell.escaped()) {
    Fail(mask_, cell, line);
    mask_ = 0;
    return true;
  }
  std::int64_t iv = 0;
  auto kinds = static_cast<std::uint8_t>(ClassifyCell(cell.text(), mask_, &iv) & mask_);
  if (kinds != mask_) {
    Fail(static_cast<std::uint8_t>(mask_ & ~kinds), cell, line);
    mask_ = kinds;
  }
  if (track_small_ && (kinds & kCanInteger) && !small_overflow_)
    AddSmall(iv);
  last_fit_ = cell.text();
  return true;
}

void ColumnProfile::Fail(std::uint8_t bits, RawCell cell, std::uint64_t line) {
  std::string value = ShortValue(cell.escaped() ? UnescapeCell(cell) : std::string(cell.text()));
  for (int b = 0; b < 4; ++b) {
    if (bits & (1 << b))
      first_failure_[static_cast<std::size_t>(b)] = Evidence{line, value};
  }
}

void ColumnProfile::AddSmall(std::int64_t v) {
  if (v >= 0 && v < 1024) {
    if (small_bits_.test(static_cast<std::size_t>(v)))
      return;
    small_bits_.set(static_cast<std::size_t>(v));
  } else if (std::find(small_other_.begin(), small_other_.end(), v) == small_other_.end()) {
    small_other_.push_back(v);
  } else {
    return;
  }
  if (++small_count_ > kMaxCodeLevels) {
    small_overflow_ = true;
    small_other_.clear();
  }
}

std::size_t ColumnProfile::small_distinct() const {
  if (!track_small_ || small_overflow_)
    return SIZE_MAX;
  return small_count_;
}

void ColumnProfile::ShiftLines(std::uint64_t line_offset) {
  for (Evidence& e : first_failure_) {
    if (e.line != kNoLine)
      e.line += line_offset;
  }
}

void ColumnProfile::Merge(const ColumnProfile& next, std::uint64_t line_offset) {
  missing_ += next.missing_;
  present_ += next.present_;
  for (std::size_t b = 0; b < 4; ++b) {
    if (first_failure_[b].line == kNoLine && next.first_failure_[b].line != kNoLine) {
      first_failure_[b] = next.first_failure_[b];
      first_failure_[b].line += line_offset;
    }
  }
  mask_ &= next.mask_;
  if (track_small_ && !small_overflow_) {
    if (next.small_overflow_) {
      small_overflow_ = true;
      small_other_.clear();
    } else {
      small_bits_ |= next.small_bits_;
      for (std::int64_t v : next.small_other_) {
        if (std::find(small_other_.begin(), small_other_.end(), v) == small_other_.end()) {
          small_other_.push_back(v);
        }
      }
      small_count_ = small_bits_.count() + small_other_.size();
      if (small_count_ > kMaxCodeLevels) {
        small_overflow_ = true;
        small_other_.clear();
      }
    }
  }
}

std::string ForcedTypeMismatch(const std::string& column, ColumnType forced, RawCell cell) {
  std::string value = cell.escaped() ? UnescapeCell(cell) : std::string(cell.text());
  const char* what = CellMismatchReason(forced, value);
  return "column \"" + column + "\": " + QuoteValue(value) + " " + what +
         " (the model was trained with \"" + column + "\" as " + ColumnTypeName(forced) + ")";
}

}  // namespace kiln::table_internal
