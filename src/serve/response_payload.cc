#include "serve/response_payload.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace kiln {
namespace {

void AppendNumber(double v, bool single, bool json, std::string* out) {
  if (!std::isfinite(v)) {
    if (json)
      *out += "null";
    else
      *out += std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
    return;
  }
  char buf[64];
  const auto r = single ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(v))
                        : std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, r.ptr);
}

void AppendJsonString(const std::string& s, std::string* out) {
  *out += '"';
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      *out += '\\';
      *out += c;
    } else if (u < 0x20) {
      char esc[8];
      std::snprintf(esc, sizeof esc, "\\u%04x", u);
      *out += esc;
    } else {
      *out += c;
    }
  }
  *out += '"';
}

// A class label as JSON: a number when it reads as one, else a string.
void AppendLabel(const std::string& label, std::string* out) {
  double v = 0;
  const auto [end, ec] = std::from_chars(label.data(), label.data() + label.size(), v);
  if (!label.empty() && ec == std::errc() && end == label.data() + label.size() &&
      std::isfinite(v)) {
    *out += label;
  } else {
    AppendJsonString(label, out);
  }
}

void AppendArray(const double* v, int n, bool single, std::string* out) {
  *out += '[';
  for (int k = 0; k < n; ++k) {
    if (k > 0)
      *out += ',';
    AppendNumber(v[k], single, true, out);
  }
  *out += ']';
}

// The predicted class of one row: binary p >= 0.5 is class 1, else the most probable class.
std::size_t PredictedClass(const double* v, int n) {
  if (n == 1)
    return v[0] >= 0.5 ? 1 : 0;
  std::size_t best = 0;
  for (int k = 1; k < n; ++k) {
    if (v[k] > v[best])
      best = static_cast<std::size_t>(k);
  }
  return best;
}

void AppendJsonRow(const OutputSchema& schema, const double* v, std::string* out) {
  const int n = schema.outputs;
  const bool single = schema.single_precision;
  switch (schema.kind) {
    case OutputKind::kScore:
    case OutputKind::kClassifier:
      *out += "{\"score\":";
      if (n == 1)
        AppendNumber(v[0], single, true, out);
      else
        AppendArray(v, n, single, out);
      if (schema.kind == OutputKind::kClassifier) {
        const std::size_t k = PredictedClass(v, n);
        *out += ",\"predicted_label\":";
        if (k < schema.class_labels.size())
          AppendLabel(schema.class_labels[k], out);
        else
          *out += std::to_string(k);
      }
      *out += '}';
      return;
    case OutputKind::kNamed:
      *out += '{';
      for (int k = 0; k < n; ++k) {
        if (k > 0)
          *out += ',';
        AppendJsonString(k < static_cast<int>(schema.names.size()) ? schema.names[k]
                                                                   : "output_" + std::to_string(k),
                         out);
        *out += ':';
        AppendNumber(v[k], single, true, out);
      }
      *out += '}';
      return;
    case OutputKind::kProjection:
      *out += "{\"projection\":";
      AppendArray(v, n, single, out);
      *out += '}';
      return;
  }
}

}  // namespace

std::string FormatPredictions(MediaType type, const OutputSchema& schema, std::size_t rows,
                              std::span<const double> values) {
  const int n = schema.outputs;
  std::string out;
  out.reserve(rows * static_cast<std::size_t>(n) * 12 + 32);
  switch (type) {
    case MediaType::kCsv:
      for (std::size_t r = 0; r < rows; ++r) {
        if (r > 0)
          out += '\n';
        for (int k = 0; k < n; ++k) {
          if (k > 0)
            out += ',';
          AppendNumber(values[r * n + k], schema.single_precision, false, &out);
        }
      }
      return out;
    case MediaType::kJson:
      out += "{\"predictions\":[";
      for (std::size_t r = 0; r < rows; ++r) {
        if (r > 0)
          out += ',';
        AppendJsonRow(schema, values.data() + r * n, &out);
      }
      out += "]}";
      return out;
    case MediaType::kJsonLines:
      for (std::size_t r = 0; r < rows; ++r) {
        AppendJsonRow(schema, values.data() + r * n, &out);
        out += '\n';
      }
      return out;
  }
  return out;
}

}  // namespace kiln
