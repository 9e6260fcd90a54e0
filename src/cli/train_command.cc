#include "cli/train_command.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "automl/problem_type.h"
#include "cli/command_util.h"
#include "common/file_util.h"
#include "features/feature_pipeline.h"
#include "learn/metrics.h"
#include "learn/registry.h"
#include "learn/unsupervised/unsupervised_model.h"
#include "model/kiln_model.h"
#include "table/table_reader.h"

namespace kiln {
namespace {

using nlohmann::json;

Result<HyperParams> ParseHyperParams(const std::vector<std::string>& items) {
  HyperParams hp;
  for (const std::string& item : items) {
    std::size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Status::InvalidArgument("--hp \"" + item + "\" is not NAME=VALUE");
    }
    std::string name = item.substr(0, eq);
    if (hp.count(name) != 0) {
      return Status::InvalidArgument("hyperparameter \"" + name + "\" is given twice");
    }
    hp[name] = item.substr(eq + 1);
  }
  return hp;
}

FeatureEncoding EncodingFor(const std::string& algorithm) {
  return algorithm == "xgboost" || algorithm == "random_forest" || algorithm == "extra_trees"
             ? FeatureEncoding::kTree
             : FeatureEncoding::kLinear;
}

std::string AlgorithmNames() {
  std::string names;
  for (const auto& a : SupervisedAlgorithms())
    names += (names.empty() ? "" : ", ") + a;
  for (const auto& a : UnsupervisedAlgorithms())
    names += ", " + a;
  return names;
}

// k-means and PCA: no target; the features are every usable column except --target if given.
Status RunUnsupervised(const TrainCommandArgs& args, const HyperParams& hp) {
  std::size_t bytes = 0;
  ASSIGN_OR_RETURN(std::string sha, Sha256File(args.train_path, &bytes));
  ASSIGN_OR_RETURN(Table table, ReadTable(args.train_path, ReadOptions()));
  if (!args.target.empty() && table.Find(args.target) < 0) {
    return Status::InvalidArgument("column \"" + args.target +
                                   "\" (given as --target, excluded "
                                   "from the features) is not in " +
                                   args.train_path);
  }
  std::vector<std::string> features;
  for (const Column& c : table.columns) {
    if (c.name != args.target && !c.is_id && c.missing < table.num_rows)
      features.push_back(c.name);
  }
  PipelineSpec spec;
  spec.encoding = FeatureEncoding::kLinear;
  spec.max_onehot_levels = 10000;  // no target to encode against: one-hot (rare levels merged)
  Matrix x;
  ASSIGN_OR_RETURN(
      FeaturePipeline pipeline,
      FeaturePipeline::Fit(table, features, spec, Task::kRegression, 0, {}, args.seed, &x));
  FitContext ctx;
  ctx.num_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  ctx.seed = args.seed;
  ASSIGN_OR_RETURN(std::unique_ptr<UnsupervisedModel> fitted,
                   FitUnsupervised(args.algorithm, hp, x, ctx));
  json info;
  info["kiln_version"] = KILN_VERSION;
  info["command"] = args.command_line;
  info["algorithm"] = args.algorithm;
  info["hyperparameters"] = hp;
  info["model_info"] = fitted->Info();
  info["seed"] = args.seed;
  info["features"] = features;
  info["data"] = {
      {"path", args.train_path}, {"sha256", sha}, {"bytes", bytes}, {"rows", table.num_rows}};
  KilnModel model;
  model.pipelines.push_back(std::move(pipeline));
  model.unsupervised = UnsupervisedPart{args.algorithm, hp, std::move(fitted)};
  model.info_json = info.dump();
  RETURN_IF_ERROR(PrepareOutputDir(args.out_dir, args.overwrite));
  RETURN_IF_ERROR(model.Save(args.out_dir + "/model.kiln"));
  for (const auto& [k, v] : model.unsupervised->model->Info()) {
    std::printf("%s: %s\n", k.c_str(), v.c_str());
  }
  std::printf("model: %s/model.kiln\n", args.out_dir.c_str());
  return Status::Ok();
}

json Scores(Task task, int num_classes, const std::vector<float>& y, const Model& model,
            const Matrix& x) {
  std::vector<double> pred;
  model.Predict(x, &pred);
  json out = json::object();
  for (Metric m : ReportedMetrics(task)) {
    double v = ComputeMetric(m, task, num_classes, y, pred);
    out[MetricName(m)] = std::isfinite(v) ? json(v) : json(nullptr);
  }
  return out;
}

}  // namespace

