#include "table/internal/chunk_column.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "table/internal/datetime_parser.h"
#include "table/internal/number_parser.h"

namespace kiln::table_internal {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

ChunkColumn::ChunkColumn(const ColumnSetup& setup, const NaMatcher& na, std::size_t max_rows,
                         std::string_view buffer)
    : na_(&na),
      buffer_(buffer),
      buffer_end_(buffer.data() + buffer.size()),
      profile_(setup),
      max_rows_(max_rows),
      labels_(buffer) {
  if (setup.forced) {
    forced_ = true;
    fixed_ = true;
    storage_ = StorageFor(setup.forced_type);
    number_type_ = setup.forced_type;
    keep_codes_ = setup.dictionary || storage_ == Storage::kCodes || storage_ == Storage::kBoolean;
  } else {
    keep_codes_ = setup.dictionary || setup.code_like_name;
    speculative_codes_ = !setup.dictionary && setup.code_like_name;
  }
}

double* ChunkColumn::ValuesUpTo(std::size_t rows) {
  if (ext_values_)
    return ext_values_;
  if (values_.capacity() == 0)
    values_.reserve(max_rows_);
  if (values_.size() < rows)
    values_.resize(rows);
  return values_.data();
}

std::int32_t* ChunkColumn::CodesUpTo(std::size_t rows) {
  if (ext_codes_)
    return ext_codes_;
  if (codes_.capacity() == 0)
    codes_.reserve(max_rows_);
  if (codes_.size() < rows)
    codes_.resize(rows);
  return codes_.data();
}

const double* ChunkColumn::values() const {
  if (storage_ != Storage::kNumber && storage_ != Storage::kDatetime)
    return nullptr;
  return ext_values_ ? ext_values_ : values_.data();
}

const std::int32_t* ChunkColumn::codes() const {
  if (!keep_codes_)
    return nullptr;
  return ext_codes_ ? ext_codes_ : codes_.data();
}

ChunkColumn::Storage ChunkColumn::StorageFor(ColumnType type) {
  switch (type) {
    case ColumnType::kNumeric:
    case ColumnType::kInteger:
      return Storage::kNumber;
    case ColumnType::kBoolean:
      return Storage::kBoolean;
    case ColumnType::kDatetime:
      return Storage::kDatetime;
    default:
      return Storage::kCodes;
  }
}

void ChunkColumn::HintCategorical() {
  if (fixed_)
    return;
  fixed_ = true;
  storage_ = Storage::kCodes;
  speculative_codes_ = false;
  keep_codes_ = true;
}

void ChunkColumn::FixTo(const ColumnPlan& plan) {
  profiling_ = false;
  fixed_ = true;
  storage_ = StorageFor(plan.type);
  number_type_ = plan.type;
  speculative_codes_ = false;
  keep_codes_ = plan.dictionary || storage_ == Storage::kCodes || storage_ == Storage::kBoolean;
}

std::size_t ChunkColumn::AddBatch(const RawCell* cells, const std::uint64_t* lines, std::size_t n) {
  const std::size_t fast = profiling_ && !forced_ ? AddNeutral(cells, n) : 0;
  if (fast == n)
    return n;
  return fast + AddGeneral(cells + fast, lines + fast, n - fast);
}

std::size_t ChunkColumn::AddNeutral(const RawCell* cells, std::size_t n) {
  // A column whose profile only counts, or whose next cells are all of the kinds still possible,
  // keeps its storage: Respeculate would change nothing.
  const std::uint8_t kinds = profile_.kinds();
  if (speculative_codes_ && profile_.small_distinct() == SIZE_MAX)
    return 0;  // Respeculate drops the codes
  if (storage_ == Storage::kCodes && keep_codes_ && kinds == 0)
    return AddLabels(cells, n);
  if (storage_ == Storage::kNumber && number_type_ == ColumnType::kNumeric && !keep_codes_) {
    if (kinds == kCanNumber)
      return AddNumbers(cells, n, /*reals=*/true);
    if (kinds == (kCanInteger | kCanNumber) && !profile_.tracks_small())
      return AddNumbers(cells, n, /*reals=*/false);
    return 0;
  }
  bool known_labels = storage_ == Storage::kCodes || storage_ == Storage::kBoolean ||
                      (storage_ == Storage::kNumber && number_type_ == ColumnType::kNumeric);
  if (keep_codes_ && kinds != 0 && known_labels)
    return AddKnownLabels(cells, n);
  return 0;
}

std::size_t ChunkColumn::AddLabels(const RawCell* cells, std::size_t n) {
  std::int32_t* out = CodesUpTo(rows_ + n) + rows_;
  std::size_t missing = 0;
  if (na_->OnlyEmpty()) {
    LabelTable::Probe probe = labels_.probe();
    for (std::size_t i = 0; i < n; ++i) {
      std::int32_t code = probe.AtHome(cells[i]);  // -1 for the empty cell
      if (code == -2) [[unlikely]] {
        code = Code(cells[i]);
        probe = labels_.probe();
      }
      out[i] = code;
      missing += code < 0 ? 1 : 0;
    }
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      bool is_missing = na_->IsMissing(cells[i].text());
      out[i] = is_missing ? -1 : Code(cells[i]);
      missing += is_missing ? 1 : 0;
    }
  }
  profile_.AddCounts(n - missing, missing);
  rows_ += n;
  return n;
}

