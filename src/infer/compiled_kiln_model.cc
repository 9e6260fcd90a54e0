// CompiledKilnModel: compiling a KilnModel's pipelines and XGBoost bag models, and predicting
// through them in tiles of rows on the stack; see the header.
#include "infer/compiled_kiln_model.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "infer/xgboost_forest.h"
#include "learn/xgboost/xgboost_model.h"
#include "model/kiln_model.h"

namespace kiln {
namespace {

constexpr std::size_t kBufferFloats = 4096;  // stack floats per buffer in Predict

Status Refuse(const std::string& why) {
  return Status::FailedPrecondition("model.kiln cannot be compiled: " + why);
}

// The request column feeding each output of `p`, when `p` passes numbers through.
Result<std::vector<std::uint32_t>> Gather(const FeaturePipeline& p,
                                          const std::vector<std::string>& request_columns) {
  if (p.spec().encoding != FeatureEncoding::kTree)
    return Refuse("a pipeline is not tree-encoded");
  std::vector<std::uint32_t> gather;
  for (std::size_t j = 0; j < p.output_names().size(); ++j) {
    const int source = p.output_source()[j];
    if (source < 0 || static_cast<std::size_t>(source) >= p.input_schema().size())
      return Refuse("pipeline output \"" + p.output_names()[j] + "\" has no input column");
    const ColumnSchema& in = p.input_schema()[source];
    if (p.output_categorical()[j] || p.output_names()[j] != in.name ||
        (in.type != ColumnType::kNumeric && in.type != ColumnType::kInteger &&
         in.type != ColumnType::kBoolean)) {
      return Refuse("feature \"" + p.output_names()[j] + "\" (from " + ColumnTypeName(in.type) +
                    " column \"" + in.name + "\") is not a number passed through");
    }
    const auto it = std::find(request_columns.begin(), request_columns.end(), in.name);
    if (it == request_columns.end())
      return Refuse("column \"" + in.name + "\" is not among the request's columns");
    gather.push_back(static_cast<std::uint32_t>(it - request_columns.begin()));
  }
  return gather;
}

}  // namespace

Result<CompiledKilnModel> CompiledKilnModel::Compile(
    const KilnModel& model, const std::vector<std::string>& request_columns) {
  if (model.unsupervised.has_value())
    return Refuse("it holds a " + model.unsupervised->algorithm + " model, not trees");
  if (model.members.empty())
    return Refuse("it holds no learner");
  CompiledKilnModel out;
  out.task_ = model.task;
  out.outputs_ = NumOutputs(model.task, model.num_classes);
  out.num_inputs_ = request_columns.size();
  std::size_t widest = 1;
  for (const EnsembleMember& member : model.members) {
    if (member.algorithm != "xgboost")
      return Refuse("member " + member.candidate + " is " + member.algorithm + ", not xgboost");
    if (member.bag.empty())
      return Refuse("member " + member.candidate + " holds no model");
    if (member.pipeline < 0 || static_cast<std::size_t>(member.pipeline) >= model.pipelines.size())
      return Refuse("member " + member.candidate + " reads no pipeline");
    ASSIGN_OR_RETURN(const std::vector<std::uint32_t> gather,
                     Gather(model.pipelines[member.pipeline], request_columns));
    for (const auto& m : member.bag) {
      const auto* xgb = dynamic_cast<const XgboostModel*>(m.get());
      if (xgb == nullptr)
        return Refuse("member " + member.candidate + " holds a model that is not XGBoost's");
      ASSIGN_OR_RETURN(const std::string bytes, xgb->Serialize());
      Result<CompiledXgboostModel> compiled = CompileXgboostModel(bytes);
      if (!compiled.ok())
        return Refuse(compiled.error().message());
      Part part;
      part.forest = std::move(compiled->forest);
      part.gather = gather;
      part.weight = member.weight / static_cast<double>(member.bag.size());
      if (part.forest.num_features() != gather.size() || part.forest.num_groups() != out.outputs_) {
        return Refuse("an XGBoost model of member " + member.candidate + " reads " +
                      std::to_string(part.forest.num_features()) + " features into " +
                      std::to_string(part.forest.num_groups()) + " margins; its pipeline gives " +
                      std::to_string(gather.size()) + " and the task needs " +
                      std::to_string(out.outputs_));
      }
      widest = std::max(widest, gather.size());
      // A few of its probe rows, scattered into request columns (the others 0).
      const std::size_t f = gather.size();
      for (std::size_t r = 0; r < 16 && (r + 1) * f <= compiled->probe_rows.size(); ++r) {
        const std::size_t at = out.probe_rows_.size();
        out.probe_rows_.resize(at + request_columns.size(), 0.0f);
        for (std::size_t j = 0; j < f; ++j)
          out.probe_rows_[at + gather[j]] = compiled->probe_rows[r * f + j];
      }
      out.parts_.push_back(std::move(part));
    }
  }
  const std::size_t per_row = std::max(widest, static_cast<std::size_t>(out.outputs_));
  if (per_row > kBufferFloats)
    return Refuse(std::to_string(per_row) + " values per row (at most " +
                  std::to_string(kBufferFloats) + " are compiled)");
  out.tile_rows_ = std::min<std::size_t>(64, kBufferFloats / per_row);
  return out;
}

void CompiledKilnModel::Predict(const float* rows, std::size_t num_rows, double* out) const {
  const std::size_t k = static_cast<std::size_t>(outputs_);
  float features[kBufferFloats];
  float margins[kBufferFloats];
  for (std::size_t begin = 0; begin < num_rows; begin += tile_rows_) {
    const std::size_t n = std::min(tile_rows_, num_rows - begin);
    const float* in = rows + begin * num_inputs_;
    double* acc = out + begin * k;
    std::fill(acc, acc + n * k, 0.0);
    for (const Part& part : parts_) {
      const std::size_t f = part.gather.size();
      for (std::size_t r = 0; r < n; ++r) {
        for (std::size_t j = 0; j < f; ++j) {
          const float v = in[r * num_inputs_ + part.gather[j]];
          features[r * f + j] = std::isfinite(v) ? v : std::numeric_limits<float>::quiet_NaN();
        }
      }
      part.forest.PredictMargin(features, n, margins);
      for (std::size_t i = 0; i < n * k; ++i)
        acc[i] += part.weight * static_cast<double>(margins[i]);
    }
    // The link, as MarginToOutput computes it.
    if (task_ == Task::kBinary) {
      for (std::size_t i = 0; i < n * k; ++i)
        acc[i] = 1 / (1 + std::exp(-acc[i]));
    } else if (task_ == Task::kMulticlass) {
      for (std::size_t r = 0; r < n; ++r) {
        double* m = acc + r * k;
        const double mx = *std::max_element(m, m + k);
        double sum = 0;
        for (std::size_t c = 0; c < k; ++c)
          sum += std::exp(m[c] - mx);
        for (std::size_t c = 0; c < k; ++c)
          m[c] = std::exp(m[c] - mx) / sum;
      }
    }
  }
}

std::string CompiledKilnModel::Describe() const {
  std::size_t trees = 0;
  for (const Part& p : parts_)
    trees += p.forest.num_trees();
  return std::to_string(parts_.size()) +
         (parts_.size() == 1 ? " xgboost model, " : " xgboost models, ") + std::to_string(trees) +
         " trees";
}

}  // namespace kiln
