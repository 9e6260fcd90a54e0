#include "model/prediction_csv.h"

#include <cmath>
#include <ctime>

#include "common/csv_field.h"
#include "common/number_format.h"

namespace kiln {
namespace {}  // namespace

std::string CellText(const Column& column, std::size_t row) {
  if (column.HasCodes() && !IsNumberLike(column.type)) {
    int code = column.codes[row];
    return code < 0 ? std::string() : column.levels[code];
  }
  if (column.HasCodes()) {
    int code = column.codes[row];
    if (code >= 0)
      return column.levels[code];
  }
  double v = column.values[row];
  if (std::isnan(v))
    return std::string();
  if (column.type == ColumnType::kBoolean)
    return v != 0 ? "true" : "false";
  if (column.type == ColumnType::kDatetime) {
    std::time_t t = static_cast<std::time_t>(std::floor(v));
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
  }
  return FormatShortest(v);
}

std::string RenderPredictionsCsv(const KilnModel& model, const Predictions& pred,
                                 const Column* id_column) {
  std::string out;
  out.reserve(pred.rows * (16 + 20 * pred.outputs));
  if (id_column != nullptr) {
    AppendCsvField(id_column->name, &out);
    out.push_back(',');
  }
  if (model.unsupervised.has_value()) {
    const std::vector<std::string> names = model.unsupervised->model->output_names();
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (i > 0)
        out.push_back(',');
      AppendCsvField(names[i], &out);
    }
    out.push_back('\n');
    for (std::size_t r = 0; r < pred.rows; ++r) {
      if (id_column != nullptr) {
        AppendCsvField(CellText(*id_column, r), &out);
        out.push_back(',');
      }
      for (int o = 0; o < pred.outputs; ++o) {
        if (o > 0)
          out.push_back(',');
        AppendShortest(pred.output[r * pred.outputs + o], &out);
      }
      out.push_back('\n');
    }
    return out;
  }
  bool classification = model.task != Task::kRegression;
  if (classification) {
    out += "predicted_label";
    for (const std::string& label : model.class_labels) {
      out.push_back(',');
      AppendCsvField("probability_" + label, &out);
    }
  } else {
    out += "prediction";
  }
  out.push_back('\n');
  for (std::size_t r = 0; r < pred.rows; ++r) {
    if (id_column != nullptr) {
      AppendCsvField(CellText(*id_column, r), &out);
      out.push_back(',');
    }
    if (classification) {
      int best = 0;
      double best_p = -1;
      for (int k = 0; k < model.num_classes; ++k) {
        double p = pred.Probability(r, k);
        if (p > best_p) {
          best_p = p;
          best = k;
        }
      }
      AppendCsvField(model.class_labels[best], &out);
      for (int k = 0; k < model.num_classes; ++k) {
        out.push_back(',');
        AppendShortest(pred.Probability(r, k), &out);
      }
    } else {
      AppendShortest(pred.output[r], &out);
    }
    out.push_back('\n');
  }
  return out;
}

}  // namespace kiln