std::size_t ChunkColumn::AddNumbers(const RawCell* cells, std::size_t n, bool reals) {
  double* out = ValuesUpTo(rows_ + n) + rows_;
  ValueStats::IntegerBatch stats(&stats_);
  const bool only_empty = na_->OnlyEmpty();
  const char* const buffer_end = buffer_end_;
  std::size_t missing = 0;
  bool negative_zero = false;
  std::size_t i = 0;
  for (; i < n; ++i) {
    const RawCell cell = cells[i];
    if (only_empty ? cell.size() == 0 : na_->IsMissing(cell.text())) {
      out[i] = kNaN;
      ++missing;
      continue;
    }
    const char* p = cell.data();
    const bool negative = *p == '-';
    std::uint64_t v;
    if (ParsePlainDigits(p + negative, cell.size() - negative, buffer_end, &v)) {
      negative_zero = negative_zero || (negative && v == 0);
      const double d = negative ? -static_cast<double>(v) : static_cast<double>(v);
      out[i] = d;
      stats.Add(v, negative);
      continue;
    }
    double d;
    if (reals && !cell.escaped() && ParseNumber(cell.text(), &d)) {
      negative_zero = negative_zero || (d == 0 && std::signbit(d));
      out[i] = d;
      stats_.Add(d);
      continue;
    }
    break;  // an integer column's first real, or not a number: the general path decides
  }
  stats.Finish();
  negative_zero_ = negative_zero_ || negative_zero;
  profile_.AddCounts(i - missing, missing);
  rows_ += i;
  return i;
}

std::size_t ChunkColumn::AddKnownLabels(const RawCell* cells, std::size_t n) {
  // Every text in the labels was profiled before (in the general path), and a text's kinds do not
  // change: another cell with it changes nothing but the counts.
  std::int32_t* codes = CodesUpTo(rows_ + n) + rows_;
  double* values = storage_ == Storage::kNumber ? ValuesUpTo(rows_ + n) + rows_ : nullptr;
  ValueStats::IntegerBatch stats(&stats_);
  const LabelTable::Probe probe = labels_.probe();
  const bool only_empty = na_->OnlyEmpty();
  std::size_t missing = 0;
  std::size_t i = 0;
  for (; i < n; ++i) {
    const RawCell cell = cells[i];
    if (only_empty ? cell.size() == 0 : na_->IsMissing(cell.text())) {
      codes[i] = -1;
      if (values)
        values[i] = kNaN;
      ++missing;
      continue;
    }
    std::int32_t code = probe.AtHome(cell);
    if (code == -2)
      code = labels_.Find(cell);
    if (code < 0)
      break;  // a new text: the general path profiles it
    codes[i] = code;
    if (values && static_cast<std::size_t>(code) < code_values_.size()) {
      // Stored (and counted in the stats) when the label was new.
      values[i] = code_values_[static_cast<std::size_t>(code)];
    } else if (values) {
      const bool negative = cell.data()[0] == '-';
      std::uint64_t v;
      if (ParsePlainDigits(cell.data() + negative, cell.size() - negative, buffer_end_, &v)) {
        negative_zero_ = negative_zero_ || (negative && v == 0);
        values[i] = negative ? -static_cast<double>(v) : static_cast<double>(v);
        stats.Add(v, negative);
      } else {
        values[i] = Number(cell);
        stats_.Add(values[i]);
      }
    }
  }
  stats.Finish();
  profile_.AddCounts(i - missing, missing);
  rows_ += i;
  return i;
}

std::size_t ChunkColumn::AddGeneral(const RawCell* cells, const std::uint64_t* lines,
                                    std::size_t n) {
  if (profiling_) {
    std::size_t bad = profile_.ObserveBatch(cells, lines, n, *na_);
    if (bad < n)
      return bad;
    if (!fixed_)
      Respeculate();
  }
  if (storage_ == Storage::kNumber || storage_ == Storage::kDatetime)
    StoreValues(cells, n);
  if (keep_codes_)
    StoreCodes(cells, n);
  rows_ += n;
  return n;
}

