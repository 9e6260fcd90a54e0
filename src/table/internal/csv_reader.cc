#include "table/internal/csv_reader.h"

#include <algorithm>
#include <functional>
#include <unordered_map>
#include <utility>

#include "table/internal/chunk_column.h"
#include "table/internal/column_assembler.h"
#include "table/internal/column_finisher.h"
#include "table/internal/column_profile.h"
#include "table/internal/column_setup.h"
#include "table/internal/csv_layout.h"
#include "table/internal/csv_tokenizer.h"
#include "table/internal/na_matcher.h"
#include "table/internal/prefault.h"
#include "table/internal/type_inference.h"
#include "table/internal/utf8.h"
#include "table/internal/worker_pool.h"

namespace kiln::table_internal {
namespace {

// Below this many bytes per chunk, threads cost more than they save.
constexpr std::size_t kMinChunkBytes = 256 * 1024;
// Chunks per thread: more, smaller chunks balance load on a busy machine.
constexpr std::size_t kChunksPerThread = 4;
// Rows of the file's start profiled up front to pick each column's storage (see ChunkColumn).
constexpr std::size_t kHintRows = 1024;

struct Chunk {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t max_rows = 0;  // bound on the chunk's records: its line breaks (+1 at a bare end)
  std::size_t offset = 0;    // where its rows go in the preallocated column arrays
  bool ascii = false;
  std::vector<ChunkColumn> columns;
  CsvScanResult scan;
};

// v->resize(n) for a new vector, its pages mapped in one call first (see PrefaultPages).
template <class T>
void ResizeFresh(std::vector<T>* v, std::size_t n) {
  v->reserve(n);
  PrefaultPages(v->data(), n * sizeof(T));
  v->resize(n);
}

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

class CsvParse {
 public:
  CsvParse(std::string_view data, std::string_view display_name, const ReadOptions& options,
           WorkerPool& pool)
      : data_(data),
        name_(display_name),
        options_(options),
        na_(options.na_values),
        pool_(&pool),
        threads_(pool.threads()) {}

  Result<Table> Run();

 private:
  Status Error(const std::string& message) const {
    return Status::InvalidArgument(name_ + ": " + message);
  }
  // Runs task(0..n-1) on the pool when the data is large enough to split, else on this thread.
  void ForEach(std::size_t n, const std::function<void(std::size_t)>& task) const;
  Status ReadHeader();
  CsvScanInput ScanInput(std::size_t begin, std::size_t end) const;
  // Profiles of the file's first rows: hints for storage, never for types.
  std::vector<ColumnProfile> ProfileFirstRows() const;
  // Sizes `table`'s columns for `rows` rows in the storage the first rows suggest.
  void Preallocate(const std::vector<ColumnProfile>& first, std::size_t rows, Table* table) const;
  // The single pass over `spans`, writing into `table`'s preallocated arrays; false (and no
  // error) when chunk boundaries were not record boundaries.
  Result<bool> ParseChunks(const std::vector<ChunkSpan>& spans,
                           const std::vector<ColumnProfile>& first, std::vector<Chunk>* chunks,
                           Table* table);
  void ParseChunk(const std::vector<ColumnProfile>& first, Chunk* chunk, Table* table) const;
  // Re-reads the columns of `chunk` whose stored values do not fit their plan.
  void Rematerialize(const std::vector<ColumnPlan>& plans, Chunk* chunk) const;

