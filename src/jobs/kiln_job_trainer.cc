// TrainKilnModelJob (see job_trainer.h): Kiln's learners behind a numeric feature pipeline, saved
// as model.kiln.
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>
#include <random>
#include <unordered_set>

#include "common/file_util.h"
#include "features/feature_pipeline.h"
#include "jobs/algorithm_image.h"
#include "jobs/job_trainer.h"
#include "learn/metrics.h"
#include "learn/registry.h"
#include "learn/unsupervised/unsupervised_model.h"
#include "model/kiln_model.h"
#include "table/table.h"

namespace kiln {
namespace {

using nlohmann::json;

// The dataset's features as an all-numeric Table (NaN = missing).
Table ToTable(const Dataset& d, const std::string& source) {
  Table t;
  t.source = source;
  t.num_rows = d.x.rows;
  t.columns.resize(d.x.cols);
  for (std::size_t c = 0; c < d.x.cols; ++c) {
    Column& col = t.columns[c];
    col.name = d.feature_names[c];
    col.type = ColumnType::kNumeric;
    col.values.resize(d.x.rows);
    std::unordered_set<float> distinct;
    for (std::size_t r = 0; r < d.x.rows; ++r) {
      const float v = d.x.at(r, c);
      col.values[r] = v;
      if (std::isnan(v))
        ++col.missing;
      else if (distinct.size() <= d.x.rows)
        distinct.insert(v);
    }
    col.distinct = distinct.size();
  }
  return t;
}

// The rows of `d` kept by a seeded sample of `n` (all when n is 0 or ≥ rows), in row order.
Dataset Sample(const Dataset& d, std::size_t n, std::uint64_t seed) {
  if (n == 0 || n >= d.x.rows)
    return d;
  std::vector<std::size_t> index(d.x.rows);
  std::iota(index.begin(), index.end(), 0);
  std::mt19937_64 rng(seed);
  std::shuffle(index.begin(), index.end(), rng);
  index.resize(n);
  std::sort(index.begin(), index.end());
  Dataset out = d;
  out.x = d.x.SelectRows(index);
  out.y.clear();
  for (std::size_t i : index)
    out.y.push_back(d.y[i]);
  return out;
}

PipelineSpec SpecFor(const TrainingPlan& plan) {
  PipelineSpec spec;
  const bool trees = plan.learner == "random_forest" || plan.learner == "extra_trees";
  spec.encoding = trees ? FeatureEncoding::kTree : FeatureEncoding::kLinear;
  spec.scaling = plan.standardize ? Scaling::kStandard : Scaling::kNone;
  if (!plan.standardize)
    spec.linear_clip = 0;
  return spec;
}

void AddScores(const std::string& split, Task task, int classes, const Model& model,
               const Matrix& x, const std::vector<float>& y,
               std::vector<std::pair<std::string, double>>* out) {
  std::vector<double> pred;
  model.Predict(x, &pred);
  for (Metric m : ReportedMetrics(task)) {
    const double v = ComputeMetric(m, task, classes, y, pred);
    if (std::isfinite(v))
      out->emplace_back(split + ":" + MetricName(m), v);
  }
}

// k-means: mean and sum of squared distances to the closest center (SageMaker's msd and ssd).
void AddKMeansScores(const std::string& split, const UnsupervisedModel& model, const Matrix& x,
                     std::vector<std::pair<std::string, double>>* out) {
  std::vector<double> t;
  model.Transform(x, &t);
  double ssd = 0;
  for (std::size_t r = 0; r < x.rows; ++r)
    ssd += t[2 * r + 1] * t[2 * r + 1];
  out->emplace_back(split + ":msd", x.rows == 0 ? 0 : ssd / static_cast<double>(x.rows));
  out->emplace_back(split + ":ssd", ssd);
}

Status CheckStop(const TrainerInput& in) {
  return in.control->Check() == StopCause::kNone ? Status::Ok()
                                                 : Status::Cancelled("stopped during training");
}

json Provenance(const TrainerInput& in, const std::vector<std::pair<std::string, double>>& m) {
  json info;
  info["kiln_version"] = KILN_VERSION;
  info["training_job"] = in.job_name;
  info["algorithm"] = AlgorithmImageName(in.plan->algorithm);
  info["learner"] = in.plan->learner;
  info["hyperparameters"] = in.plan->learner_params;
  info["seed"] = in.plan->seed;
  info["features"] = in.train->feature_names;
  info["input"] = "text/csv rows of the features above in this order, without the label";
  info["data"] = {{"rows", in.train->x.rows}, {"files", in.train->files}};
  json metrics = json::object();
  for (const auto& [name, value] : m)
    metrics[name] = value;
  info["metrics"] = metrics;
  return info;
}

Result<TrainedArtifact> Package(const TrainerInput& in, KilnModel model,
                                std::vector<std::pair<std::string, double>> metrics) {
  model.info_json = Provenance(in, metrics).dump();
  const std::string path = in.model_dir + "/model.kiln";
  RETURN_IF_ERROR(model.Save(path));
  ASSIGN_OR_RETURN(std::string bytes, ReadFile(path));
  TrainedArtifact out;
  out.files.push_back({"model.kiln", std::move(bytes)});
  out.metrics = std::move(metrics);
  return out;
}

Result<TrainedArtifact> TrainUnsupervised(const TrainerInput& in, const Table& table) {
  const TrainingPlan& plan = *in.plan;
  PipelineSpec spec = SpecFor(plan);
  spec.max_onehot_levels = 10000;
  Matrix x;
  ASSIGN_OR_RETURN(FeaturePipeline pipeline,
                   FeaturePipeline::Fit(table, in.train->feature_names, spec, Task::kRegression, 0,
                                        {}, plan.seed, &x));
  FitContext ctx{in.threads, plan.seed, in.control->SteadyDeadline()};
  ASSIGN_OR_RETURN(std::unique_ptr<UnsupervisedModel> fitted,
                   FitUnsupervised(plan.learner, plan.learner_params, x, ctx));
  RETURN_IF_ERROR(CheckStop(in));
  for (const auto& [k, v] : fitted->Info())
    in.log->Line(k + ": " + v);
  std::vector<std::pair<std::string, double>> metrics;
  if (plan.learner == "kmeans") {
    AddKMeansScores("train", *fitted, x, &metrics);
    if (in.test != nullptr) {
      ASSIGN_OR_RETURN(Matrix xt, pipeline.Transform(ToTable(*in.test, "test")));
      AddKMeansScores("test", *fitted, xt, &metrics);
    }
  }
  KilnModel model;
  model.pipelines.push_back(std::move(pipeline));
  model.unsupervised = UnsupervisedPart{plan.learner, plan.learner_params, std::move(fitted)};
  return Package(in, std::move(model), std::move(metrics));
}

}  // namespace

Result<TrainedArtifact> TrainKilnModelJob(const TrainerInput& in) {
  const TrainingPlan& plan = *in.plan;
  RETURN_IF_ERROR(CheckStop(in));
  if (plan.label_rule == LabelRule::kNone)
    return TrainUnsupervised(in, ToTable(*in.train, "train"));

  const Dataset train = Sample(*in.train, plan.sample_size, plan.seed);
  if (train.x.rows < in.train->x.rows) {
    in.log->Line("sample_size: kept " + std::to_string(train.x.rows) + " of " +
                 std::to_string(in.train->x.rows) + " rows (seed " + std::to_string(plan.seed) +
                 ")");
  }
  Task task = plan.task;
  int classes = plan.num_classes;
  if (plan.label_rule == LabelRule::kAnyClass) {
    float top = 0;
    for (float y : train.y)
      top = std::max(top, y);
    classes = std::max(2, static_cast<int>(top) + 1);
    task = classes == 2 ? Task::kBinary : Task::kMulticlass;
    in.log->Line("classes: " + std::to_string(classes) + " (from the labels)");
    for (const auto& [name, d] : {std::pair{"validation", in.validation}, {"test", in.test}}) {
      for (std::size_t r = 0; d != nullptr && r < d->y.size(); ++r) {
        if (d->y[r] >= static_cast<float>(classes)) {
          return Status::InvalidArgument(
              std::string("channel \"") + name + "\", row " + std::to_string(r + 1) + ": label " +
              std::to_string(static_cast<int>(d->y[r])) +
              " is not a class of the train channel (0.." + std::to_string(classes - 1) + ")");
        }
      }
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Learner> learner,
                   MakeLearner(plan.learner, plan.learner_params, task, classes));
  PipelineSpec spec = SpecFor(plan);
  std::vector<std::string> class_names;
  for (int k = 0; k < classes && task != Task::kRegression; ++k)
    class_names.push_back(std::to_string(k));
  spec.class_names = class_names;
  Matrix x;
  ASSIGN_OR_RETURN(FeaturePipeline pipeline,
                   FeaturePipeline::Fit(ToTable(train, "train"), train.feature_names, spec, task,
                                        classes, train.y, plan.seed, &x));
  Matrix xv;
  std::optional<TrainSet> valid;
  if (in.validation != nullptr) {
    ASSIGN_OR_RETURN(xv, pipeline.Transform(ToTable(*in.validation, "validation")));
    valid = TrainSet{&xv, in.validation->y, {}, pipeline.output_categorical()};
  }
  const TrainSet set{&x, train.y, {}, pipeline.output_categorical()};
  FitContext ctx{in.threads, plan.seed, in.control->SteadyDeadline()};
  ASSIGN_OR_RETURN(std::unique_ptr<Model> fitted,
                   learner->Fit(set, valid ? &*valid : nullptr, ctx));
  RETURN_IF_ERROR(CheckStop(in));
  for (const auto& [k, v] : fitted->Info())
    in.log->Line(k + ": " + v);

  std::vector<std::pair<std::string, double>> metrics;
  AddScores("train", task, classes, *fitted, x, train.y, &metrics);
  if (valid)
    AddScores("validation", task, classes, *fitted, xv, in.validation->y, &metrics);
  if (in.test != nullptr) {
    ASSIGN_OR_RETURN(Matrix xt, pipeline.Transform(ToTable(*in.test, "test")));
    AddScores("test", task, classes, *fitted, xt, in.test->y, &metrics);
  }

  KilnModel model;
  model.task = task;
  model.num_classes = task == Task::kRegression ? 0 : classes;
  model.class_labels = class_names;
  model.target = plan.target.empty() ? "label" : plan.target;
  model.pipelines.push_back(std::move(pipeline));
  EnsembleMember member;
  member.candidate = in.job_name;
  member.algorithm = plan.learner;
  member.hyperparameters = learner->params();
  member.bag.push_back(std::shared_ptr<const Model>(std::move(fitted)));
  model.members.push_back(std::move(member));
  return Package(in, std::move(model), std::move(metrics));
}

}  // namespace kiln
