#include "serve/kiln_model_predictor.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "common/digest.h"
#include "common/file_util.h"
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
  for (const ColumnSchema& c : schema) {
    if (!IsNumberLike(c.type)) {
      return Refuse("input column \"" + c.name + "\" is " + ColumnTypeName(c.type) +
                    "; endpoints serve models whose inputs are all numbers");
    }
    const auto it = std::find(p->features_.begin(), p->features_.end(), c.name);
    if (it == p->features_.end())
      return Refuse("input column \"" + c.name + "\" is not in the model's feature list");
    p->inputs_.push_back({c, static_cast<std::size_t>(it - p->features_.begin())});
  }
  if (p->features_.empty())
    return Refuse("the model reads no features");

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
  Result<CompiledKilnModel> compiled = CompiledKilnModel::Compile(m, p->features_);
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
  const std::vector<float>& rows = compiled.probe_rows();
  Matrix x;
  x.cols = features_.size();
  x.rows = rows.size() / x.cols;
  x.values = rows;
  std::vector<double> want;
  if (x.rows == 0 || !Predict(x, &want).ok())
    return "KilnModel could not predict the test rows";
  std::vector<double> got(want.size());
  compiled.Predict(x.values.data(), x.rows, got.data());
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (!(std::fabs(got[i] - want[i]) <= 1e-9 * std::max(1.0, std::fabs(want[i])))) {
      return "the compiled model predicts " + std::to_string(got[i]) + " on test row " +
             std::to_string(i / static_cast<std::size_t>(output_.outputs)) + ", KilnModel " +
             std::to_string(want[i]);
    }
  }
  return "";
}

Status KilnModelPredictor::PredictRows(std::span<const float> rows, std::size_t num_rows,
                                       std::span<double> out) const {
  if (!compiled_)
    return Predictor::PredictRows(rows, num_rows, out);
  RETURN_IF_ERROR(CheckRowsShape(*this, rows, num_rows, out));
  compiled_->Predict(rows.data(), num_rows, out.data());
  return Status::Ok();
}

Status KilnModelPredictor::Predict(const Matrix& x, std::vector<double>* out) const {
  out->clear();
  if (x.cols != features_.size()) {
    return Status::InvalidArgument(std::to_string(x.cols) + " columns given, the model takes " +
                                   std::to_string(features_.size()));
  }
  if (compiled_) {
    out->resize(x.rows * static_cast<std::size_t>(output_.outputs));
    compiled_->Predict(x.values.data(), x.rows, out->data());
    return Status::Ok();
  }
  Table table;
  table.source = "request";
  table.num_rows = x.rows;
  table.columns.resize(inputs_.size());
  for (std::size_t i = 0; i < inputs_.size(); ++i) {
    Column& col = table.columns[i];
    col.name = inputs_[i].schema.name;
    col.type = inputs_[i].schema.type;
    col.values.resize(x.rows);
    for (std::size_t r = 0; r < x.rows; ++r)
      col.values[r] = x.at(r, inputs_[i].position);
  }
  ASSIGN_OR_RETURN(Predictions pred, model_.Predict(table));
  const std::size_t want = x.rows * static_cast<std::size_t>(output_.outputs);
  if (pred.output.size() != want) {
    return Status::Internal("model.kiln: predicting " + std::to_string(x.rows) + " rows returned " +
                            std::to_string(pred.output.size()) + " values, expected " +
                            std::to_string(want));
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
  return "model.kiln " + what + ", " + std::to_string(features_.size()) + " features, " +
         (compiled_ ? "compiled: " + compiled_->Describe()
                    : "predicted by KilnModel (not compiled: " + compile_note_ + ")");
}

}  // namespace kiln
