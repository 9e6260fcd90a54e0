// ScanCsvChunk: the hot loop of CSV reading. Splits the records of one chunk into cells (views into
// the buffer, no copies) and hands complete rows to a callback in column-major batches; used by
// the profiling of the first rows, the single pass and the re-reads of wrongly guessed columns.
// Checks structure on the way: field counts, unclosed quotes, text after a closing quote, and (when
// asked) UTF-8. Blank lines are skipped. Errors carry a chunk-relative line. Not thread-safe per
// call; distinct chunks may be scanned concurrently (the buffer is only read).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "table/internal/cell_classifier.h"
#include "table/internal/separator_scanner.h"
#include "table/internal/utf8.h"

namespace kiln::table_internal {

struct CsvScanInput {
  std::string_view data;  // the whole file after the BOM
  std::size_t begin = 0;  // first record of the chunk
  std::size_t end = 0;    // records starting before `end` belong to the chunk (and may run past it)
  char delimiter = ',';
  bool check_utf8 = false;
  const std::vector<std::string>* names = nullptr;  // header; its size is the field count
};

struct CsvScanResult {
  std::size_t stop = 0;        // position after the last record scanned
  std::uint64_t rows = 0;      // rows handed to the callback
  std::uint64_t newlines = 0;  // line breaks consumed (including inside quoted fields)
  bool failed = false;
  std::uint64_t error_line = 0;  // chunk-relative: 0 is the chunk's first line
  std::string error;             // message text after "line N" (starts with ':' or ',')
};

// "column \"name\"" for a header column, "field 17" past the header's width.
std::string CsvFieldLabel(const std::vector<std::string>& names, std::size_t field);

// A quoted field starting at the opening quote `open`: its text (without the quotes, doubled quotes
// kept, `escaped` set when there are any) and `after`, the position after the closing quote.
struct QuotedField {
  enum class Problem { kNone, kUnclosed, kTextAfterQuote };
  RawCell cell;
  const char* after = nullptr;
  std::uint64_t newlines = 0;  // line breaks inside the quotes
  Problem problem = Problem::kNone;
};
QuotedField ScanQuotedField(const char* open, const char* data_end, char delimiter);

// The message after "line N" for the UTF-8 error in `text` at byte `bad` of field `field`.
std::string InvalidUtf8Message(const std::vector<std::string>& names, std::size_t field,
                               std::string_view text, std::size_t bad);

// Rows per batch handed to the callback. Batches let the callback run one tight loop per column
// (one type, one dictionary) instead of switching column every cell.
inline constexpr std::size_t kCsvBatchRows = 32;

namespace csv_internal {

// Hands a full or final batch over; kept out of line so the scan loop keeps its state in registers.
template <class OnBatch>
[[gnu::noinline]] bool Flush(OnBatch& on_batch, const RawCell* cells, const std::uint64_t* lines,
                             std::size_t rows) {
  return on_batch(cells, lines, rows);
}

template <bool kCheckUtf8, class OnBatch>
void ScanRecords(const CsvScanInput& in, OnBatch& on_batch, CsvScanResult* out) {
  const char* const base = in.data.data();
  const char* const data_end = base + in.data.size();
  const char* const end = base + in.end;
  const char delim = in.delimiter;
  const std::size_t num_columns = in.names->size();
  std::vector<RawCell> batch(num_columns * kCsvBatchRows);
  RawCell* const cells = batch.data();
  std::uint64_t batch_lines[kCsvBatchRows];
  std::size_t batch_rows = 0;
  const char* p = base + in.begin;
  std::uint64_t line = 0;
  SeparatorScanner scanner(p, data_end, delim);
  std::string error;  // set on a structural error, which ends the scan
  std::uint64_t error_line = 0;
  std::size_t num_fields = 0;
  while (p < end) {
    // p starts a record. Its field k goes to first[k * kCsvBatchRows] (while k < num_columns);
    // `field` is the next field's slot.
    const std::uint64_t record_line = line;
    RawCell* const first = cells + batch_rows;
    RawCell* const last = first + num_columns * kCsvBatchRows;
    RawCell* field = first;
    while (true) {
      // p starts a cell; `sep` is the delimiter or '\n' that ends it, or data_end. A delimiter at
      // the very end of the data is followed by one more, empty field: the next scan finds no
      // separator and stores it.
      const char* sep;
      // A separator in the current block is never data_end.
      const bool plain = scanner.NextInBlock(&sep)
                             ? *sep == delim
                             : (sep = scanner.Next()) != data_end && *sep == delim;
      if (plain) [[likely]] {
        // No quote before the delimiter: a plain cell.
        const std::string_view text(p, static_cast<std::size_t>(sep - p));
        if constexpr (kCheckUtf8) {
          std::size_t bad = FindInvalidUtf8(text);
          if (bad != std::string_view::npos) {
            num_fields = static_cast<std::size_t>(field - first) / kCsvBatchRows;
            error_line = line;
            error = InvalidUtf8Message(*in.names, num_fields, text, bad);
            goto failed;
          }
        }
        if (field < last)
          *field = RawCell(text);
        field += kCsvBatchRows;
        p = sep + 1;
        continue;
      }
      num_fields = static_cast<std::size_t>(field - first) / kCsvBatchRows;
      RawCell cell;
      if (sep != data_end && *sep == '"' && sep == p) {
        const std::uint64_t open_line = line;
        QuotedField q = ScanQuotedField(p, data_end, delim);
        if (q.problem == QuotedField::Problem::kUnclosed) {
          error_line = open_line;
          error = ": quoted field opened in " + CsvFieldLabel(*in.names, num_fields) +
                  " is never closed";
          goto failed;
        }
        line += q.newlines;
        if (q.problem == QuotedField::Problem::kTextAfterQuote) {
          error_line = line;
          error = ", " + CsvFieldLabel(*in.names, num_fields) +
                  ": unexpected text after a closing quote (a quote inside a quoted field is "
                  "written twice: \"\")";
          goto failed;
        }
        cell = q.cell;
        scanner.Seek(q.after);
        sep = scanner.Next();
      } else {
        while (sep != data_end && *sep == '"')
          sep = scanner.Next();  // a literal quote inside an unquoted cell
        const char* e = sep;
        const bool at_line_end = sep == data_end || *sep != delim;
        if (at_line_end && e > p && e[-1] == '\r')
          --e;
        cell = RawCell(std::string_view(p, static_cast<std::size_t>(e - p)));
        if (at_line_end && num_fields == 0 && cell.size() == 0) {
          // A blank line: not a record.
          p = sep == data_end ? data_end : sep + 1;
          line += sep == data_end ? 0 : 1;
          break;
        }
      }
      if constexpr (kCheckUtf8) {
        std::size_t bad = FindInvalidUtf8(cell.text());
        if (bad != std::string_view::npos) {
          error_line = line;
          error = InvalidUtf8Message(*in.names, num_fields, cell.text(), bad);
          goto failed;
        }
      }
      if (field < last)
        *field = cell;
      field += kCsvBatchRows;
      ++num_fields;
      if (sep == data_end) {
        p = data_end;
        break;
      }
      p = sep + 1;
      if (*sep != delim) {  // '\n'
        ++line;
        break;
      }
    }
    if (num_fields == 0)
      continue;  // a blank line
    // The record is complete.
    if (num_fields != num_columns) {
      error_line = record_line;
      error = ": expected " + std::to_string(num_columns) + " fields (as in the header), found " +
              std::to_string(num_fields);
      goto failed;
    }
    num_fields = 0;
    ++out->rows;
    batch_lines[batch_rows++] = record_line;
    if (batch_rows == kCsvBatchRows) {
      if (!Flush(on_batch, cells, batch_lines, batch_rows)) {
        out->stop = static_cast<std::size_t>(p - base);
        out->newlines = line;
        return;
      }
      batch_rows = 0;
    }
  }
  if (batch_rows > 0)
    Flush(on_batch, cells, batch_lines, batch_rows);
  out->stop = static_cast<std::size_t>(p - base);
  out->newlines = line;
  return;
failed:
  // Rows before the error go first: an error the callback finds in them comes first in the file.
  if (batch_rows > 0 && !Flush(on_batch, cells, batch_lines, batch_rows))
    return;
  out->failed = true;
  out->error_line = error_line;
  out->error = std::move(error);
  out->stop = static_cast<std::size_t>(p - base);
  out->newlines = line;
}

}  // namespace csv_internal

// Calls on_batch(const RawCell* cells, const std::uint64_t* lines, std::size_t rows) for each batch
// of up to kCsvBatchRows records. Every cell points into in.data (an empty last field at its end).
// Cells are column-major: cell (row r, column c) is cells[c * kCsvBatchRows + r]; lines[r] is the
// record's chunk-relative line. A false return stops the scan (the callback records its error in
// `out`). Rows before a structural error are handed over first, so the error reported is the first
// in file order.
template <class OnBatch>
void ScanCsvChunk(const CsvScanInput& in, OnBatch&& on_batch, CsvScanResult* out) {
  if (in.check_utf8)
    csv_internal::ScanRecords<true>(in, on_batch, out);
  else
    csv_internal::ScanRecords<false>(in, on_batch, out);
}

}  // namespace kiln::table_internal
