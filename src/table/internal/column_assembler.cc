#include "table/internal/column_assembler.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "table/internal/cell_classifier.h"

namespace kiln::table_internal {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

template <class T>
void Release(std::vector<T>* v) {
  std::vector<T>().swap(*v);
}

// Values of a number or date column.
void AssembleValues(const ColumnSetup& setup, const ColumnPlan& plan, std::size_t num_rows,
                    const std::vector<ChunkColumn*>& pieces, Column* column) {
  std::vector<double>& out = column->values;
  bool in_place = !out.empty() && std::all_of(pieces.begin(), pieces.end(), [](ChunkColumn* p) {
    return p->values() == nullptr || p->values_external();
  });
  if (in_place) {
    std::size_t row = 0;
    for (std::size_t k = 0; k < pieces.size(); ++k) {
      std::size_t n = pieces[k]->rows();
      if (pieces[k]->values() == nullptr) {
        std::fill_n(out.data() + row, n, kNaN);
      } else if (out.data() + row != pieces[k]->values()) {
        std::memmove(out.data() + row, pieces[k]->values(), n * sizeof(double));
      }
      row += n;
    }
    out.resize(num_rows);
  } else {
    std::vector<double> fresh;
    fresh.reserve(num_rows);
    for (ChunkColumn* piece : pieces) {
      const double* v = piece->values();
      if (v == nullptr)
        fresh.resize(fresh.size() + piece->rows(), kNaN);
      else
        fresh.insert(fresh.end(), v, v + piece->rows());
    }
    out = std::move(fresh);
  }
  // Speculative number storage read "-0" as ParseNumber does; an integer column holds +0.
  bool negative_zero = std::any_of(pieces.begin(), pieces.end(),
                                   [](const ChunkColumn* p) { return p->negative_zero(); });
  if (plan.type == ColumnType::kInteger && !setup.forced && negative_zero) {
    for (double& d : out) {
      if (d == 0)
        d = 0;
    }
  }
}

// Values of a boolean column, from its chunks' codes (each level's spelling gives 1 or 0).
void AssembleBooleans(std::size_t num_rows, const std::vector<ChunkColumn*>& pieces,
                      Column* column) {
  std::vector<double> out;
  out.reserve(num_rows);
  std::vector<double> level_value;
  for (ChunkColumn* piece : pieces) {
    const std::int32_t* codes = piece->codes();
    if (codes == nullptr) {  // every row missing
      out.resize(out.size() + piece->rows(), kNaN);
      continue;
    }
    const LabelTable& local = piece->labels();
    level_value.resize(local.size());
    for (std::size_t i = 0; i < local.size(); ++i) {
      bool b;
      level_value[i] = ParseBoolean(local.key(i), &b) ? (b ? 1.0 : 0.0) : kNaN;
    }
    for (std::size_t r = 0; r < piece->rows(); ++r)
      out.push_back(codes[r] >= 0 ? level_value[static_cast<std::size_t>(codes[r])] : kNaN);
  }
  column->values = std::move(out);
}

void AssembleCodes(std::size_t num_rows, const std::vector<ChunkColumn*>& pieces, Column* column) {
  std::vector<std::int32_t>& out = column->codes;
  bool in_place = !out.empty() && std::all_of(pieces.begin(), pieces.end(), [](ChunkColumn* p) {
    return p->codes() == nullptr || p->codes_external();
  });
  std::vector<std::int32_t> fresh;
  if (!in_place)
    fresh.reserve(num_rows);
  StringDictionary global;
  std::vector<std::int32_t> remap;
  std::size_t row = 0;
  for (std::size_t k = 0; k < pieces.size(); ++k) {
    const ChunkColumn& piece = *pieces[k];
    const std::size_t n = piece.rows();
    const std::int32_t* src = piece.codes();
    std::int32_t* dst;
    if (in_place) {
      dst = out.data() + row;
    } else {
      fresh.resize(row + n);
      dst = fresh.data() + row;
    }
    row += n;
    if (src == nullptr) {  // every row missing
      std::fill_n(dst, n, -1);
      continue;
    }
    const LabelTable& local = piece.labels();
    remap.resize(local.size());
    bool identity = true;
    for (std::size_t i = 0; i < local.size(); ++i) {
      std::int32_t code = global.FindOrAdd(local.key(i));
      remap[i] = code;
      identity = identity && code == static_cast<std::int32_t>(i);
    }
    if (identity) {
      if (dst != src)
        std::memmove(dst, src, n * sizeof(std::int32_t));
    } else {
      // dst <= src, so a forward pass never overwrites a code before reading it.
      for (std::size_t r = 0; r < n; ++r)
        dst[r] = src[r] >= 0 ? remap[static_cast<std::size_t>(src[r])] : -1;
    }
  }
  if (in_place)
    out.resize(num_rows);
  else
    out = std::move(fresh);
  column->levels.reserve(global.size());
  for (std::size_t i = 0; i < global.size(); ++i)
    column->levels.emplace_back(global.key(i));
}

}  // namespace

bool AssembleColumn(const ColumnSetup& setup, const ColumnPlan& plan, std::size_t num_rows,
                    const std::vector<ChunkColumn*>& pieces, Column* column, ValueStats* stats) {
  column->name = setup.name;
  column->type = plan.type;
  column->type_reason = plan.reason;
  bool has_stats = false;
  // Booleans read the codes in place, so they go before the codes are compacted.
  if (plan.type == ColumnType::kBoolean) {
    AssembleBooleans(num_rows, pieces, column);
  } else if (IsNumberLike(plan.type)) {
    AssembleValues(setup, plan, num_rows, pieces, column);
    stats->Clear();
    for (const ChunkColumn* piece : pieces) {
      if (piece->values() != nullptr)
        stats->Merge(piece->value_stats());
    }
    has_stats = true;
  } else {
    Release(&column->values);
  }
  if (plan.dictionary)
    AssembleCodes(num_rows, pieces, column);
  else
    Release(&column->codes);
  for (ChunkColumn* piece : pieces)
    piece->ReleaseLocal();
  return has_stats;
}

}  // namespace kiln::table_internal
