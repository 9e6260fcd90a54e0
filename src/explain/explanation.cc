#include "explain/explanation.h"

#include <optional>
#include <unordered_map>

#include "features/feature_pipeline.h"
#include "learn/matrix.h"

namespace kiln {
namespace {

// For each output column of `pipeline`, the index in `columns` of the input column it derives from.
Result<std::vector<std::size_t>> OutputTargets(const FeaturePipeline& pipeline,
                                               const std::vector<std::string>& columns) {
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < columns.size(); ++i)
    index.emplace(columns[i], i);
  const std::vector<ColumnSchema>& inputs = pipeline.input_schema();
  std::vector<std::size_t> targets;
  targets.reserve(pipeline.output_source().size());
  for (int source : pipeline.output_source()) {
    if (source < 0 || static_cast<std::size_t>(source) >= inputs.size()) {
      return Status::Internal("explain: a pipeline output derives from input " +
                              std::to_string(source) + " of " + std::to_string(inputs.size()));
    }
    auto it = index.find(inputs[source].name);
    if (it == index.end()) {
      return Status::Internal("explain: pipeline input \"" + inputs[source].name +
                              "\" is not in the model's input schema");
    }
    targets.push_back(it->second);
  }
  return targets;
}

}  // namespace

Result<Explanation> ExplainModel(const KilnModel& model, const Table& table) {
  if (model.unsupervised.has_value()) {
    return Status::InvalidArgument("explain: this is an unsupervised " +
                                   model.unsupervised->algorithm +
                                   " model, which has no prediction margin to explain; explain "
                                   "classification and regression models");
  }
  Explanation e;
  e.rows = table.num_rows;
  e.outputs = NumOutputs(model.task, model.num_classes);
  for (const ColumnSchema& c : model.InputSchema())
    e.columns.push_back(c.name);
  e.columns.push_back("bias");
  const std::size_t width = e.columns.size();
  const std::size_t blocks = e.rows * static_cast<std::size_t>(e.outputs);
  e.values.assign(blocks * width, 0.0);

  std::vector<std::optional<Matrix>> transformed(model.pipelines.size());
  for (std::size_t m = 0; m < model.members.size(); ++m) {
    const EnsembleMember& member = model.members[m];
    if (member.weight == 0 || member.bag.empty())
      continue;
    const FeaturePipeline& pipeline = model.pipelines[member.pipeline];
    std::optional<Matrix>& x = transformed[member.pipeline];
    if (!x.has_value()) {
      ASSIGN_OR_RETURN(Matrix matrix, pipeline.Transform(table));
      x = std::move(matrix);
    }
    ASSIGN_OR_RETURN(std::vector<std::size_t> targets, OutputTargets(pipeline, e.columns));
    if (targets.size() != x->cols) {
      return Status::Internal("explain: the pipeline names " + std::to_string(targets.size()) +
                              " outputs for a matrix of " + std::to_string(x->cols) + " columns");
    }
    const std::size_t stride = x->cols + 1;
    const double w = member.weight / static_cast<double>(member.bag.size());
    for (const auto& bag_model : member.bag) {
      Result<std::vector<double>> c = bag_model->Contributions(*x);
      if (!c.has_value()) {
        return Status(c.error().code(), "cannot explain ensemble member " + std::to_string(m) +
                                            " (candidate \"" + member.candidate + "\", " +
                                            member.algorithm + "): " + c.error().message());
      }
      if (c->size() != blocks * stride) {
        return Status::Internal("explain: the " + member.algorithm + " model returned " +
                                std::to_string(c->size()) + " contributions, expected " +
                                std::to_string(blocks * stride));
      }
      for (std::size_t b = 0; b < blocks; ++b) {
        const double* src = c->data() + b * stride;
        double* dst = e.values.data() + b * width;
        for (std::size_t j = 0; j < x->cols; ++j)
          dst[targets[j]] += w * src[j];
        dst[width - 1] += w * src[x->cols];
      }
    }
  }
  return e;
}

}  // namespace kiln