Status RunTrainCommand(const TrainCommandArgs& args) {
  RETURN_IF_ERROR(CheckOutputDir(args.out_dir, args.overwrite));
  ASSIGN_OR_RETURN(HyperParams hp, ParseHyperParams(args.hyperparameters));
  for (const auto& a : UnsupervisedAlgorithms()) {
    if (a == args.algorithm)
      return RunUnsupervised(args, hp);
  }
  bool known = false;
  for (const auto& a : SupervisedAlgorithms())
    known = known || a == args.algorithm;
  if (!known) {
    return Status::InvalidArgument("unknown --algorithm \"" + args.algorithm +
                                   "\"; expected one of: " + AlgorithmNames());
  }
  if (args.target.empty()) {
    return Status::InvalidArgument("--target is required for --algorithm " + args.algorithm);
  }
  std::size_t bytes = 0;
  ASSIGN_OR_RETURN(std::string sha, Sha256File(args.train_path, &bytes));
  ReadOptions read;
  read.dictionary_columns = {args.target};
  ASSIGN_OR_RETURN(Table table, ReadTable(args.train_path, read));
  int ti = table.Find(args.target);
  if (ti < 0) {
    return Status::InvalidArgument("target column \"" + args.target + "\" is not in " +
                                   args.train_path);
  }
  ASSIGN_OR_RETURN(ProblemType problem, InferProblemType(table.columns[ti], args.problem_type));
  std::printf("problem type: %s (%s)\n", TaskName(problem.task), problem.reason.c_str());
  const Task task = problem.task;
  EncodedTarget enc = EncodeTarget(table.columns[ti], task);
  const int num_classes = static_cast<int>(enc.class_labels.size());
  for (std::size_t r = 0; r < enc.y.size(); ++r) {
    if (std::isnan(enc.y[r])) {
      return Status::InvalidArgument(args.train_path + ": line " + std::to_string(r + 2) +
                                     ": the target \"" + args.target + "\" is missing");
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Learner> learner,
                   MakeLearner(args.algorithm, hp, task, num_classes));

  std::vector<std::string> features;
  for (const Column& c : table.columns) {
    if (c.name != args.target && !c.is_id && c.missing < table.num_rows)
      features.push_back(c.name);
  }
  PipelineSpec spec;
  spec.encoding = EncodingFor(args.algorithm);
  spec.class_names = enc.class_labels;
  Matrix x;
  ASSIGN_OR_RETURN(
      FeaturePipeline pipeline,
      FeaturePipeline::Fit(table, features, spec, task, num_classes, enc.y, args.seed, &x));
  TrainSet train{&x, enc.y, {}, pipeline.output_categorical()};

  Matrix xv;
  std::vector<float> yv;
  std::optional<TrainSet> valid;
  if (!args.validation_path.empty()) {
    ReadOptions vread;
    vread.schema = pipeline.input_schema();
    vread.dictionary_columns = {args.target};
    ASSIGN_OR_RETURN(Table vt, ReadTable(args.validation_path, vread));
    int vti = vt.Find(args.target);
    if (vti < 0) {
      return Status::InvalidArgument("target column \"" + args.target + "\" is not in " +
                                     args.validation_path);
    }
    const Column& vc = vt.columns[vti];
    std::map<std::string, int> index;
    for (int k = 0; k < num_classes; ++k)
      index[enc.class_labels[k]] = k;
    for (std::size_t r = 0; r < vt.num_rows; ++r) {
      if (task == Task::kRegression) {
        yv.push_back(static_cast<float>(vc.values[r]));
      } else {
        int code = vc.codes[r];
        auto it = code < 0 ? index.end() : index.find(vc.levels[code]);
        if (it == index.end()) {
          return Status::InvalidArgument(args.validation_path + ": line " + std::to_string(r + 2) +
                                         ": target value \"" +
                                         (code < 0 ? std::string() : vc.levels[code]) +
                                         "\" is not a class of the training data");
        }
        yv.push_back(static_cast<float>(it->second));
      }
      if (std::isnan(yv.back())) {
        return Status::InvalidArgument(args.validation_path + ": line " + std::to_string(r + 2) +
                                       ": the target \"" + args.target + "\" is missing");
      }
    }
    ASSIGN_OR_RETURN(xv, pipeline.Transform(vt));
    valid = TrainSet{&xv, yv, {}, pipeline.output_categorical()};
  }

  FitContext ctx;
  ctx.num_threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  ctx.seed = args.seed;
  ASSIGN_OR_RETURN(std::unique_ptr<Model> fitted,
                   learner->Fit(train, valid ? &*valid : nullptr, ctx));

  json info;
  info["kiln_version"] = KILN_VERSION;
  info["command"] = args.command_line;
  info["algorithm"] = args.algorithm;
  info["hyperparameters"] = learner->params();
  info["model_info"] = fitted->Info();
  info["problem_type"] = TaskName(task);
  info["problem_type_reason"] = problem.reason;
  info["target"] = args.target;
  info["seed"] = args.seed;
  info["data"] = {
      {"path", args.train_path}, {"sha256", sha}, {"bytes", bytes}, {"rows", table.num_rows}};
  info["metrics"] = {{"train", Scores(task, num_classes, enc.y, *fitted, x)}};
  if (valid) {
    info["metrics"]["validation"] = Scores(task, num_classes, yv, *fitted, xv);
    info["validation_data"] = args.validation_path;
  }

  KilnModel model;
  model.task = task;
  model.num_classes = task == Task::kRegression ? 0 : num_classes;
  model.class_labels = enc.class_labels;
  model.target = args.target;
  model.pipelines.push_back(std::move(pipeline));
  EnsembleMember member;
  member.candidate = "train";
  member.algorithm = args.algorithm;
  member.hyperparameters = learner->params();
  member.pipeline = 0;
  member.weight = 1;
  member.bag.push_back(std::shared_ptr<const Model>(std::move(fitted)));
  model.members.push_back(std::move(member));
  model.info_json = info.dump();

  RETURN_IF_ERROR(PrepareOutputDir(args.out_dir, args.overwrite));
  RETURN_IF_ERROR(model.Save(args.out_dir + "/model.kiln"));
  for (const auto& [split, scores] : info["metrics"].items()) {
    std::string line;
    for (const auto& [k, v] : scores.items()) {
      line += " " + k + "=" + (v.is_null() ? std::string("nan") : std::to_string(v.get<double>()));
    }
    std::printf("%s:%s\n", split.c_str(), line.c_str());
  }
  std::printf("model: %s/model.kiln\n", args.out_dir.c_str());
  return Status::Ok();
}

}  // namespace kiln
