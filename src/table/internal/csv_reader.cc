#include "table/internal/csv_reader.h"

#include <algorithm>
#include <memory>
#include <unordered_map>

#include "table/internal/column_finisher.h"
#include "table/internal/column_profile.h"
#include "table/internal/column_setup.h"
#include "table/internal/column_writer.h"
#include "table/internal/csv_layout.h"
#include "table/internal/csv_tokenizer.h"
#include "table/internal/na_matcher.h"
#include "table/internal/parallel_for.h"
#include "table/internal/type_inference.h"
#include "table/internal/utf8.h"

namespace kiln::table_internal {
namespace {

// Below this many bytes per chunk, threads cost more than they save.
constexpr std::size_t kMinChunkBytes = 256 * 1024;
// Chunks per thread: more, smaller chunks balance load on a busy machine.
constexpr std::size_t kChunksPerThread = 4;

struct Pass1Chunk {
  std::vector<ColumnProfile> profiles;
  CsvScanResult scan;
};

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

class CsvParse {
 public:
  CsvParse(std::string_view data, std::string_view display_name, const ReadOptions& options)
      : data_(data), name_(display_name), options_(options), na_(options.na_values) {}

  Result<Table> Run();

 private:
  Status Error(const std::string& message) const {
    return Status::InvalidArgument(name_ + ": " + message);
  }
  Status ReadHeader();
  // Pass 1 over `starts`; false (and no error) when chunk boundaries were not record boundaries.
  Result<bool> ProfileChunks(const std::vector<std::size_t>& starts,
                             std::vector<Pass1Chunk>* chunks);
  void RunPass1Chunk(std::size_t begin, std::size_t end, Pass1Chunk* chunk) const;

