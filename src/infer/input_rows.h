// InputLayout and InputRows: request rows decoded into a model.kiln's input columns, the input of
// CompiledKilnModel and of KilnModel::Predict on the serving path.
//
// A model reads the columns of KilnModel::InputSchema(); a request row carries them by position
// (request column i is the i-th name of the model's feature list, see KilnModelPredictor). The
// layout gives each input column its request position and a slot: number-like columns (numeric,
// integer, boolean 0/1, datetime seconds since the epoch) go to `numbers`, categorical and text
// columns to `texts`, each in input order. InputRows holds one double per number slot and one
// string_view per text slot for every row; the views point into the caller's request buffers.
// NaN (or +-inf) is a missing number, the empty view a missing text (as an empty CSV cell is).
//
// Thread-safety: InputLayout is immutable after For; InputRows is a plain buffer owned by one
// thread (serving keeps one per thread, so a request allocates nothing once it has warmed up).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "table/read_options.h"
#include "table/table.h"

namespace kiln {

class KilnModel;

struct ModelInput {
  ColumnSchema schema;       // name and training type
  std::size_t position = 0;  // request column feeding it
  std::uint32_t slot = 0;    // index into InputRows' numbers (number-like) or texts
  bool number = true;        // IsNumberLike(schema.type)
};

struct InputLayout {
  std::vector<ModelInput> inputs;  // KilnModel::InputSchema() order
  std::size_t num_numbers = 0;
  std::size_t num_texts = 0;
  std::size_t num_request_columns = 0;

  // The layout of model.InputSchema() over a request row whose columns are `request_columns`.
  // FailedPrecondition naming a column the request does not carry.
  static Result<InputLayout> For(const KilnModel& model,
                                 const std::vector<std::string>& request_columns);

  // The input named `name`, or null.
  const ModelInput* Find(std::string_view name) const;
  // True when every input is numeric, integer or boolean: a request row of floats then carries
  // the model's inputs exactly (NaN missing), and the text path is not needed.
  bool all_plain_numbers() const;
};

struct InputRows {
  std::size_t rows = 0;
  std::vector<double> numbers;          // rows * layout.num_numbers, row-major
  std::vector<std::string_view> texts;  // rows * layout.num_texts, row-major

  // Sizes the buffers for `rows` rows of `layout` (keeping their capacity).
  void Resize(const InputLayout& layout, std::size_t num_rows);
  const double* numbers_of(const InputLayout& layout, std::size_t row) const {
    return numbers.data() + row * layout.num_numbers;
  }
  const std::string_view* texts_of(const InputLayout& layout, std::size_t row) const {
    return texts.data() + row * layout.num_texts;
  }
};

// A Table of `rows` with the layout's input columns at their training types (categorical and text
// columns get levels in order of first appearance), for KilnModel::Predict.
Table InputTable(const InputLayout& layout, const InputRows& rows);

}  // namespace kiln
