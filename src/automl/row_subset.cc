#include "automl/row_subset.h"

namespace kiln {

Table SelectTableRows(const Table& table, std::span<const std::size_t> rows) {
  Table out;
  out.source = table.source;
  out.num_rows = rows.size();
  for (const Column& c : table.columns) {
    Column n;
    n.name = c.name;
    n.type = c.type;
    n.levels = c.levels;
    n.distinct = c.distinct;
    n.is_id = c.is_id;
    n.likely_id = c.likely_id;
    n.type_reason = c.type_reason;
    if (!c.values.empty()) {
      n.values.reserve(rows.size());
      for (std::size_t r : rows)
        n.values.push_back(c.values[r]);
    }
    if (!c.codes.empty()) {
      n.codes.reserve(rows.size());
      for (std::size_t r : rows)
        n.codes.push_back(c.codes[r]);
    }
    for (std::size_t r = 0; r < rows.size(); ++r)
      n.missing += n.IsMissing(r) ? 1 : 0;
    out.columns.push_back(std::move(n));
  }
  return out;
}

}  // namespace kiln
