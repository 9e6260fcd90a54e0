#include "table/internal/csv_layout.h"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace kiln::table_internal {

CsvRecord ReadCsvRecord(std::string_view data, std::size_t pos, char delimiter,
                        std::vector<std::string>* fields) {
  CsvRecord rec;
  if (fields)
    fields->clear();
  const std::size_t n = data.size();
  std::string value;
  while (true) {
    value.clear();
    if (pos < n && data[pos] == '"') {
      std::size_t q = pos + 1;
      while (true) {
        const void* hit = q < n ? std::memchr(data.data() + q, '"', n - q) : nullptr;
        if (!hit) {
          rec.problem = CsvRecord::Problem::kUnclosedQuote;
          rec.problem_field = rec.num_fields;
          rec.end = n;
          return rec;
        }
        std::size_t close = static_cast<const char*>(hit) - data.data();
        rec.newlines += static_cast<std::uint64_t>(
            std::count(data.begin() + static_cast<std::ptrdiff_t>(q),
                       data.begin() + static_cast<std::ptrdiff_t>(close), '\n'));
        if (fields)
          value.append(data.substr(q, close - q));
        if (close + 1 < n && data[close + 1] == '"') {
          if (fields)
            value.push_back('"');
          q = close + 2;
          continue;
        }
        pos = close + 1;
        break;
      }
      bool at_end = pos == n || data[pos] == delimiter || data[pos] == '\n' ||
                    (data[pos] == '\r' && (pos + 1 == n || data[pos + 1] == '\n'));
      if (!at_end) {
        rec.problem = CsvRecord::Problem::kTextAfterQuote;
        rec.problem_field = rec.num_fields;
        rec.end = pos;
        return rec;
      }
    } else {
      std::size_t start = pos;
      while (pos < n && data[pos] != delimiter && data[pos] != '\n')
        ++pos;
      std::size_t stop = pos;
      if (stop > start && (pos == n || data[pos] == '\n') && data[stop - 1] == '\r')
        --stop;
      if (fields)
        value.assign(data.substr(start, stop - start));
    }
    ++rec.num_fields;
    if (fields)
      fields->push_back(value);
    if (pos == n)
      break;
    if (data[pos] == delimiter) {
      ++pos;
      if (pos == n) {
        ++rec.num_fields;
        if (fields)
          fields->emplace_back();
        break;
      }
      continue;
    }
    if (data[pos] == '\r')
      ++pos;
    if (pos < n) {  // '\n'
      ++pos;
      ++rec.newlines;
    }
    break;
  }
  rec.end = pos;
  return rec;
}

char DetectDelimiter(std::string_view data) {
  constexpr int kRecordsToCheck = 20;
  constexpr std::size_t kBytesToCheck = 1 << 20;
  char best = ',';
  std::size_t best_fields = 1;
  bool best_consistent = false;
  for (char cand : {',', ';', '\t'}) {
    CsvRecord header = ReadCsvRecord(data, 0, cand, nullptr);
    if (header.problem != CsvRecord::Problem::kNone)
      continue;
    bool consistent = true;
    std::size_t pos = header.end;
    for (int r = 0; r < kRecordsToCheck && pos < data.size() && pos < kBytesToCheck; ++r) {
      if (data[pos] == '\n' || data[pos] == '\r') {  // blank line
        ++pos;
        continue;
      }
      CsvRecord rec = ReadCsvRecord(data, pos, cand, nullptr);
      if (rec.problem != CsvRecord::Problem::kNone || rec.num_fields != header.num_fields) {
        consistent = false;
        break;
      }
      pos = rec.end;
    }
    if (header.num_fields < 2)
      continue;
    // Consistency first, then more fields.
    if ((consistent && !best_consistent) ||
        (consistent == best_consistent && header.num_fields > best_fields)) {
      best = cand;
      best_fields = header.num_fields;
      best_consistent = consistent;
    }
  }
  return best;
}

std::size_t CountByte(const char* begin, const char* end, char c) {
  std::size_t count = 0;
  const char* p = begin;
#if defined(__SSE2__)
  const __m128i needle = _mm_set1_epi8(c);
  for (; end - p >= 64; p += 64) {
    std::uint64_t m = 0;
    for (int i = 0; i < 4; ++i) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
      m |= static_cast<std::uint64_t>(
               static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, needle))))
           << (16 * i);
    }
    count += static_cast<std::size_t>(__builtin_popcountll(m));
  }
#endif
  for (; p < end; ++p)
    count += *p == c ? 1 : 0;
  return count;
}

std::vector<std::size_t> SplitIntoChunks(std::string_view data, std::size_t begin,
                                         std::size_t num_chunks) {
  std::vector<std::size_t> starts = {begin};
  const std::size_t n = data.size();
  if (num_chunks <= 1 || begin >= n)
    return starts;
  const std::size_t span = n - begin;
  std::size_t pos = begin;  // quote parity is known (even) at every chunk start
  for (std::size_t k = 1; k < num_chunks; ++k) {
    std::size_t target = begin + span / num_chunks * k;
    if (target <= pos)
      continue;
    bool odd = CountByte(data.data() + pos, data.data() + target, '"') % 2 != 0;
    std::size_t i = target;
    for (; i < n; ++i) {
      char c = data[i];
      if (c == '"') {
        odd = !odd;
      } else if (c == '\n' && !odd) {
        break;
      }
    }
    if (i + 1 >= n)
      break;
    pos = i + 1;
    starts.push_back(pos);
  }
  return starts;
}

}  // namespace kiln::table_internal
