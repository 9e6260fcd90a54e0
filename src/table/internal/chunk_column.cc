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

ChunkColumn::ChunkColumn(const ColumnSetup& setup, const NaMatcher& na, std::size_t max_rows)
    : na_(&na), profile_(setup), max_rows_(max_rows) {
  if (setup.forced) {
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
    dictionary_ = StringDictionary();
    arena_.clear();
    cache_ = {};
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
  storage_ = keep_codes_ ? Storage::kCodes : Storage::kDeferred;
}

double ChunkColumn::Number(RawCell cell) {
  std::string_view s = cell.text;
  double d = kNaN;
  if (number_type_ == ColumnType::kInteger) {
    std::int64_t i;
    if (ParseInteger(s, &i))
      return static_cast<double>(i);
    ParseNumber(s, &d);  // an integral real in a schema-forced integer column
    return d;
  }
  // ParseNumber, with its short-integer case inline.
  std::size_t i = s[0] == '-' ? 1 : 0;
  if (s.size() > i && s.size() - i <= 15) {
    std::int64_t v = 0;
    std::size_t k = i;
    for (; k < s.size(); ++k) {
      auto digit = static_cast<unsigned char>(s[k] - '0');
      if (digit >= 10)
        break;
      v = v * 10 + digit;
    }
    if (k == s.size()) {
      if (i == 1 && v == 0)
        negative_zero_ = true;
      return i == 1 ? -static_cast<double>(v) : static_cast<double>(v);
    }
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
      for (std::size_t i = 0; i < n; ++i)
        out[i] = na_->IsMissing(cells[i].text) ? kNaN : Number(cells[i]);
      break;
    case Storage::kDatetime:
      for (std::size_t i = 0; i < n; ++i) {
        double d = kNaN;
        if (!na_->IsMissing(cells[i].text))
          ParseDatetime(cells[i].text, &d);
        out[i] = d;
      }
      break;
    default:
      break;
  }
}

void ChunkColumn::StoreCodes(const RawCell* cells, std::size_t n) {
  std::int32_t* out = CodesUpTo(rows_ + n) + rows_;
  for (std::size_t i = 0; i < n; ++i)
    out[i] = na_->IsMissing(cells[i].text) ? -1 : Code(cells[i]);
}

std::int32_t ChunkColumn::CodeSlow(RawCell cell) {
  UnescapeCellTo(cell, &scratch_);
  std::int32_t code = dictionary_.Find(scratch_);
  if (code >= 0)
    return code;
  arena_.push_back(scratch_);
  return dictionary_.Add(arena_.back());
}

bool ChunkColumn::Provides(const ColumnPlan& plan) const {
  if (storage_ == Storage::kNone)
    return true;  // every row missing: NaN / -1 whatever the plan
  if (IsNumberLike(plan.type) && storage_ != StorageFor(plan.type))
    return false;
  return !plan.dictionary || keep_codes_;
}

}  // namespace kiln::table_internal
