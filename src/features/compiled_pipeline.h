// CompiledPipeline: a fitted FeaturePipeline compiled for serving, transforming one row at a time.
// A row's input values come in the caller's buffers (a number per number-like column: numeric,
// integer, boolean 0/1, datetime seconds; a string per categorical or text column, e.g. a view of
// a request field) and its dense float features are written into the caller's buffer: no Table,
// no Matrix, no allocation. Category lookups go through precomputed open-addressing tables
// searched by string_view; text is tokenized and hashed in place.
//
// Every encoder FeaturePipeline fits is compiled, for tree and linear encodings: numbers (trees
// NaN when missing; linear median imputation, missing indicators, scaling, clipping), ordinal
// codes, one-hot with __rare__ and __missing__, target encoding (numeric or string keys, one
// output or one per class), group-size counts of key-like columns, datetime parts and hashed
// TF-IDF text with its token count. The output
// equals the row FeaturePipeline::Transform gives for the same values bit for bit: the per-value
// arithmetic is the column encoders' own (internal/value_encoding.h), and unseen and missing
// levels take the same paths. An encoder kind this does not know is a FailedPrecondition naming
// it, so the caller keeps FeaturePipeline::Transform.
//
// Thread-safety: immutable after Compile; Transform is safe from many threads. Copies share the
// compiled state, which keeps the pipeline's fitted encoders alive.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "features/feature_pipeline.h"

namespace kiln {

class CompiledPipeline {
 public:
  // `slots[i]` says where input column i of pipeline.input_schema() is read from in Transform's
  // row: an index into `numbers` when the column is number-like, into `texts` otherwise.
  // InvalidArgument when slots.size() is not the number of input columns; FailedPrecondition when
  // the pipeline is not fitted or holds an encoder this cannot compile.
  static Result<CompiledPipeline> Compile(const FeaturePipeline& pipeline,
                                          std::span<const std::uint32_t> slots);

  CompiledPipeline() = default;

  // Floats Transform writes per row (pipeline.output_names().size()).
  std::size_t num_outputs() const;
  // One row: writes num_outputs() floats at `out`. A number that is NaN or +-inf is missing, and
  // so is an empty text (the table reader reads an empty cell as missing).
  void Transform(const double* numbers, const std::string_view* texts, float* out) const;
  // When every output passes a number-like input through as is (tree pipelines over numeric,
  // integer and boolean columns), the `numbers` slot each output copies (non-finite -> NaN);
  // empty otherwise. Callers that hold float rows gather those instead of calling Transform.
  const std::vector<std::uint32_t>& pass_through() const;
  // Up to `max` level strings the encoders of input column `input` were fitted on, most frequent
  // first where the encoder orders them (for building test rows); empty for number-keyed inputs.
  std::vector<std::string> KnownLevels(std::size_t input, std::size_t max) const;

 private:
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace kiln
