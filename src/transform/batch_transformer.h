// BatchTransformer: one mini-batch of one input object through the model — parse the records
// (serve/request_payload.h; text fields, serve/request_fields.h, for models that read
// categorical, datetime or text columns), predict, format the response (serve/response_payload.h)
// and, when DataProcessing asks, join and filter each record's output (RecordProcessor) — giving
// the bytes the batch adds to the object's .out.
//
// Output: without JoinSource or OutputFilter, CSV and JSON Lines responses end in a newline and a
// JSON response (AssembleWith None) is written as is; otherwise one line per record. Errors name
// the object and line: a batch that does not parse is re-parsed record by record so the message
// points at the bad one ("ClientError: s3://b/k, line 7, column 2: "x" is not a number"); a model
// failure is "AlgorithmError: ...".
//
// Thread-safety: immutable; Transform may run on many threads at once.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "infer/input_rows.h"
#include "learn/matrix.h"
#include "serve/request_fields.h"
#include "serve/request_payload.h"
#include "transform/mini_batch.h"
#include "transform/record_processor.h"
#include "transform/transform_request.h"

namespace kiln {

class Predictor;

class BatchTransformer {
 public:
  // All references outlive the transformer. `uri` names the input object in errors.
  BatchTransformer(const TransformJobSpec& spec, const RecordProcessor& processor,
                   const Predictor& predictor, std::string uri);

  // Appends the batch's output to `out`. REQUIRES !batch.empty().
  Status Transform(const MiniBatch& batch, std::string* out) const;

  // What the records are parsed as: JSON records split by line are JSON Lines.
  MediaType parse_media() const { return parse_media_; }

 private:
  // A mini-batch's records read for the model: rows of numbers, or, for a model that reads
  // categorical, datetime or text columns (Predictor::reads_fields), text fields decoded as its
  // input columns (views into the batch's text, which must outlive it).
  struct ParsedInput {
    Matrix x;
    FieldRows fields;
    InputRows inputs;
    std::size_t rows = 0;
  };
  Status Parse(std::string_view text, ParsedInput* in) const;
  Status LocateBadRecord(const MiniBatch& batch, const Status& batch_error) const;

  const TransformJobSpec& spec_;
  const RecordProcessor& processor_;
  const Predictor& predictor_;
  const std::string uri_;
  const MediaType parse_media_;
};

// "ClientError: <what>".
Status TransformClientError(const std::string& what);

// `message` from a one-record parse ("line 1, column 2: ...") placed at `line` of `uri`:
// "<uri>, line <line>, column 2: ...". With `whole_object` the message's own lines are the
// object's: "<uri>: <message>".
std::string AtLine(const std::string& uri, std::uint64_t line, const std::string& message,
                   bool whole_object);

}  // namespace kiln
