// DecodeFields; see the header.
#include "serve/input_decoder.h"

#include <limits>

#include "serve/internal/payload_rows.h"
#include "table/cell_value.h"

namespace kiln {

Status DecodeFields(const InputLayout& layout, const FieldRows& fields, InputRows* rows) {
  if (fields.cols != layout.num_request_columns) {
    return Status::InvalidArgument(std::to_string(fields.cols) +
                                   " fields per row, the model takes " +
                                   std::to_string(layout.num_request_columns));
  }
  rows->Resize(layout, fields.rows);
  for (std::size_t r = 0; r < fields.rows; ++r) {
    double* numbers = rows->numbers.data() + r * layout.num_numbers;
    std::string_view* texts = rows->texts.data() + r * layout.num_texts;
    for (const ModelInput& in : layout.inputs) {
      const std::string_view field = fields.at(r, in.position);
      if (!in.number) {
        texts[in.slot] = field;
        continue;
      }
      const std::string_view text = serve_internal::TrimBlanks(field);
      double v = std::numeric_limits<double>::quiet_NaN();
      if (!text.empty() && !ParseCellValue(in.schema.type, text, &v)) {
        const bool header = fields.csv && fields.number[r] == 1 && r == 0;
        return Status::InvalidArgument(fields.Where(r, in.position) + " (\"" + in.schema.name +
                                       "\"): " + serve_internal::Shown(text) + " " +
                                       CellMismatchReason(in.schema.type, text) +
                                       (header ? " (send no header row)" : ""));
      }
      numbers[in.slot] = v;
    }
  }
  return Status::Ok();
}

}  // namespace kiln
