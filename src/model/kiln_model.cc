#include "model/kiln_model.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "common/file_util.h"
#include "learn/registry.h"
#include "model/section_file.h"

namespace kiln {
namespace {

using nlohmann::json;

std::string BagSection(std::size_t member, std::size_t j) {
  return "member/" + std::to_string(member) + "/bag/" + std::to_string(j);
}

Result<KilnModel> FromManifest(const SectionFile& file, const json& m, const std::string& path) {
  KilnModel model;
  ASSIGN_OR_RETURN(model.task, ParseTask(m.at("task").get<std::string>()));
  model.num_classes = m.at("num_classes").get<int>();
  model.class_labels = m.at("class_labels").get<std::vector<std::string>>();
  model.target = m.at("target").get<std::string>();
  if (model.task != Task::kRegression &&
      static_cast<int>(model.class_labels.size()) != model.num_classes) {
    return Status::Corruption(path + ": class_labels does not match num_classes");
  }
  for (const json& p : m.at("pipelines")) {
    ASSIGN_OR_RETURN(FeaturePipeline pipeline, FeaturePipeline::Load(p));
    model.pipelines.push_back(std::move(pipeline));
  }
  if (m.contains("unsupervised")) {
    const json& u = m.at("unsupervised");
    UnsupervisedPart part;
    part.algorithm = u.at("algorithm").get<std::string>();
    part.hyperparameters = u.at("hyperparameters").get<HyperParams>();
    ASSIGN_OR_RETURN(std::string_view bytes, file.Get("unsupervised"));
    Result<std::unique_ptr<UnsupervisedModel>> loaded = LoadUnsupervised(part.algorithm, bytes);
    if (!loaded.has_value()) {
      return Status::Corruption(path + ": unsupervised: " + loaded.error().message());
    }
    part.model = std::shared_ptr<const UnsupervisedModel>(std::move(loaded).value());
    if (model.pipelines.empty()) {
      return Status::Corruption(path + ": an unsupervised model needs a pipeline");
    }
    model.unsupervised = std::move(part);
  }
  const json& members = m.at("members");
  for (std::size_t i = 0; i < members.size(); ++i) {
    const json& jm = members[i];
    EnsembleMember member;
    member.candidate = jm.at("candidate").get<std::string>();
    member.algorithm = jm.at("algorithm").get<std::string>();
    member.hyperparameters = jm.at("hyperparameters").get<HyperParams>();
    member.pipeline = jm.at("pipeline").get<int>();
    member.weight = jm.at("weight").get<double>();
    if (member.pipeline < 0 || member.pipeline >= static_cast<int>(model.pipelines.size())) {
      return Status::Corruption(path + ": member " + std::to_string(i) + " names no pipeline");
    }
    int bag_size = jm.at("bag_size").get<int>();
    for (int j = 0; j < bag_size; ++j) {
      ASSIGN_OR_RETURN(std::string_view bytes, file.Get(BagSection(i, j)));
      Result<std::unique_ptr<Model>> loaded =
          LoadModel(member.algorithm, bytes, model.task, model.num_classes);
      if (!loaded.has_value()) {
        return Status::Corruption(path + ": " + BagSection(i, j) + ": " + loaded.error().message());
      }
      member.bag.push_back(std::shared_ptr<const Model>(std::move(loaded).value()));
    }
    model.members.push_back(std::move(member));
  }
  model.info_json = m.value("info", json::object()).dump();
  return model;
}

}  // namespace

double Predictions::Probability(std::size_t r, int k) const {
  if (outputs == 1) {
    double p = output[r];
    return k == 1 ? p : 1 - p;
  }
  return output[r * outputs + k];
}

void MarginToOutput(Task task, int outputs, const std::vector<double>& margin,
                    std::vector<double>* out) {
  out->resize(margin.size());
  if (task == Task::kRegression) {
    *out = margin;
  } else if (task == Task::kBinary) {
    for (std::size_t i = 0; i < margin.size(); ++i)
      (*out)[i] = 1 / (1 + std::exp(-margin[i]));
  } else {
    std::size_t rows = margin.size() / outputs;
    for (std::size_t r = 0; r < rows; ++r) {
      const double* m = &margin[r * outputs];
      double mx = *std::max_element(m, m + outputs);
      double sum = 0;
      for (int k = 0; k < outputs; ++k)
        sum += std::exp(m[k] - mx);
      for (int k = 0; k < outputs; ++k)
        (*out)[r * outputs + k] = std::exp(m[k] - mx) / sum;
    }
  }
}

std::vector<ColumnSchema> KilnModel::InputSchema() const {
  std::vector<ColumnSchema> out;
  std::vector<bool> used(pipelines.size(), false);
  for (const auto& m : members)
    used[m.pipeline] = true;
  if (unsupervised.has_value() && !pipelines.empty())
    used[0] = true;
  for (std::size_t p = 0; p < pipelines.size(); ++p) {
    if (!used[p])
      continue;
    for (const ColumnSchema& c : pipelines[p].input_schema()) {
      bool seen = std::any_of(out.begin(), out.end(),
                              [&](const ColumnSchema& o) { return o.name == c.name; });
      if (!seen)
        out.push_back(c);
    }
  }
  return out;
}

Result<Predictions> KilnModel::Predict(const Table& table) const {
  Predictions pred;
  pred.rows = table.num_rows;
  if (unsupervised.has_value()) {
    ASSIGN_OR_RETURN(Matrix x, pipelines[0].Transform(table));
    pred.outputs = static_cast<int>(unsupervised->model->output_names().size());
    unsupervised->model->Transform(x, &pred.output);
    return pred;
  }
  pred.outputs = NumOutputs(task, num_classes);
  pred.margin.assign(pred.rows * pred.outputs, 0.0);
  std::vector<Matrix> transformed(pipelines.size());
  std::vector<bool> done(pipelines.size(), false);
  std::vector<double> buf;
  for (const EnsembleMember& member : members) {
    if (!done[member.pipeline]) {
      ASSIGN_OR_RETURN(transformed[member.pipeline], pipelines[member.pipeline].Transform(table));
      done[member.pipeline] = true;
    }
    const Matrix& x = transformed[member.pipeline];
    double w = member.weight / static_cast<double>(member.bag.size());
    for (const auto& model : member.bag) {
      model->PredictMargin(x, &buf);
      for (std::size_t i = 0; i < buf.size(); ++i)
        pred.margin[i] += w * buf[i];
    }
  }
  MarginToOutput(task, pred.outputs, pred.margin, &pred.output);
  return pred;
}

Status KilnModel::Save(const std::string& path) const {
  json m;
  m["format"] = "kiln-model";
  m["kiln_version"] = KILN_VERSION;
  m["task"] = TaskName(task);
  m["num_classes"] = num_classes;
  m["class_labels"] = class_labels;
  m["target"] = target;
  m["pipelines"] = json::array();
  for (const FeaturePipeline& p : pipelines) {
    json jp;
    p.Save(&jp);
    m["pipelines"].push_back(std::move(jp));
  }
  SectionFile file;
  m["members"] = json::array();
  std::vector<std::pair<std::string, std::string>> blobs;
  for (std::size_t i = 0; i < members.size(); ++i) {
    const EnsembleMember& member = members[i];
    m["members"].push_back({{"candidate", member.candidate},
                            {"algorithm", member.algorithm},
                            {"hyperparameters", member.hyperparameters},
                            {"pipeline", member.pipeline},
                            {"weight", member.weight},
                            {"bag_size", member.bag.size()}});
    for (std::size_t j = 0; j < member.bag.size(); ++j) {
      ASSIGN_OR_RETURN(std::string bytes, member.bag[j]->Serialize());
      blobs.emplace_back(BagSection(i, j), std::move(bytes));
    }
  }
  if (unsupervised.has_value()) {
    m["unsupervised"] = {{"algorithm", unsupervised->algorithm},
                         {"hyperparameters", unsupervised->hyperparameters},
                         {"outputs", unsupervised->model->output_names()}};
    ASSIGN_OR_RETURN(std::string bytes, unsupervised->model->Serialize());
    blobs.emplace_back("unsupervised", std::move(bytes));
  }
  try {
    m["info"] = json::parse(info_json);
  } catch (const json::exception& e) {
    return Status::Internal(std::string("model info is not valid JSON: ") + e.what());
  }
  file.Add("manifest", m.dump());
  for (auto& [name, bytes] : blobs)
    file.Add(std::move(name), std::move(bytes));
  return WriteFileAtomic(path, file.Encode());
}

Result<KilnModel> KilnModel::Load(const std::string& path) {
  ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
  ASSIGN_OR_RETURN(SectionFile file, SectionFile::Decode(bytes, path));
  ASSIGN_OR_RETURN(std::string_view manifest, file.Get("manifest"));
  try {
    json m = json::parse(manifest);
    if (m.value("format", "") != "kiln-model") {
      return Status::Corruption(path + ": manifest is not a Kiln model manifest");
    }
    return FromManifest(file, m, path);
  } catch (const json::exception& e) {
    return Status::Corruption(path + ": model manifest does not decode: " + e.what());
  }
}

}  // namespace kiln
