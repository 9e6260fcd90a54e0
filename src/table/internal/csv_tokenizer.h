// ScanCsvChunk: the hot loop of CSV reading. Splits the records of one chunk into cells (views into
// the buffer, no copies) and hands complete rows to a callback in column-major batches; used by
// pass 1 (type inference) and pass 2 (materialization). Checks structure on the way: field counts,
// unclosed quotes, text after a closing quote, and (when asked) UTF-8. Blank lines are skipped.
// Errors carry a chunk-relative line. Not thread-safe per call; distinct chunks may be scanned
// concurrently (the buffer is only read).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
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

// Rows per batch handed to the callback. Batches let the callback run one tight loop per column
// (one type, one dictionary) instead of switching column every cell.
inline constexpr std::size_t kCsvBatchRows = 32;

// Calls on_batch(const RawCell* cells, const std::uint64_t* lines, std::size_t rows) for each batch
// of up to kCsvBatchRows records. Cells are column-major: cell (row r, column c) is cells[c *
// kCsvBatchRows + r]; lines[r] is the record's chunk-relative line. A false return stops the scan
// (the callback records its error in `out`). Rows before a structural error are handed over first,
// so the error reported is the first in file order.
template <class OnBatch>
void ScanCsvChunk(const CsvScanInput& in, OnBatch&& on_batch, CsvScanResult* out) {
  const char* const base = in.data.data();
  const char* const data_end = base + in.data.size();
  const char* const end = base + in.end;
  const char* p = base + in.begin;
  const char delim = in.delimiter;
  const std::size_t num_columns = in.names->size();
  std::vector<RawCell> batch(num_columns * kCsvBatchRows);
  std::uint64_t batch_lines[kCsvBatchRows];
  std::size_t batch_rows = 0;
  RawCell* row_cells = batch.data();  // row_cells[c * kCsvBatchRows] is column c of the current row
  std::uint64_t line = 0;
  SeparatorScanner scanner(p, data_end, delim);
  auto fail = [&](std::uint64_t at_line, std::string message) {
    if (batch_rows > 0 && !on_batch(static_cast<const RawCell*>(batch.data()),
                                    static_cast<const std::uint64_t*>(batch_lines), batch_rows)) {
      return;  // an earlier row failed in the callback
    }
    out->failed = true;
    out->error_line = at_line;
    out->error = std::move(message);
    out->stop = static_cast<std::size_t>(p - base);
    out->newlines = line;
  };
  std::size_t num_fields = 0;     // fields of the current record seen so far
  std::uint64_t record_line = 0;  // line where the current record starts
  while (true) {
    if (num_fields == 0) {
      if (p >= end)
        break;
      record_line = line;
    }
    // p is the start of a cell.
    RawCell cell;
    const char* sep;  // the delimiter or '\n' that ends the cell, or data_end
    if (p < data_end && *p == '"') {
      const std::uint64_t open_line = line;
      const char* q = p + 1;
      const char* close;
      while (true) {
        close = q < data_end ? static_cast<const char*>(
                                   std::memchr(q, '"', static_cast<std::size_t>(data_end - q)))
                             : nullptr;
        if (close == nullptr) {
          fail(open_line, ": quoted field opened in " + CsvFieldLabel(*in.names, num_fields) +
                              " is never closed");
          return;
        }
        if (close + 1 < data_end && close[1] == '"') {
          cell.escaped = true;
          q = close + 2;
          continue;
        }
        break;
      }
      cell.text = std::string_view(p + 1, static_cast<std::size_t>(close - p - 1));
      line += static_cast<std::uint64_t>(std::count(p + 1, close, '\n'));
      const char* after = close + 1;
      if (after < data_end && *after != delim && *after != '\n' &&
          !(*after == '\r' && (after + 1 == data_end || after[1] == '\n'))) {
        fail(line, ", " + CsvFieldLabel(*in.names, num_fields) +
                       ": unexpected text after a closing quote (a quote inside a quoted field "
                       "is written twice: \"\")");
        return;
      }
      scanner.Seek(after);
      sep = scanner.Next();
    } else {
      sep = scanner.Next();
      while (sep != data_end && *sep == '"')
        sep = scanner.Next();  // a literal quote
      const char* e = sep;
      if (e > p && e[-1] == '\r' && (sep == data_end || *sep == '\n'))
        --e;
      cell.text = std::string_view(p, static_cast<std::size_t>(e - p));
      if (num_fields == 0 && cell.text.empty() && (sep == data_end || *sep == '\n')) {
        // A blank line: not a record.
        if (sep == data_end) {
          p = data_end;
          break;
        }
        p = sep + 1;
        ++line;
        continue;
      }
    }
    if (in.check_utf8) {
      std::size_t bad = FindInvalidUtf8(cell.text);
      if (bad != std::string_view::npos) {
        char detail[96];
        std::snprintf(detail, sizeof(detail),
                      ": invalid UTF-8 (byte 0x%02x at byte %zu of the value)",
                      static_cast<unsigned char>(cell.text[bad]), bad + 1);
        fail(line,
             ", " + CsvFieldLabel(*in.names, num_fields) + detail + "; save the file as UTF-8");
        return;
      }
    }
    if (num_fields < num_columns)
      row_cells[num_fields * kCsvBatchRows] = cell;
    ++num_fields;
    if (sep != data_end && *sep == delim) {
      p = sep + 1;
      if (p != data_end)
        continue;
      // A delimiter at the very end: one more, empty field.
      if (num_fields < num_columns)
        row_cells[num_fields * kCsvBatchRows] = RawCell{};
      ++num_fields;
    } else if (sep != data_end) {  // '\n'
      p = sep + 1;
      ++line;
    } else {
      p = data_end;
    }
    // The record is complete.
    if (num_fields != num_columns) {
      fail(record_line, ": expected " + std::to_string(num_columns) +
                            " fields (as in the header), found " + std::to_string(num_fields));
      return;
    }
    num_fields = 0;
    ++out->rows;
    batch_lines[batch_rows++] = record_line;
    ++row_cells;
    if (batch_rows == kCsvBatchRows) {
      if (!on_batch(static_cast<const RawCell*>(batch.data()),
                    static_cast<const std::uint64_t*>(batch_lines), batch_rows)) {
        out->stop = static_cast<std::size_t>(p - base);
        out->newlines = line;
        return;
      }
      batch_rows = 0;
      row_cells = batch.data();
    }
  }
  if (batch_rows > 0 && !on_batch(static_cast<const RawCell*>(batch.data()),
                                  static_cast<const std::uint64_t*>(batch_lines), batch_rows)) {
    out->stop = static_cast<std::size_t>(p - base);
    out->newlines = line;
    return;
  }
  out->stop = static_cast<std::size_t>(p - base);
  out->newlines = line;
}

}  // namespace kiln::table_internal
