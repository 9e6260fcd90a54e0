// CSV layout: the parts of reading a CSV that look at structure rather than values: reading one
// record slowly (header, delimiter sniffing), detecting the delimiter, and splitting the data into
// chunks at record boundaries for parallel parsing. Thread-safe: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

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

// Occurrences of `c` in [begin, end) (SSE2 where available).
std::size_t CountByte(const char* begin, const char* end, char c);

// Chunk start positions: the first is `begin`; each later one follows a line break that is outside
// quotes by quote parity (an even number of '"' since `begin`). At most `num_chunks` chunks. A file
// where quotes appear inside unquoted fields can defeat parity; the caller verifies each chunk ends
// where the next starts.
std::vector<std::size_t> SplitIntoChunks(std::string_view data, std::size_t begin,
                                         std::size_t num_chunks);

}  // namespace kiln::table_internal
