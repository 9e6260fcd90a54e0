#include "table/table_reader.h"

#include "table/internal/csv_reader.h"
#include "table/internal/file_bytes.h"
#include "table/internal/gzip.h"
#include "table/internal/jsonl_reader.h"
#include "table/internal/worker_pool.h"

namespace kiln {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size())
    return false;
  for (std::size_t i = 0; i < suffix.size(); ++i) {
    char c = s[s.size() - suffix.size() + i];
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
    if (c != suffix[i])
      return false;
  }
  return true;
}

bool IsJsonLinesName(std::string_view name) {
  if (EndsWith(name, ".gz"))
    name.remove_suffix(3);
  return EndsWith(name, ".jsonl") || EndsWith(name, ".ndjson");
}

Result<Table> ParseUncompressed(std::string_view contents, std::string_view display_name,
                                const ReadOptions& options, table_internal::WorkerPool& pool) {
  bool jsonl = options.format == FileFormat::kJsonLines ||
               (options.format == FileFormat::kAuto && IsJsonLinesName(display_name));
  if (jsonl)
    return table_internal::ParseJsonLines(contents, display_name, options);
  return table_internal::ParseCsv(contents, display_name, options, pool);
}

// ParseTable on `pool`'s threads (ReadOptions::num_threads of them when the options are valid).
Result<Table> Parse(std::string_view contents, std::string_view display_name,
                    const ReadOptions& options, table_internal::WorkerPool& pool) {
  Status valid = options.Validate();
  if (!valid.ok())
    return valid.WithContext(std::string(display_name));
  if (table_internal::IsGzip(contents)) {
    ASSIGN_OR_RETURN(std::string plain, table_internal::Gunzip(contents, display_name));
    // Decompressed once only: gzip inside gzip is parsed as text (and fails), never unpacked again.
    return ParseUncompressed(plain, display_name, options, pool);
  }
  return ParseUncompressed(contents, display_name, options, pool);
}

int PoolThreads(const ReadOptions& options) {
  return options.Validate().ok() ? table_internal::ResolveThreadCount(options.num_threads) : 1;
}

}  // namespace

Result<Table> ParseTable(std::string_view contents, std::string_view display_name,
                         const ReadOptions& options) {
  table_internal::WorkerPool pool(PoolThreads(options));
  return Parse(contents, display_name, options, pool);
}

Result<Table> ReadTable(const std::string& path, const ReadOptions& options) {
  // One pool reads the file and parses it.
  table_internal::WorkerPool pool(PoolThreads(options));
  ASSIGN_OR_RETURN(table_internal::FileBytes contents, table_internal::FileBytes::Read(path, pool));
  return Parse(contents.view(), path, options, pool);
}

}  // namespace kiln
