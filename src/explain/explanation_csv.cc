#include "explain/explanation_csv.h"

#include "common/csv_field.h"
#include "common/number_format.h"

namespace kiln {
namespace {}  // namespace

std::string RenderExplanationCsv(const KilnModel& model, const Explanation& e) {
  const bool per_class = e.outputs > 1;
  std::string out;
  out.reserve(e.values.size() * 12 + 32 * e.columns.size() * e.outputs);
  for (int o = 0; o < e.outputs; ++o) {
    const std::string prefix = per_class ? model.class_labels[o] + ":" : std::string();
    for (std::size_t c = 0; c < e.columns.size(); ++c) {
      if (o > 0 || c > 0)
        out.push_back(',');
      AppendCsvField(prefix + e.columns[c], &out);
    }
  }
  out.push_back('\n');
  const std::size_t width = e.columns.size();
  for (std::size_t r = 0; r < e.rows; ++r) {
    const std::size_t row_width = width * static_cast<std::size_t>(e.outputs);
    for (std::size_t i = 0; i < row_width; ++i) {
      if (i > 0)
        out.push_back(',');
      AppendShortest(e.values[r * row_width + i], &out);
    }
    out.push_back('\n');
  }
  return out;
}

}  // namespace kiln
