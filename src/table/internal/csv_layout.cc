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

ByteCounts CountBytes(const char* begin, const char* end) {
  ByteCounts counts;
  const char* p = begin;
  unsigned high = 0;
#if defined(__SSE2__)
  const __m128i newline = _mm_set1_epi8('\n');
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i zero = _mm_setzero_si128();
  auto sum = [&](__m128i bytes) {
    __m128i sad = _mm_sad_epu8(bytes, zero);  // two 64-bit sums of 8 bytes each
    return static_cast<std::size_t>(_mm_cvtsi128_si64(sad)) +
           static_cast<std::size_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(sad, sad)));
  };
  while (end - p >= 16) {
    // Byte counters overflow after 255 blocks.
    std::size_t blocks = std::min<std::size_t>(static_cast<std::size_t>(end - p) / 16, 255);
    __m128i newlines = zero, quotes = zero, any = zero;
    for (std::size_t b = 0; b < blocks; ++b, p += 16) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      newlines = _mm_sub_epi8(newlines, _mm_cmpeq_epi8(v, newline));
      quotes = _mm_sub_epi8(quotes, _mm_cmpeq_epi8(v, quote));
      any = _mm_or_si128(any, v);
    }
    counts.newlines += sum(newlines);
    counts.quotes += sum(quotes);
    high |= static_cast<unsigned>(_mm_movemask_epi8(any));
  }
#endif
  for (; p < end; ++p) {
    counts.newlines += *p == '\n' ? 1 : 0;
    counts.quotes += *p == '"' ? 1 : 0;
    high |= static_cast<unsigned char>(*p) >> 7;
  }
  counts.ascii = high == 0;
  return counts;
}

std::vector<ChunkSpan> SplitIntoChunks(std::string_view data, std::size_t begin,
                                       std::size_t num_chunks, WorkerPool& pool) {
  const std::size_t n = data.size();
  if (begin >= n || num_chunks <= 1)
    num_chunks = 1;
  // Range k is [bounds[k], bounds[k + 1]).
  const std::size_t span = begin < n ? n - begin : 0;
  std::vector<std::size_t> bounds(num_chunks + 1);
  for (std::size_t k = 0; k < num_chunks; ++k)
    bounds[k] = begin + span / num_chunks * k;
  bounds[num_chunks] = std::max(begin, n);
  std::vector<ByteCounts> counts(num_chunks);
  pool.Run(num_chunks, [&](std::size_t k) {
    counts[k] = CountBytes(data.data() + bounds[k], data.data() + bounds[k + 1]);
  });

  std::vector<ChunkSpan> chunks;
  ChunkSpan chunk{begin, 0, 0, true};
  bool odd = false;  // quote parity at the start of the range
  for (std::size_t k = 0; k < num_chunks; ++k) {
    std::size_t skipped = 0;  // line breaks of this range before a chunk start in it
    if (k > 0) {
      // The first line break outside quotes in the range starts a chunk.
      bool quoted = odd;
      std::size_t i = bounds[k];
      for (; i < bounds[k + 1]; ++i) {
        char c = data[i];
        if (c == '"') {
          quoted = !quoted;
        } else if (c == '\n') {
          ++skipped;
          if (!quoted)
            break;
        }
      }
      if (i < bounds[k + 1] && i + 1 < n) {
        chunk.end = i + 1;
        chunk.newlines += skipped;
        chunk.ascii = chunk.ascii && counts[k].ascii;
        chunks.push_back(chunk);
        chunk = ChunkSpan{i + 1, 0, 0, true};
      } else {
        skipped = 0;
      }
    }
    chunk.newlines += counts[k].newlines - skipped;
    chunk.ascii = chunk.ascii && counts[k].ascii;
    odd = odd != (counts[k].quotes % 2 != 0);
  }
  chunk.end = std::max(begin, n);
  chunks.push_back(chunk);
  return chunks;
}

}  // namespace kiln::table_internal
