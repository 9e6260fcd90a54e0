// InputLayout, InputRows and InputTable; see the header.
#include "infer/input_rows.h"

#include <algorithm>
#include <unordered_map>

#include "model/kiln_model.h"

namespace kiln {

Result<InputLayout> InputLayout::For(const KilnModel& model,
                                     const std::vector<std::string>& request_columns) {
  InputLayout out;
  out.num_request_columns = request_columns.size();
  for (const ColumnSchema& c : model.InputSchema()) {
    const auto it = std::find(request_columns.begin(), request_columns.end(), c.name);
    if (it == request_columns.end()) {
      return Status::FailedPrecondition("input column \"" + c.name +
                                        "\" is not among the request's columns");
    }
    ModelInput in;
    in.schema = c;
    in.position = static_cast<std::size_t>(it - request_columns.begin());
    in.number = IsNumberLike(c.type);
    in.slot = static_cast<std::uint32_t>(in.number ? out.num_numbers++ : out.num_texts++);
    out.inputs.push_back(std::move(in));
  }
  return out;
}

const ModelInput* InputLayout::Find(std::string_view name) const {
  for (const ModelInput& in : inputs) {
    if (in.schema.name == name)
      return &in;
  }
  return nullptr;
}

bool InputLayout::all_plain_numbers() const {
  return std::all_of(inputs.begin(), inputs.end(), [](const ModelInput& in) {
    return in.schema.type == ColumnType::kNumeric || in.schema.type == ColumnType::kInteger ||
           in.schema.type == ColumnType::kBoolean;
  });
}

void InputRows::Resize(const InputLayout& layout, std::size_t num_rows) {
  rows = num_rows;
  numbers.resize(num_rows * layout.num_numbers);
  texts.resize(num_rows * layout.num_texts);
}

Table InputTable(const InputLayout& layout, const InputRows& rows) {
  Table table;
  table.source = "request";
  table.num_rows = rows.rows;
  table.columns.resize(layout.inputs.size());
  for (std::size_t i = 0; i < layout.inputs.size(); ++i) {
    const ModelInput& in = layout.inputs[i];
    Column& col = table.columns[i];
    col.name = in.schema.name;
    col.type = in.schema.type;
    if (in.number) {
      col.values.resize(rows.rows);
      for (std::size_t r = 0; r < rows.rows; ++r)
        col.values[r] = rows.numbers_of(layout, r)[in.slot];
      continue;
    }
    std::unordered_map<std::string_view, std::int32_t> codes;
    col.codes.resize(rows.rows);
    for (std::size_t r = 0; r < rows.rows; ++r) {
      const std::string_view text = rows.texts_of(layout, r)[in.slot];
      if (text.empty()) {
        col.codes[r] = -1;
        continue;
      }
      const auto [it, added] = codes.emplace(text, static_cast<std::int32_t>(col.levels.size()));
      if (added)
        col.levels.emplace_back(text);
      col.codes[r] = it->second;
    }
  }
  return table;
}

}  // namespace kiln