  std::string_view data_;
  std::string name_;
  const ReadOptions& options_;
  NaMatcher na_;
  char delimiter_ = ',';
  std::vector<std::string> names_;
  std::vector<ColumnSetup> setups_;
  std::size_t data_begin_ = 0;
  std::uint64_t first_data_line_ = 2;
  int threads_ = 1;
};

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

void CsvParse::RunPass1Chunk(std::size_t begin, std::size_t end, Pass1Chunk* chunk) const {
  chunk->profiles.clear();
  for (const ColumnSetup& s : setups_)
    chunk->profiles.emplace_back(s);
  CsvScanInput in;
  in.data = data_;
  in.begin = begin;
  in.end = end;
  in.delimiter = delimiter_;
  in.names = &names_;
  in.check_utf8 = !IsAscii(data_.substr(begin, end - begin));
  std::vector<ColumnProfile>& profiles = chunk->profiles;
  CsvScanResult& result = chunk->scan;
  const std::size_t num_columns = names_.size();
  auto on_batch = [&](const RawCell* cells, const std::uint64_t* lines, std::size_t n) {
    // The first failing cell in file order: lowest row, then lowest column.
    std::size_t fail_row = n, fail_column = 0;
    for (std::size_t c = 0; c < num_columns; ++c) {
      std::size_t bad = profiles[c].ObserveBatch(cells + c * kCsvBatchRows, lines, n, na_);
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

Result<bool> CsvParse::ProfileChunks(const std::vector<std::size_t>& starts,
                                     std::vector<Pass1Chunk>* chunks) {
  chunks->clear();
  chunks->resize(starts.size());
  ParallelFor(starts.size(), threads_, [&](std::size_t k) {
    std::size_t end = k + 1 < starts.size() ? starts[k + 1] : data_.size();
    RunPass1Chunk(starts[k], end, &(*chunks)[k]);
  });
  std::uint64_t line = first_data_line_;
  for (std::size_t k = 0; k < chunks->size(); ++k) {
    const CsvScanResult& scan = (*chunks)[k].scan;
    if (scan.failed)
      return Error("line " + std::to_string(line + scan.error_line) + scan.error);
    std::size_t expected_stop = k + 1 < starts.size() ? starts[k + 1] : data_.size();
    if (scan.stop != expected_stop)
      return false;
    line += scan.newlines;
  }
  return true;
}

Result<Table> CsvParse::Run() {
  if (IsBlank(data_))
    return Error("file is empty");
  RETURN_IF_ERROR(ReadHeader());
  setups_ = MakeColumnSetups(names_, options_);
  threads_ = ResolveThreadCount(options_.num_threads);

  // Pass 1.
  std::size_t data_bytes = data_.size() - data_begin_;
  std::size_t num_chunks = std::max<std::size_t>(
      1,
      std::min(static_cast<std::size_t>(threads_) * kChunksPerThread, data_bytes / kMinChunkBytes));
  if (threads_ == 1)
    num_chunks = 1;
  std::vector<std::size_t> starts = SplitIntoChunks(data_, data_begin_, num_chunks);
  std::vector<Pass1Chunk> chunks;
  ASSIGN_OR_RETURN(bool consistent, ProfileChunks(starts, &chunks));
  if (!consistent) {
    // Quotes inside unquoted fields fooled the parity split: parse as one chunk.
    starts = {data_begin_};
    ASSIGN_OR_RETURN(consistent, ProfileChunks(starts, &chunks));
  }

  // Merge profiles in file order and plan the columns.
  const std::size_t num_columns = names_.size();
  std::vector<std::size_t> row_begin(chunks.size());
  std::size_t num_rows = 0;
  std::uint64_t line = first_data_line_;
  std::vector<ColumnProfile> merged = std::move(chunks[0].profiles);
  for (ColumnProfile& p : merged)
    p.ShiftLines(line);
  for (std::size_t k = 0; k < chunks.size(); ++k) {
    row_begin[k] = num_rows;
    num_rows += chunks[k].scan.rows;
    if (k > 0) {
      for (std::size_t c = 0; c < num_columns; ++c)
        merged[c].Merge(chunks[k].profiles[c], line);
    }
    line += chunks[k].scan.newlines;
  }
  chunks.clear();
  if (num_rows == 0)
    return Error("has a header but no data rows");
  std::vector<ColumnPlan> plans(num_columns);
  for (std::size_t c = 0; c < num_columns; ++c)
    plans[c] = PlanColumn(setups_[c], merged[c]);

  Table table;
  table.source = name_;
  table.num_rows = num_rows;
  table.columns.resize(num_columns);
  ParallelFor(num_columns, threads_, [&](std::size_t c) {
    AllocateColumn(setups_[c], plans[c], num_rows, &table.columns[c]);
  });

  // Pass 2.
  std::vector<std::vector<ColumnWriter>> writers(starts.size());
  ParallelFor(starts.size(), threads_, [&](std::size_t k) {
    std::vector<ColumnWriter>& w = writers[k];
    w.reserve(num_columns);
    for (std::size_t c = 0; c < num_columns; ++c) {
      Column& col = table.columns[c];
      w.emplace_back(plans[c].type, na_,
                     col.values.empty() ? nullptr : col.values.data() + row_begin[k],
                     col.codes.empty() ? nullptr : col.codes.data() + row_begin[k]);
    }
    CsvScanInput in;
    in.data = data_;
    in.begin = starts[k];
    in.end = k + 1 < starts.size() ? starts[k + 1] : data_.size();
    in.delimiter = delimiter_;
    in.names = &names_;
    std::size_t row = 0;
    auto on_batch = [&](const RawCell* cells, const std::uint64_t*, std::size_t n) {
      for (std::size_t c = 0; c < num_columns; ++c)
        w[c].WriteBatch(cells + c * kCsvBatchRows, n, row);
      row += n;
      return true;
    };
    CsvScanResult ignored;
    ScanCsvChunk(in, on_batch, &ignored);
  });

  ParallelFor(num_columns, threads_, [&](std::size_t c) {
    std::vector<const ColumnWriter*> column_writers;
    for (const auto& w : writers)
      column_writers.push_back(&w[c]);
    FinishColumn(setups_[c], plans[c], merged[c], column_writers, row_begin, &table.columns[c]);
  });
  return table;
}

}  // namespace

Result<Table> ParseCsv(std::string_view contents, std::string_view display_name,
                       const ReadOptions& options) {
  if (contents.substr(0, 3) == "\xEF\xBB\xBF")
    contents.remove_prefix(3);
  CsvParse parse(contents, display_name, options);
  return parse.Run();
}

}  // namespace kiln::table_internal
