#include "table/internal/csv_tokenizer.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace kiln::table_internal {

std::string CsvFieldLabel(const std::vector<std::string>& names, std::size_t field) {
  if (field < names.size())
    return "column \"" + names[field] + "\"";
  return "field " + std::to_string(field + 1);
}

QuotedField ScanQuotedField(const char* open, const char* data_end, char delimiter) {
  QuotedField q;
  const char* s = open + 1;
  const char* close;
  bool escaped = false;
  while (true) {
    close =
        s < data_end
            ? static_cast<const char*>(std::memchr(s, '"', static_cast<std::size_t>(data_end - s)))
            : nullptr;
    if (close == nullptr) {
      q.problem = QuotedField::Problem::kUnclosed;
      return q;
    }
    if (close + 1 < data_end && close[1] == '"') {
      escaped = true;
      s = close + 2;
      continue;
    }
    break;
  }
  q.cell = RawCell(std::string_view(open + 1, static_cast<std::size_t>(close - open - 1)), escaped);
  q.newlines = static_cast<std::uint64_t>(std::count(open + 1, close, '\n'));
  const char* after = close + 1;
  if (after < data_end && *after != delimiter && *after != '\n' &&
      !(*after == '\r' && (after + 1 == data_end || after[1] == '\n'))) {
    q.problem = QuotedField::Problem::kTextAfterQuote;
  }
  q.after = after;
  return q;
}

std::string InvalidUtf8Message(const std::vector<std::string>& names, std::size_t field,
                               std::string_view text, std::size_t bad) {
  char detail[96];
  std::snprintf(detail, sizeof(detail), ": invalid UTF-8 (byte 0x%02x at byte %zu of the value)",
                static_cast<unsigned char>(text[bad]), bad + 1);
  return ", " + CsvFieldLabel(names, field) + detail + "; save the file as UTF-8";
}

}  // namespace kiln::table_internal
