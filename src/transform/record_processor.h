// RecordProcessor: DataProcessing for one transform job — what each record becomes before the
// model sees it (InputFilter) and what is written for it afterwards (JoinSource, OutputFilter), as
// SageMaker's "Associate Prediction Results with Input Records" describes:
//
//   InputFilter   applied to each input record: a CSV record is the list of its columns
//                 (`$[1:]` drops an ID column), a JSON record is itself (`$.features`)
//   JoinSource    Input: the output is joined to the (unfiltered) input record — CSV: the output's
//                 columns appended to the input's; JSON: the input object with the output under
//                 "SageMakerOutput", or {"SageMakerInput": input, "SageMakerOutput": output} when
//                 the input is not an object
//   OutputFilter  applied to what is written (the joined record, or the output alone): `$[0,-1]`
//                 keeps the first input column and the last output column
//
// The output of one record is a line of the model's response: CSV values, or the JSON object of
// one prediction ({"score": 0.93}). CSV columns are split per RFC 4180 (quoted fields keep their
// quotes and may hold commas) and written back byte for byte. Errors name the filter and the
// problem; the runner adds the object and line.
//
// Thread-safety: immutable after Make; use from many threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "serve/request_payload.h"
#include "transform/json_path.h"

namespace kiln {

enum class JoinSource { kNone, kInput };

struct DataProcessingSpec {
  std::string input_filter;   // "" or "$": none
  std::string output_filter;  // "" or "$": none
  JoinSource join = JoinSource::kNone;
};

class RecordProcessor {
 public:
  // InvalidArgument naming the DataProcessing field when the filters do not parse or do not fit
  // the media types (a member path on CSV records; JoinSource Input on CSV input with a JSON
  // Accept).
  static Result<RecordProcessor> Make(MediaType content, MediaType accept,
                                      const DataProcessingSpec& spec);

  // True when records need InputFilter applied (else they go to the model as they are).
  bool filters_input() const { return input_filter_.has_value(); }
  // True when outputs are joined or filtered record by record.
  bool per_record_output() const { return join_ || output_filter_.has_value(); }

  // Appends what the model is sent for `record`.
  Status AppendModelInput(std::string_view record, std::string* out) const;
  // Appends what is written for a record: `input` the raw input record, `output` its line of the
  // model's response (see the header comment). No line break is added.
  Status AppendOutput(std::string_view input, std::string_view output, std::string* out) const;

 private:
  MediaType content_ = MediaType::kCsv;
  MediaType accept_ = MediaType::kCsv;
  bool join_ = false;
  std::optional<JsonPath> input_filter_;
  std::optional<JsonPath> output_filter_;
};

// The RFC 4180 fields of a CSV line, each with its quotes as written (views into `line`).
std::vector<std::string_view> SplitCsvFields(std::string_view line);

}  // namespace kiln
