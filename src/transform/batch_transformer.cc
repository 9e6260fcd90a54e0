#include "transform/batch_transformer.h"

#include <vector>

#include "serve/predictor.h"
#include "serve/response_payload.h"

namespace kiln {

Status TransformClientError(const std::string& what) {
  return Status::InvalidArgument("ClientError: " + what);
}

std::string AtLine(const std::string& uri, std::uint64_t line, const std::string& message,
                   bool whole_object) {
  if (whole_object)
    return uri + ": " + message;
  std::string rest = message;
  if (rest.rfind("line 1", 0) == 0 &&
      (rest.size() == 6 || rest[6] == ',' || rest[6] == ':' || rest[6] == ' '))
    rest.erase(0, 6);
  else
    rest = ": " + rest;
  return uri + ", line " + std::to_string(line) + rest;
}

BatchTransformer::BatchTransformer(const TransformJobSpec& spec, const RecordProcessor& processor,
                                   const Predictor& predictor, std::string uri)
    : spec_(spec),
      processor_(processor),
      predictor_(predictor),
      uri_(std::move(uri)),
      parse_media_(spec.content_type == MediaType::kJson && spec.split == SplitType::kLine
                       ? MediaType::kJsonLines
                       : spec.content_type) {}

Status BatchTransformer::LocateBadRecord(const MiniBatch& batch, const Status& batch_error) const {
  const bool whole = spec_.split == SplitType::kNone;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    ParsedInput one;
    Status parsed = Parse(batch.ModelText(i), &one);
    if (!parsed.ok()) {
      return TransformClientError(AtLine(uri_, batch.items()[i].line, parsed.message(), whole));
    }
  }
  return TransformClientError(uri_ + ", lines " + std::to_string(batch.items().front().line) + "-" +
                              std::to_string(batch.items().back().line) + ": " +
                              batch_error.message());
}

Status BatchTransformer::Parse(std::string_view text, ParsedInput* in) const {
  if (!predictor_.reads_fields()) {
    ASSIGN_OR_RETURN(in->x, ParseRows(parse_media_, text, predictor_.num_features()));
    in->rows = in->x.rows;
    return Status::Ok();
  }
  RETURN_IF_ERROR(ParseFieldsInto(parse_media_, text, predictor_.num_features(), &in->fields));
  RETURN_IF_ERROR(predictor_.DecodeFields(in->fields, &in->inputs));
  in->rows = in->inputs.rows;
  return Status::Ok();
}

Status BatchTransformer::Transform(const MiniBatch& batch, std::string* out) const {
  ParsedInput in;
  Status parsed = Parse(batch.body(), &in);
  if (!parsed.ok())
    return LocateBadRecord(batch, parsed);
  const ParsedInput* x = &in;
  std::vector<double> values;
  Status predicted;
  if (predictor_.reads_fields()) {
    values.resize(in.rows * static_cast<std::size_t>(predictor_.output().outputs));
    predicted = predictor_.PredictInputs(in.inputs, values);
  } else {
    predicted = predictor_.Predict(in.x, &values);
  }
  if (!predicted.ok()) {
    return Status::Internal("AlgorithmError: the model failed on " + uri_ + ", lines " +
                            std::to_string(batch.items().front().line) + "-" +
                            std::to_string(batch.items().back().line) + ": " + predicted.message());
  }
  const OutputSchema& schema = predictor_.output();
  if (!processor_.per_record_output()) {
    if (spec_.accept == MediaType::kJson && spec_.assemble == AssembleWith::kNone) {
      *out += FormatPredictions(MediaType::kJson, schema, x->rows, values);
    } else if (spec_.accept == MediaType::kCsv) {
      *out += FormatPredictions(MediaType::kCsv, schema, x->rows, values);
      *out += '\n';
    } else {
      *out += FormatPredictions(MediaType::kJsonLines, schema, x->rows, values);
    }
    return Status::Ok();
  }
  if (x->rows != batch.size()) {
    return TransformClientError(uri_ +
                                ": JoinSource and OutputFilter need one row per record, but a "
                                "record holds " +
                                std::to_string(x->rows) + " rows; use SplitType Line");
  }
  const std::string lines =
      FormatPredictions(spec_.accept == MediaType::kCsv ? MediaType::kCsv : MediaType::kJsonLines,
                        schema, x->rows, values);
  std::size_t pos = 0;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    std::size_t nl = lines.find('\n', pos);
    if (nl == std::string::npos)
      nl = lines.size();
    const std::string_view line(lines.data() + pos, nl - pos);
    pos = nl + 1;
    Status joined = processor_.AppendOutput(batch.Input(i), line, out);
    if (!joined.ok())
      return TransformClientError(AtLine(uri_, batch.items()[i].line, joined.message(), false));
    *out += '\n';
  }
  return Status::Ok();
}

}  // namespace kiln
