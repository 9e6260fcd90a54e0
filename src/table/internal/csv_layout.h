// CSV layout: the parts of reading a CSV that look at structure rather than values: reading one
// record slowly (header, delimiter sniffing), detecting the delimiter, and splitting the data into
// chunks at record boundaries for parallel parsing. Thread-safe: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "table/internal/worker_pool.h"

namespace kiln::table_internal {

struct CsvRecord {
  enum class Problem { kNone, kUnclosedQuote, kTextAfterQuote };
  std::size_t end = 0;         // position after the record's line break (or the end of the data)
  std::size_t num_fields = 0;  //
  std::uint64_t newlines = 0;  // line breaks consumed, including the terminating one
  Problem problem = Problem::kNone;
  std::size_t problem_field = 0;  // 0-based field where the problem is
};

// Reads the RFC 4180 record starting at `pos`; `fields` (may be null) receives unescaped values.
CsvRecord ReadCsvRecord(std::string_view data, std::size_t pos, char delimiter,
                        std::vector<std::string>* fields);

// Picks ',', ';' or '\t': the candidate that splits the header into the most fields and splits the
// first records (up to 20) the same way, quote-aware. ',' when nothing splits the header.
char DetectDelimiter(std::string_view data);

// Line breaks and quotes in [begin, end), and whether every byte is ASCII: one pass (SSE2 where
// available).
struct ByteCounts {
  std::size_t newlines = 0;
  std::size_t quotes = 0;
  bool ascii = true;
};
ByteCounts CountBytes(const char* begin, const char* end);

// A piece of the data for one parser task.
struct ChunkSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t newlines = 0;  // line breaks in [begin, end)
  bool ascii = true;  // no byte >= 0x80 in [begin, end) (false may be cautious: a neighbour's)
};

// Splits data[begin, size) into at most `num_chunks` chunks: the first starts at `begin`, each
// later one after a line break outside quotes by quote parity (an even number of '"' since
// `begin`). The bytes are counted once, on the pool's threads, in equal ranges; a range holds at
// most one chunk start. A file where quotes appear inside unquoted fields can defeat parity; the
// caller verifies each chunk ends where the next starts.
std::vector<ChunkSpan> SplitIntoChunks(std::string_view data, std::size_t begin,
                                       std::size_t num_chunks, WorkerPool& pool);

}  // namespace kiln::table_internal
