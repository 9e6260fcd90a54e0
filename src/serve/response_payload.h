// Inference response bodies: a Predictor's outputs written as the negotiated media type
// (research note §3.2).
//
//   text/csv               one line per row, the row's outputs comma-separated (binary classifiers
//                          and XGBoost's binary:logistic: the probability; multi:softprob: the
//                          class-probability vector), lines joined by "\n"
//   application/json       {"predictions": [<row>, ...]}
//   application/jsonlines  one <row> per line
//
// where <row> is {"score": v} (or a list of values), plus "predicted_label" for classifiers,
// {"closest_cluster": c, "distance_to_cluster": d} for k-means, {"projection": [...]} for PCA.
// Numbers are the shortest text that reads back exactly (float32 values as float32); a label that
// reads as a number is written as one. NaN and infinities are null in JSON. Thread-safety: pure
// functions.
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "serve/predictor.h"
#include "serve/request_payload.h"

namespace kiln {

// REQUIRES values.size() == rows * schema.outputs.
std::string FormatPredictions(MediaType type, const OutputSchema& schema, std::size_t rows,
                              std::span<const double> values);

}  // namespace kiln