void ChunkColumn::Respeculate() {
  if (speculative_codes_ && profile_.small_distinct() == SIZE_MAX &&
      storage_ != Storage::kBoolean) {
    // Too many distinct integers to be codes; the column may still turn out categorical, and is
    // then re-read.
    speculative_codes_ = false;
    keep_codes_ = false;
    codes_ = {};
    labels_ = LabelTable(buffer_);
    arena_.clear();
    code_values_.clear();
  }
  Storage want = Storage::kCodes;
  std::uint8_t kinds = profile_.kinds();
  if (profile_.present() == 0) {
    want = Storage::kNone;
  } else if (kinds & kCanNumber) {
    want = Storage::kNumber;
  } else if (kinds & kCanBoolean) {
    want = Storage::kBoolean;
  } else if (kinds & kCanDatetime) {
    want = Storage::kDatetime;
  }
  if (want == storage_ || storage_ == Storage::kDeferred)
    return;
  if (storage_ == Storage::kNone) {  // the first values: every earlier row was missing
    storage_ = want;
    if (want == Storage::kNumber || want == Storage::kDatetime) {
      std::fill_n(ValuesUpTo(rows_), rows_, kNaN);
    } else if (!keep_codes_) {
      keep_codes_ = true;
      std::fill_n(CodesUpTo(rows_), rows_, -1);
    }
    return;
  }
  // Numbers (or booleans, or dates) so far, and now a label: the earlier rows' text is gone, so
  // unless codes were kept all along the chunk is re-read for this column.
  values_ = {};
  stats_.Clear();
  code_values_.clear();
  storage_ = keep_codes_ ? Storage::kCodes : Storage::kDeferred;
}

double ChunkColumn::Number(RawCell cell) {
  std::string_view s = cell.text();
  double d = kNaN;
  if (number_type_ == ColumnType::kInteger) {
    std::int64_t i;
    if (ParseInteger(s, &i))
      return static_cast<double>(i);
    ParseNumber(s, &d);  // an integral real in a schema-forced integer column
    return d;
  }
  // ParseNumber, with its short-integer case inline.
  const bool negative = s[0] == '-';
  std::uint64_t v;
  if (ParsePlainDigits(s.data() + negative, s.size() - negative, buffer_end_, &v)) {
    if (negative && v == 0)
      negative_zero_ = true;
    return negative ? -static_cast<double>(v) : static_cast<double>(v);
  }
  ParseNumber(s, &d);
  if (d == 0 && std::signbit(d))
    negative_zero_ = true;
  return d;
}

void ChunkColumn::StoreValues(const RawCell* cells, std::size_t n) {
  double* out = ValuesUpTo(rows_ + n) + rows_;
  switch (storage_) {
    case Storage::kNumber:
      for (std::size_t i = 0; i < n; ++i) {
        out[i] = na_->IsMissing(cells[i].text()) ? kNaN : Number(cells[i]);
        stats_.Add(out[i]);
      }
      break;
    case Storage::kDatetime:
      for (std::size_t i = 0; i < n; ++i) {
        double d = kNaN;
        if (!na_->IsMissing(cells[i].text()))
          ParseDatetime(cells[i].text(), &d);
        out[i] = d;
        stats_.Add(d);
      }
      break;
    default:
      break;
  }
}

void ChunkColumn::StoreCodes(const RawCell* cells, std::size_t n) {
  std::int32_t* out = CodesUpTo(rows_ + n) + rows_;
  for (std::size_t i = 0; i < n; ++i)
    out[i] = na_->IsMissing(cells[i].text()) ? -1 : Code(cells[i]);
  if (storage_ == Storage::kNumber) {
    // Remember each new label's value (StoreValues just stored it) for AddKnownLabels.
    const double* values = ValuesUpTo(rows_ + n) + rows_;
    for (std::size_t i = 0; i < n; ++i) {
      if (out[i] >= 0 && static_cast<std::size_t>(out[i]) == code_values_.size())
        code_values_.push_back(values[i]);
    }
  }
}

std::int32_t ChunkColumn::CodeSlow(RawCell cell) {
  UnescapeCellTo(cell, &scratch_);
  std::int32_t code = labels_.FindText(scratch_);
  if (code != -2)
    return code;
  arena_.push_back(scratch_);
  return labels_.AddText(arena_.back());
}

bool ChunkColumn::Provides(const ColumnPlan& plan) const {
  if (storage_ == Storage::kNone)
    return true;  // every row missing: NaN / -1 whatever the plan
  if (IsNumberLike(plan.type) && storage_ != StorageFor(plan.type))
    return false;
  return !plan.dictionary || keep_codes_;
}

}  // namespace kiln::table_internal
