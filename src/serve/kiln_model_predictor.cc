#include "serve/kiln_model_predictor.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "common/digest.h"
#include "common/file_util.h"
#include "serve/input_decoder.h"
#include "table/table.h"

namespace kiln {
namespace {

Status Refuse(const std::string& why) { return Status::FailedPrecondition("model.kiln: " + why); }

// The info JSON's "features" list, or empty when it has none.
std::vector<std::string> RecordedFeatures(const std::string& info_json) {
  std::vector<std::string> out;
  try {
    const nlohmann::json info = nlohmann::json::parse(info_json);
    if (info.is_object() && info.contains("features") && info["features"].is_array()) {
      for (const auto& f : info["features"]) {
        if (!f.is_string())
          return {};
        out.push_back(f.get<std::string>());
      }
    }
  } catch (const nlohmann::json::exception&) {
    return {};
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<KilnModelPredictor>> KilnModelPredictor::Load(
    std::string_view bytes, const std::string& scratch_dir) {
  const std::string path = scratch_dir + "/load-" + HexEncode(RandomBytes(8)) + ".kiln";
  RETURN_IF_ERROR(WriteFileAtomic(path, bytes));
  Result<KilnModel> loaded = KilnModel::Load(path);
  ::unlink(path.c_str());
  if (!loaded.ok()) {
    std::string message = loaded.error().message();
    if (const std::size_t at = message.find(path); at != std::string::npos)
      message.replace(at, path.size(), "model.kiln");
    return Status::FailedPrecondition(message);
  }
  auto p = std::make_unique<KilnModelPredictor>(Key(), std::move(loaded).value());
  const KilnModel& m = p->model_;
  if (m.pipelines.empty() || (!m.unsupervised.has_value() && m.members.empty()))
    return Refuse("the model holds no learner");

  const std::vector<ColumnSchema> schema = m.InputSchema();
  p->features_ = RecordedFeatures(m.info_json);
  if (p->features_.empty()) {
    for (const ColumnSchema& c : schema)
      p->features_.push_back(c.name);
  }
  if (p->features_.empty())
    return Refuse("the model reads no features");
  Result<InputLayout> layout = InputLayout::For(m, p->features_);
  if (!layout.ok())
    return Refuse(layout.error().message() + " (the model's feature list)");
  p->layout_ = std::move(layout).value();
  p->reads_fields_ = !p->layout_.all_plain_numbers();

  OutputSchema& out = p->output_;
  if (m.unsupervised.has_value()) {
    out.names = m.unsupervised->model->output_names();
    out.outputs = static_cast<int>(out.names.size());
    out.kind = m.unsupervised->algorithm == "pca" ? OutputKind::kProjection : OutputKind::kNamed;
  } else if (m.task == Task::kRegression) {
    out.kind = OutputKind::kScore;
    out.outputs = 1;
  } else {
    out.kind = OutputKind::kClassifier;
    out.outputs = NumOutputs(m.task, m.num_classes);
    out.class_labels = m.class_labels;
    const std::size_t classes = static_cast<std::size_t>(std::max(2, m.num_classes));
    for (std::size_t k = out.class_labels.size(); k < classes; ++k)
      out.class_labels.push_back(std::to_string(k));
  }
  if (out.outputs < 1)
    return Refuse("the model has no outputs");
  Result<CompiledKilnModel> compiled = CompiledKilnModel::Compile(m, p->layout_);
  if (!compiled.ok())
    p->compile_note_ = compiled.error().message();
  else if (compiled->num_outputs() != out.outputs)
    p->compile_note_ = "the compiled model's output count differs";
  else
    p->compile_note_ = p->CheckCompiled(*compiled);
  if (p->compile_note_.empty())
    p->compiled_ = std::move(compiled).value();
  return p;
}

std::string KilnModelPredictor::CheckCompiled(const CompiledKilnModel& compiled) const {
  const InputRows probes = compiled.ProbeRows();
  const std::size_t k = static_cast<std::size_t>(output_.outputs);
  std::vector<double> want;
  if (probes.rows == 0 || !PredictTable(InputTable(layout_, probes), &want).ok())
    return "KilnModel could not predict the test rows";
  std::vector<double> got(want.size());
  compiled.Predict(probes, got.data());
  // Models of plain numbers also predict from float rows: the probes as request rows (their
  // values are floats already, but for infinities and the spread values, which floats hold).
  std::vector<double> from_floats;
  if (layout_.all_plain_numbers()) {
    std::vector<float> rows(probes.rows * features_.size(), 0.0f);
    for (std::size_t r = 0; r < probes.rows; ++r) {
      for (const ModelInput& in : layout_.inputs) {
        rows[r * features_.size() + in.position] =
            static_cast<float>(probes.numbers_of(layout_, r)[in.slot]);
      }
    }
    Matrix x;
    x.rows = probes.rows;
    x.cols = features_.size();
    x.values = rows;
    std::vector<double> floats_want;
    if (!Predict(x, &floats_want).ok())
      return "KilnModel could not predict the test rows as floats";
    from_floats.resize(want.size());
    compiled.Predict(rows.data(), probes.rows, from_floats.data());
    for (std::size_t i = 0; i < from_floats.size(); ++i) {
      if (!(std::fabs(from_floats[i] - floats_want[i]) <=
            1e-9 * std::max(1.0, std::fabs(floats_want[i])))) {
        return "the compiled model predicts " + std::to_string(from_floats[i]) +
               " on float test row " + std::to_string(i / k) + ", KilnModel " +
               std::to_string(floats_want[i]);
      }
    }
  }
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (!(std::fabs(got[i] - want[i]) <= 1e-9 * std::max(1.0, std::fabs(want[i])))) {
      return "the compiled model predicts " + std::to_string(got[i]) + " on test row " +
             std::to_string(i / k) + ", KilnModel " + std::to_string(want[i]);
    }
  }
  return "";
}

Status KilnModelPredictor::RefuseFloats() const {
  for (const ModelInput& in : layout_.inputs) {
    if (!IsNumberLike(in.schema.type) || in.schema.type == ColumnType::kDatetime) {
      return Status::InvalidArgument(
          "model.kiln reads " + std::string(ColumnTypeName(in.schema.type)) + " column \"" +
          in.schema.name + "\": send its rows as text fields (CSV or JSON), not as numbers");
    }
  }
  return Status::InvalidArgument("model.kiln reads text fields");
}

Status KilnModelPredictor::PredictRows(std::span<const float> rows, std::size_t num_rows,
                                       std::span<double> out) const {
  if (reads_fields_)
    return RefuseFloats();
  if (!compiled_)
    return Predictor::PredictRows(rows, num_rows, out);
  RETURN_IF_ERROR(CheckRowsShape(*this, rows, num_rows, out));
  compiled_->Predict(rows.data(), num_rows, out.data());
  return Status::Ok();
}

Status KilnModelPredictor::Predict(const Matrix& x, std::vector<double>* out) const {
  out->clear();
  if (reads_fields_)
    return RefuseFloats();
  if (x.cols != features_.size()) {
    return Status::InvalidArgument(std::to_string(x.cols) + " columns given, the model takes " +
                                   std::to_string(features_.size()));
  }
  if (compiled_) {
    out->resize(x.rows * static_cast<std::size_t>(output_.outputs));
    compiled_->Predict(x.values.data(), x.rows, out->data());
    return Status::Ok();
  }
  InputRows rows;
  rows.Resize(layout_, x.rows);
  for (std::size_t r = 0; r < x.rows; ++r) {
    for (const ModelInput& in : layout_.inputs)
      rows.numbers[r * layout_.num_numbers + in.slot] = x.at(r, in.position);
  }
  return PredictTable(InputTable(layout_, rows), out);
}

Status KilnModelPredictor::DecodeFields(const FieldRows& fields, InputRows* rows) const {
  return kiln::DecodeFields(layout_, fields, rows);
}

Status KilnModelPredictor::PredictInputs(const InputRows& rows, std::span<double> out) const {
  const std::size_t want = rows.rows * static_cast<std::size_t>(output_.outputs);
  if (out.size() != want) {
    return Status::InvalidArgument("an output buffer of " + std::to_string(out.size()) +
                                   " values for " + std::to_string(rows.rows) + " rows of " +
                                   std::to_string(output_.outputs) + " outputs");
  }
  if (compiled_) {
    compiled_->Predict(rows, out.data());
    return Status::Ok();
  }
  std::vector<double> values;
  RETURN_IF_ERROR(PredictTable(InputTable(layout_, rows), &values));
  std::copy(values.begin(), values.end(), out.begin());
  return Status::Ok();
}

Status KilnModelPredictor::PredictTable(const Table& table, std::vector<double>* out) const {
  ASSIGN_OR_RETURN(Predictions pred, model_.Predict(table));
  const std::size_t want = table.num_rows * static_cast<std::size_t>(output_.outputs);
  if (pred.output.size() != want) {
    return Status::Internal("model.kiln: predicting " + std::to_string(table.num_rows) +
                            " rows returned " + std::to_string(pred.output.size()) +
                            " values, expected " + std::to_string(want));
  }
  *out = std::move(pred.output);
  return Status::Ok();
}

std::string KilnModelPredictor::Describe() const {
  std::string what;
  if (model_.unsupervised.has_value()) {
    what = model_.unsupervised->algorithm;
  } else {
    what = std::string(TaskName(model_.task));
    for (const EnsembleMember& member : model_.members)
      what += " " + member.algorithm;
  }
  return "model.kiln " + what + ", " + std::to_string(features_.size()) + " features" +
         (reads_fields_ ? " read as text fields, " : ", ") +
         (compiled_ ? "compiled: " + compiled_->Describe()
                    : "predicted by KilnModel (not compiled: " + compile_note_ + ")");
}

}  // namespace kiln
