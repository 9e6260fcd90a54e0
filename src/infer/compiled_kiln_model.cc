// CompiledKilnModel: compiling a KilnModel's pipelines and bag models, and predicting through them
// in tiles of rows on the stack; see the header.
#include "infer/compiled_kiln_model.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "infer/xgboost_forest.h"
#include "learn/forest/forest_model.h"
#include "learn/knn/knn_model.h"
#include "learn/linear/linear_model.h"
#include "learn/unsupervised/kmeans_model.h"
#include "learn/unsupervised/pca_model.h"
#include "learn/xgboost/xgboost_model.h"
#include "model/kiln_model.h"

namespace kiln {
namespace {

constexpr std::size_t kMaxTileRows = 64;
// Number inputs of one float row converted to double on the stack (the float-row path).
constexpr std::size_t kMaxNumberInputs = 2048;
constexpr std::size_t kProbeCount = 48;

Status Refuse(const std::string& why) {
  return Status::FailedPrecondition("model.kiln cannot be compiled: " + why);
}

// Probe numbers for an input that is not passed through: missing, infinities and spread values.
std::vector<double> SpreadNumbers(ColumnType type) {
  if (type == ColumnType::kDatetime) {
    return {std::nan(""), 1.6e9, 9.5e8, 1.7e9 + 3600 * 7, -8.6e7, 2.2e9, 1e13};
  }
  if (type == ColumnType::kBoolean)
    return {std::nan(""), 0, 1};
  return {std::nan(""), 0, 1, -1, 0.5, 2, 3, 7, 10, 25, 100, -100, 1e4, 3e5, 1e9, INFINITY};
}

}  // namespace

Result<CompiledKilnModel> CompiledKilnModel::Compile(
    const KilnModel& model, const std::vector<std::string>& request_columns) {
  Result<InputLayout> layout = InputLayout::For(model, request_columns);
  if (!layout.ok())
    return Refuse(layout.error().message());
  return Compile(model, *layout);
}

Result<CompiledKilnModel> CompiledKilnModel::Compile(const KilnModel& model,
                                                     const InputLayout& layout) {
  if (!model.unsupervised.has_value() && model.members.empty())
    return Refuse("it holds no learner");
  if (model.unsupervised.has_value() &&
      (model.unsupervised->model == nullptr || model.pipelines.empty()))
    return Refuse("its " + model.unsupervised->algorithm + " model reads no pipeline");
  CompiledKilnModel out;
  out.layout_ = layout;
  out.task_ = model.unsupervised.has_value() ? Task::kRegression : model.task;
  out.outputs_ = model.unsupervised.has_value()
                     ? static_cast<int>(model.unsupervised->model->output_names().size())
                     : NumOutputs(model.task, model.num_classes);
  out.number_position_.resize(layout.num_numbers);
  out.probe_numbers_.resize(layout.num_numbers);
  out.probe_texts_.resize(layout.num_texts);
  for (const ModelInput& in : layout.inputs) {
    if (in.number)
      out.number_position_[in.slot] = static_cast<std::uint32_t>(in.position);
  }
  if (layout.all_plain_numbers() && layout.num_numbers > kMaxNumberInputs)
    return Refuse(std::to_string(layout.num_numbers) + " number inputs (at most " +
                  std::to_string(kMaxNumberInputs) + " are compiled)");

  // The pipelines the model reads (the members', or an unsupervised model's first), compiled once
  // each, in order of first use.
  std::vector<int> compiled_index(model.pipelines.size(), -1);
  std::size_t total_width = 0;
  const auto use_pipeline = [&](int which, const std::string& reader) -> Result<std::size_t> {
    if (which < 0 || static_cast<std::size_t>(which) >= model.pipelines.size())
      return Refuse(reader + " reads no pipeline");
    int& index = compiled_index[static_cast<std::size_t>(which)];
    if (index >= 0)
      return static_cast<std::size_t>(index);
    const FeaturePipeline& p = model.pipelines[static_cast<std::size_t>(which)];
    std::vector<std::uint32_t> slots;
    for (const ColumnSchema& c : p.input_schema()) {
      const ModelInput* in = layout.Find(c.name);
      if (in == nullptr)
        return Refuse("column \"" + c.name + "\" is not among the request's columns");
      slots.push_back(in->slot);
    }
    Result<CompiledPipeline> compiled = CompiledPipeline::Compile(p, slots);
    if (!compiled.ok())
      return Refuse(compiled.error().message());
    Pipeline pipeline;
    pipeline.width = compiled->num_outputs();
    for (const std::uint32_t slot : compiled->pass_through())
      pipeline.gather.push_back(out.number_position_[slot]);
    pipeline.compiled = std::move(compiled).value();
    total_width += pipeline.width;
    index = static_cast<int>(out.pipelines_.size());
    out.pipelines_.push_back(std::move(pipeline));
    return static_cast<std::size_t>(index);
  };
  std::vector<std::size_t> member_pipeline;
  if (model.unsupervised.has_value()) {
    ASSIGN_OR_RETURN(const std::size_t pi, use_pipeline(0, model.unsupervised->algorithm));
    member_pipeline.push_back(pi);
  }
  for (const EnsembleMember& member : model.members) {
    if (model.unsupervised.has_value())
      break;
    ASSIGN_OR_RETURN(const std::size_t pi,
                     use_pipeline(member.pipeline, "member " + member.candidate));
    member_pipeline.push_back(pi);
  }
  if (total_width == 0 || total_width > kBufferFloats) {
    return Refuse(std::to_string(total_width) + " features per row (at most " +
                  std::to_string(kBufferFloats) + " are compiled)");
  }
  if (static_cast<std::size_t>(out.outputs_) > kBufferFloats)
    return Refuse(std::to_string(out.outputs_) + " outputs per row (at most " +
                  std::to_string(kBufferFloats) + " are compiled)");

  if (model.unsupervised.has_value()) {
    const UnsupervisedPart& u = *model.unsupervised;
    Part part;
    part.pipeline = member_pipeline[0];
    part.weight = 1;
    std::size_t features = 0;
    int outputs = 0;
    if (const auto* kmeans = dynamic_cast<const KMeansModel*>(u.model.get())) {
      Result<CompiledKMeans> compiled = CompiledKMeans::Compile(*kmeans);
      if (!compiled.ok())
        return Refuse(compiled.error().message());
      part.kmeans = std::move(compiled).value();
      part.kind = PartKind::kKMeans;
      features = part.kmeans.num_features();
      outputs = part.kmeans.num_outputs();
    } else if (const auto* pca = dynamic_cast<const PcaModel*>(u.model.get())) {
      Result<CompiledProjection> compiled = CompiledProjection::Compile(*pca);
      if (!compiled.ok())
        return Refuse(compiled.error().message());
      part.projection = std::move(compiled).value();
      part.kind = PartKind::kProjection;
      features = part.projection.num_features();
      outputs = part.projection.num_outputs();
    } else {
      return Refuse("it holds a " + u.algorithm + " model (compiled: kmeans, pca)");
    }
    const std::size_t width = out.pipelines_[part.pipeline].width;
    if (features != width || outputs != out.outputs_) {
      return Refuse("its " + u.algorithm + " model reads " + std::to_string(features) +
                    " features into " + std::to_string(outputs) + " outputs; its pipeline gives " +
                    std::to_string(width) + " and it names " + std::to_string(out.outputs_));
    }
    out.parts_.push_back(std::move(part));
  }

  const std::size_t k = static_cast<std::size_t>(out.outputs_);
  for (std::size_t mi = 0; mi < model.members.size() && !model.unsupervised.has_value(); ++mi) {
    const EnsembleMember& member = model.members[mi];
    if (member.bag.empty())
      return Refuse("member " + member.candidate + " holds no model");
    const std::size_t pi = member_pipeline[mi];
    const Pipeline& pipeline = out.pipelines_[pi];
    for (const auto& m : member.bag) {
      Part part;
      part.pipeline = pi;
      part.weight = member.weight / static_cast<double>(member.bag.size());
      std::size_t features = 0;
      int outputs = 0;
      if (const auto* xgb = dynamic_cast<const XgboostModel*>(m.get())) {
        ASSIGN_OR_RETURN(const std::string bytes, xgb->Serialize());
        Result<CompiledXgboostModel> compiled = CompileXgboostModel(bytes);
        if (!compiled.ok())
          return Refuse(compiled.error().message());
        part.kind = PartKind::kXgboost;
        part.xgboost = std::move(compiled->forest);
        features = part.xgboost.num_features();
        outputs = part.xgboost.num_groups();
        // Its split thresholds as probe values of the inputs the pipeline passes through.
        const std::vector<std::uint32_t>& through = pipeline.compiled.pass_through();
        const std::vector<float>& probes = compiled->probe_rows;
        for (std::size_t r = 0; !through.empty() && (r + 1) * through.size() <= probes.size();
             ++r) {
          for (std::size_t j = 0; j < through.size(); ++j)
            out.probe_numbers_[through[j]].push_back(probes[r * through.size() + j]);
        }
      } else if (const auto* linear = dynamic_cast<const LinearModel*>(m.get())) {
        part.kind = PartKind::kLinear;
        part.coefficients.assign(linear->coefficients().begin(), linear->coefficients().end());
        part.intercepts.assign(linear->intercepts().begin(), linear->intercepts().end());
        features = static_cast<std::size_t>(linear->num_features());
        outputs = static_cast<int>(part.intercepts.size());
      } else if (const auto* forest = dynamic_cast<const ForestModel*>(m.get())) {
        Result<CompiledCartForest> compiled = CompiledCartForest::Compile(*forest);
        if (!compiled.ok())
          return Refuse(compiled.error().message());
        part.kind = PartKind::kCartForest;
        part.cart = std::move(compiled).value();
        features = part.cart.num_features();
        outputs = part.cart.num_outputs();
      } else if (const auto* knn = dynamic_cast<const KnnModel*>(m.get())) {
        Result<CompiledKnn> compiled = CompiledKnn::Compile(*knn);
        if (!compiled.ok())
          return Refuse("member " + member.candidate + " is " + compiled.error().message());
        part.kind = PartKind::kKnn;
        part.knn = std::move(compiled).value();
        features = part.knn.num_features();
        outputs = part.knn.num_outputs();
      } else {
        return Refuse("member " + member.candidate + " is " + member.algorithm +
                      " (compiled: xgboost, linear, random_forest, extra_trees, knn)");
      }
      if (features != pipeline.width || outputs != out.outputs_) {
        return Refuse("a " + member.algorithm + " model of member " + member.candidate + " reads " +
                      std::to_string(features) + " features into " + std::to_string(outputs) +
                      " margins; its pipeline gives " + std::to_string(pipeline.width) +
                      " and the task needs " + std::to_string(out.outputs_));
      }
      out.parts_.push_back(std::move(part));
    }
  }
  out.tile_rows_ = std::max<std::size_t>(
      1, std::min({kMaxTileRows, kBufferFloats / total_width, kBufferFloats / k}));
  std::size_t offset = 0;
  for (Pipeline& p : out.pipelines_) {
    p.offset = offset;
    offset += out.tile_rows_ * p.width;
  }

  // Probe values: spread numbers after the thresholds; the encoders' levels, an unseen one and
  // missing for texts.
  for (const ModelInput& in : layout.inputs) {
    if (in.number) {
      for (const double v : SpreadNumbers(in.schema.type))
        out.probe_numbers_[in.slot].push_back(v);
      continue;
    }
    std::vector<std::string>& texts = out.probe_texts_[in.slot];
    for (std::size_t i = 0; i < model.pipelines.size(); ++i) {
      if (compiled_index[i] < 0)
        continue;
      const std::vector<ColumnSchema>& schema = model.pipelines[i].input_schema();
      for (std::size_t c = 0; c < schema.size(); ++c) {
        if (schema[c].name == in.schema.name) {
          for (std::string& level :
               out.pipelines_[static_cast<std::size_t>(compiled_index[i])].compiled.KnownLevels(
                   c, kProbeCount))
            texts.push_back(std::move(level));
        }
      }
    }
    texts.push_back("");
    texts.push_back("\x01unseen level");
    texts.push_back("some words, Some WORDS and 42 more");
  }
  return out;
}

InputRows CompiledKilnModel::ProbeRows() const {
  InputRows rows;
  rows.Resize(layout_, kProbeCount);
  for (std::size_t r = 0; r < kProbeCount; ++r) {
    for (std::size_t s = 0; s < layout_.num_numbers; ++s) {
      const std::vector<double>& v = probe_numbers_[s];
      rows.numbers[r * layout_.num_numbers + s] = v[(r * 7 + s * 3) % v.size()];
    }
    for (std::size_t s = 0; s < layout_.num_texts; ++s) {
      const std::vector<std::string>& v = probe_texts_[s];
      rows.texts[r * layout_.num_texts + s] = v[(r * 5 + s) % v.size()];
    }
  }
  return rows;
}

void CompiledKilnModel::PredictTile(const float* features, std::size_t n, double* acc) const {
  const std::size_t k = static_cast<std::size_t>(outputs_);
  std::fill(acc, acc + n * k, 0.0);
  float margins[kBufferFloats];
  double margin[kBufferFloats];
  for (const Part& part : parts_) {
    const Pipeline& p = pipelines_[part.pipeline];
    const float* x = features + p.offset;
    switch (part.kind) {
      case PartKind::kXgboost:
        part.xgboost.PredictMargin(x, n, margins);
        for (std::size_t i = 0; i < n * k; ++i)
          acc[i] += part.weight * static_cast<double>(margins[i]);
        break;
      case PartKind::kLinear:
        // As LinearModel::PredictMargin: x . w + b per output, in double, in column order.
        for (std::size_t r = 0; r < n; ++r) {
          const float* row = x + r * p.width;
          for (std::size_t o = 0; o < k; ++o) {
            const double* w = part.coefficients.data() + o * p.width;
            double m = part.intercepts[o];
            for (std::size_t j = 0; j < p.width; ++j)
              m += w[j] * row[j];
            acc[r * k + o] += part.weight * m;
          }
        }
        break;
      case PartKind::kCartForest:
      case PartKind::kKnn:  // margins row by row
        for (std::size_t r = 0; r < n; ++r) {
          if (part.kind == PartKind::kKnn)
            part.knn.Margin(x + r * p.width, margin);
          else
            part.cart.Margin(x + r * p.width, margin);
          for (std::size_t o = 0; o < k; ++o)
            acc[r * k + o] += part.weight * margin[o];
        }
        break;
      // An unsupervised model is the only part and its outputs are the predictions (task_ is
      // regression: no link).
      case PartKind::kKMeans:
      case PartKind::kProjection:
        for (std::size_t r = 0; r < n; ++r) {
          if (part.kind == PartKind::kKMeans)
            part.kmeans.Transform(x + r * p.width, acc + r * k);
          else
            part.projection.Transform(x + r * p.width, acc + r * k);
        }
        break;
    }
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

void CompiledKilnModel::Predict(const InputRows& rows, double* out) const {
  const std::size_t k = static_cast<std::size_t>(outputs_);
  float features[kBufferFloats];
  for (std::size_t begin = 0; begin < rows.rows; begin += tile_rows_) {
    const std::size_t n = std::min(tile_rows_, rows.rows - begin);
    for (const Pipeline& p : pipelines_) {
      for (std::size_t r = 0; r < n; ++r) {
        p.compiled.Transform(rows.numbers_of(layout_, begin + r), rows.texts_of(layout_, begin + r),
                             features + p.offset + r * p.width);
      }
    }
    PredictTile(features, n, out + begin * k);
  }
}

void CompiledKilnModel::Predict(const float* rows, std::size_t num_rows, double* out) const {
  const std::size_t k = static_cast<std::size_t>(outputs_);
  const std::size_t cols = layout_.num_request_columns;
  float features[kBufferFloats];
  double numbers[kMaxNumberInputs];
  for (std::size_t begin = 0; begin < num_rows; begin += tile_rows_) {
    const std::size_t n = std::min(tile_rows_, num_rows - begin);
    const float* in = rows + begin * cols;
    for (const Pipeline& p : pipelines_) {
      float* f = features + p.offset;
      if (!p.gather.empty()) {  // numbers passed through: gather the request columns
        for (std::size_t r = 0; r < n; ++r) {
          for (std::size_t j = 0; j < p.width; ++j) {
            const float v = in[r * cols + p.gather[j]];
            f[r * p.width + j] = std::isfinite(v) ? v : std::numeric_limits<float>::quiet_NaN();
          }
        }
        continue;
      }
      for (std::size_t r = 0; r < n; ++r) {
        for (std::size_t s = 0; s < layout_.num_numbers; ++s)
          numbers[s] = in[r * cols + number_position_[s]];
        p.compiled.Transform(numbers, nullptr, f + r * p.width);
      }
    }
    PredictTile(features, n, out + begin * k);
  }
}

std::string CompiledKilnModel::Describe() const {
  std::size_t counts[kPartKinds] = {};
  std::size_t xgb_trees = 0, cart_trees = 0, knn_rows = 0, width = 0;
  std::string unsupervised;
  for (const Part& p : parts_) {
    ++counts[static_cast<int>(p.kind)];
    if (p.kind == PartKind::kXgboost)
      xgb_trees += p.xgboost.num_trees();
    if (p.kind == PartKind::kCartForest)
      cart_trees += p.cart.num_trees();
    if (p.kind == PartKind::kKnn)
      knn_rows += p.knn.num_rows();
    if (p.kind == PartKind::kKMeans)
      unsupervised = "k-means model (" + std::to_string(p.kmeans.num_clusters()) + " clusters)";
    if (p.kind == PartKind::kProjection)
      unsupervised = "PCA model (" + std::to_string(p.projection.num_outputs()) + " components)";
  }
  for (const Pipeline& p : pipelines_)
    width += p.width;
  std::string out = unsupervised;
  const auto add = [&](PartKind kind, const char* one, const char* many, std::string extra) {
    const std::size_t count = counts[static_cast<int>(kind)];
    if (count == 0)
      return;
    out +=
        (out.empty() ? "" : ", ") + std::to_string(count) + " " + (count == 1 ? one : many) + extra;
  };
  add(PartKind::kXgboost, "xgboost model", "xgboost models",
      " (" + std::to_string(xgb_trees) + " trees)");
  add(PartKind::kLinear, "linear model", "linear models", "");
  add(PartKind::kCartForest, "forest", "forests", " (" + std::to_string(cart_trees) + " trees)");
  add(PartKind::kKnn, "knn model", "knn models",
      " (" + std::to_string(knn_rows) + " training rows)");
  return out + "; " + std::to_string(pipelines_.size()) +
         (pipelines_.size() == 1 ? " compiled pipeline, " : " compiled pipelines, ") +
         std::to_string(width) + " features";
}

}  // namespace kiln