  std::string_view data_;
  std::string name_;
  const ReadOptions& options_;
  NaMatcher na_;
  char delimiter_ = ',';
  std::vector<std::string> names_;
  std::vector<ColumnSetup> setups_;
  std::size_t data_begin_ = 0;
  std::uint64_t first_data_line_ = 2;
  WorkerPool* pool_;
  int threads_;
};

void CsvParse::ForEach(std::size_t n, const std::function<void(std::size_t)>& task) const {
  if (data_.size() >= 2 * kMinChunkBytes) {
    pool_->Run(n, task);
    return;
  }
  for (std::size_t i = 0; i < n; ++i)
    task(i);
}

Status CsvParse::ReadHeader() {
  delimiter_ = options_.delimiter != 0 ? options_.delimiter : DetectDelimiter(data_);
  CsvRecord header = ReadCsvRecord(data_, 0, delimiter_, &names_);
  if (header.problem == CsvRecord::Problem::kUnclosedQuote) {
    return Error("line 1: quoted field opened in column " +
                 std::to_string(header.problem_field + 1) + " of the header is never closed");
  }
  if (header.problem == CsvRecord::Problem::kTextAfterQuote) {
    return Error("line 1, column " + std::to_string(header.problem_field + 1) +
                 ": unexpected text after a closing quote in the header");
  }
  if (names_.size() == 1 && names_[0].empty())
    return Error("line 1: the header row is empty");
  std::unordered_map<std::string_view, std::size_t> seen;
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (names_[i].empty()) {
      return Error("line 1: column " + std::to_string(i + 1) +
                   " has an empty name in the header; every column needs a name");
    }
    if (FindInvalidUtf8(names_[i]) != std::string_view::npos) {
      return Error("line 1, column " + std::to_string(i + 1) +
                   ": invalid UTF-8 in the header; save the file as UTF-8");
    }
    auto [it, inserted] = seen.emplace(names_[i], i);
    if (!inserted) {
      return Error("line 1: column name \"" + names_[i] +
                   "\" appears twice in the header (columns " + std::to_string(it->second + 1) +
                   " and " + std::to_string(i + 1) + ")");
    }
  }
  data_begin_ = header.end;
  first_data_line_ = 1 + header.newlines;
  return Status::Ok();
}

CsvScanInput CsvParse::ScanInput(std::size_t begin, std::size_t end) const {
  CsvScanInput in;
  in.data = data_;
  in.begin = begin;
  in.end = end;
  in.delimiter = delimiter_;
  in.names = &names_;
  return in;
}

std::vector<ColumnProfile> CsvParse::ProfileFirstRows() const {
  std::vector<ColumnProfile> profiles;
  for (const ColumnSetup& s : setups_)
    profiles.emplace_back(s);
  std::size_t rows = 0;
  auto on_batch = [&](const RawCell* cells, const std::uint64_t* lines, std::size_t n) {
    for (std::size_t c = 0; c < profiles.size(); ++c)
      profiles[c].ObserveBatch(cells + c * kCsvBatchRows, lines, n, na_);
    rows += n;
    return rows < kHintRows;
  };
  CsvScanResult ignored;  // errors are found (and reported) by the real pass
  ScanCsvChunk(ScanInput(data_begin_, data_.size()), on_batch, &ignored);
  return profiles;
}

// A label among the first rows: the column is categorical whatever follows.
bool SurelyCategorical(const ColumnSetup& setup, const ColumnProfile& first) {
  return !setup.forced && first.present() > 0 && first.kinds() == 0;
}

void CsvParse::Preallocate(const std::vector<ColumnProfile>& first, std::size_t rows,
                           Table* table) const {
  table->columns.clear();
  table->columns.resize(setups_.size());
  ForEach(setups_.size(), [&](std::size_t c) {
    const ColumnSetup& setup = setups_[c];
    bool values = false, codes = setup.dictionary;
    if (setup.forced) {
      ColumnType t = setup.forced_type;
      values = IsNumberLike(t) && t != ColumnType::kBoolean;
      codes = codes || !values;
    } else if (first[c].present() > 0) {
      std::uint8_t kinds = first[c].kinds();
      values = (kinds & (kCanNumber | kCanDatetime)) != 0;
      codes = codes || !values || setup.code_like_name;
    }
    if (values)
      ResizeFresh(&table->columns[c].values, rows);
    if (codes)
      ResizeFresh(&table->columns[c].codes, rows);
  });
}

void CsvParse::ParseChunk(const std::vector<ColumnProfile>& first, Chunk* chunk,
                          Table* table) const {
  CsvScanInput in = ScanInput(chunk->begin, chunk->end);
  in.check_utf8 = !chunk->ascii;
  const std::size_t num_columns = names_.size();
  std::vector<ChunkColumn>& columns = chunk->columns;
  columns.clear();
  columns.reserve(num_columns);
  for (std::size_t c = 0; c < num_columns; ++c) {
    columns.emplace_back(setups_[c], na_, chunk->max_rows, data_);
    if (SurelyCategorical(setups_[c], first[c]))
      columns.back().HintCategorical();
    Column& col = table->columns[c];
    columns.back().SetOutput(col.values.empty() ? nullptr : col.values.data() + chunk->offset,
                             col.codes.empty() ? nullptr : col.codes.data() + chunk->offset);
  }
  CsvScanResult& result = chunk->scan;
  auto on_batch = [&](const RawCell* cells, const std::uint64_t* lines, std::size_t n) {
    // More records than line breaks: the chunk does not start at a record (see ParseChunks).
    if (result.rows > chunk->max_rows)
      return false;
    // The first failing cell in file order: lowest row, then lowest column.
    std::size_t fail_row = n, fail_column = 0;
    for (std::size_t c = 0; c < num_columns; ++c) {
      std::size_t bad = columns[c].AddBatch(cells + c * kCsvBatchRows, lines, n);
      if (bad < fail_row) {
        fail_row = bad;
        fail_column = c;
      }
    }
    if (fail_row == n)
      return true;
    result.failed = true;
    result.error_line = lines[fail_row];
    result.error = ", " + ForcedTypeMismatch(names_[fail_column], setups_[fail_column].forced_type,
                                             cells[fail_column * kCsvBatchRows + fail_row]);
    return false;
  };
  ScanCsvChunk(in, on_batch, &result);
}

Result<bool> CsvParse::ParseChunks(const std::vector<ChunkSpan>& spans,
                                   const std::vector<ColumnProfile>& first,
                                   std::vector<Chunk>* chunks, Table* table) {
  chunks->clear();
  chunks->resize(spans.size());
  std::size_t bound = 0;
  for (std::size_t k = 0; k < spans.size(); ++k) {
    Chunk& chunk = (*chunks)[k];
    chunk.begin = spans[k].begin;
    chunk.end = spans[k].end;
    chunk.ascii = spans[k].ascii;
    chunk.max_rows =
        spans[k].newlines + (chunk.end > chunk.begin && data_[chunk.end - 1] != '\n' ? 1 : 0);
    chunk.offset = bound;
    bound += chunk.max_rows;
  }
  Preallocate(first, bound, table);
  ForEach(spans.size(), [&](std::size_t k) { ParseChunk(first, &(*chunks)[k], table); });
  std::uint64_t line = first_data_line_;
  for (const Chunk& chunk : *chunks) {
    if (chunk.scan.failed)
      return Error("line " + std::to_string(line + chunk.scan.error_line) + chunk.scan.error);
    if (chunk.scan.stop != chunk.end)
      return false;
    line += chunk.scan.newlines;
  }
  return true;
}

void CsvParse::Rematerialize(const std::vector<ColumnPlan>& plans, Chunk* chunk) const {
  std::vector<std::size_t> redo;
  for (std::size_t c = 0; c < plans.size(); ++c) {
    if (!chunk->columns[c].Provides(plans[c]))
      redo.push_back(c);
  }
  if (redo.empty())
    return;
  std::vector<ChunkColumn> fresh;
  fresh.reserve(redo.size());
  for (std::size_t c : redo) {
    fresh.emplace_back(setups_[c], na_, chunk->scan.rows, data_);
    fresh.back().FixTo(plans[c]);
  }
  auto on_batch = [&](const RawCell* cells, const std::uint64_t* lines, std::size_t n) {
    for (std::size_t i = 0; i < redo.size(); ++i)
      fresh[i].AddBatch(cells + redo[i] * kCsvBatchRows, lines, n);
    return true;
  };
  CsvScanResult ignored;  // the chunk already scanned cleanly
  ScanCsvChunk(ScanInput(chunk->begin, chunk->end), on_batch, &ignored);
  for (std::size_t i = 0; i < redo.size(); ++i)
    chunk->columns[redo[i]] = std::move(fresh[i]);
}

Result<Table> CsvParse::Run() {
  if (IsBlank(data_))
    return Error("file is empty");
  RETURN_IF_ERROR(ReadHeader());
  setups_ = MakeColumnSetups(names_, options_);

  std::size_t data_bytes = data_.size() - data_begin_;
  std::size_t num_chunks = std::max<std::size_t>(
      1,
      std::min(static_cast<std::size_t>(threads_) * kChunksPerThread, data_bytes / kMinChunkBytes));
  if (threads_ == 1)
    num_chunks = 1;
  const std::vector<ColumnProfile> first = ProfileFirstRows();
  Table table;
  std::vector<Chunk> chunks;
  ASSIGN_OR_RETURN(
      bool consistent,
      ParseChunks(SplitIntoChunks(data_, data_begin_, num_chunks, *pool_), first, &chunks, &table));
  if (!consistent) {
    // Quotes inside unquoted fields fooled the parity split: parse as one chunk.
    ASSIGN_OR_RETURN(consistent, ParseChunks(SplitIntoChunks(data_, data_begin_, 1, *pool_), first,
                                             &chunks, &table));
  }

  // Merge profiles in file order and plan the columns.
  const std::size_t num_columns = names_.size();
  std::size_t num_rows = 0;
  std::uint64_t line = first_data_line_;
  std::vector<ColumnProfile> merged;
  merged.reserve(num_columns);
  for (std::size_t c = 0; c < num_columns; ++c) {
    merged.push_back(chunks[0].columns[c].profile());
    merged.back().ShiftLines(line);
  }
  for (std::size_t k = 0; k < chunks.size(); ++k) {
    num_rows += chunks[k].scan.rows;
    if (k > 0) {
      for (std::size_t c = 0; c < num_columns; ++c)
        merged[c].Merge(chunks[k].columns[c].profile(), line);
    }
    line += chunks[k].scan.newlines;
  }
  if (num_rows == 0)
    return Error("has a header but no data rows");
  std::vector<ColumnPlan> plans(num_columns);
  for (std::size_t c = 0; c < num_columns; ++c)
    plans[c] = PlanColumn(setups_[c], merged[c]);

  // Chunks that guessed a column's storage wrong read it again (rare: a late label in a column of
  // numbers).
  ForEach(chunks.size(), [&](std::size_t k) { Rematerialize(plans, &chunks[k]); });

  table.source = name_;
  table.num_rows = num_rows;
  ForEach(num_columns, [&](std::size_t c) {
    std::vector<ChunkColumn*> pieces;
    for (Chunk& chunk : chunks)
      pieces.push_back(&chunk.columns[c]);
    ValueStats stats;
    bool has_stats =
        AssembleColumn(setups_[c], plans[c], num_rows, pieces, &table.columns[c], &stats);
    ApplyColumnRules(setups_[c], plans[c], merged[c], &table.columns[c],
                     has_stats ? &stats : nullptr);
  });
  return table;
}

}  // namespace

Result<Table> ParseCsv(std::string_view contents, std::string_view display_name,
                       const ReadOptions& options, WorkerPool& pool) {
  if (contents.substr(0, 3) == "\xEF\xBB\xBF")
    contents.remove_prefix(3);
  CsvParse parse(contents, display_name, options, pool);
  return parse.Run();
}

}  // namespace kiln::table_internal
