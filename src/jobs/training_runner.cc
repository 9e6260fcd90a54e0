#include "jobs/training_runner.h"

#include <filesystem>
#include <memory>

#include "common/tar_gz.h"
#include "jobs/channel_download.h"
#include "jobs/csv_dataset.h"
#include "jobs/job_trainer.h"
#include "store/object_store.h"

namespace kiln {
namespace {

// Prefixes a failure with SageMaker's error kind; a stop passes through unchanged.
Status Kind(const Status& s, const char* kind) {
  if (s.ok() || s.code() == StatusCode::kCancelled)
    return s;
  return s.WithContext(kind);
}

Status StopPoint(const JobControl& control) {
  return control.Check() == StopCause::kNone ? Status::Ok() : Status::Cancelled("stopped");
}

CsvLayout LayoutFor(const TrainingPlan& plan, const ChannelSpec& channel, const Dataset* train) {
  CsvLayout layout;
  layout.channel = channel.name;
  layout.label_rule = plan.label_rule;
  layout.num_classes = plan.num_classes;
  layout.target = plan.target;
  layout.header_present = channel.header_present;
  layout.label_columns = plan.label_columns;
  if (plan.label_rule == LabelRule::kNone && channel.label_size == 1)
    layout.label_columns = 1;
  if (train != nullptr && !plan.target.empty()) {
    layout.expected_header = train->header;
    layout.expected_fields = train->fields;
  } else if (train != nullptr) {
    layout.expected_fields = train->x.cols + static_cast<std::size_t>(layout.label_columns);
  }
  return layout;
}

Status Upload(ObjectStore& store, const S3Location& where, const std::string& bytes) {
  ASSIGN_OR_RETURN(std::unique_ptr<BlobWriter> blob, store.NewBlob());
  constexpr std::size_t kChunk = 1 << 20;
  for (std::size_t at = 0; at < bytes.size(); at += kChunk)
    RETURN_IF_ERROR(blob->Append(std::string_view(bytes).substr(at, kChunk)));
  RETURN_IF_ERROR(blob->Finish());
  ObjectAttributes attributes;
  attributes.content_type = "application/x-tar";
  return store.PutObject(where.bucket, where.key, std::move(blob), attributes).status();
}

}  // namespace

Result<std::vector<std::pair<std::string, double>>> RunTrainingJob(const TrainingJobSpec& spec,
                                                                   const TrainingPlan& plan,
                                                                   const RunContext& ctx) {
  JobLog& log = *ctx.log;
  log.Line("algorithm " + std::string(AlgorithmImageName(spec.algorithm)) + " (Kiln learner " +
           plan.learner + "), seed " + std::to_string(plan.seed) + ", " +
           std::to_string(ctx.threads) + " thread(s)");
  for (const auto& [k, v] : spec.hyperparameters)
    log.Line("hyperparameter " + k + " = " + v);
  for (const std::string& note : plan.notes)
    log.Line("note: " + note);

  ctx.progress("Downloading", "Downloading input data");
  std::vector<std::pair<const ChannelSpec*, std::vector<ChannelFile>>> downloaded;
  for (const ChannelSpec& channel : spec.channels) {
    const std::string dir = ctx.workspace + "/input/data/" + channel.name;
    auto got = DownloadChannel(*ctx.store, channel, dir, *ctx.control);
    if (!got.ok())
      return Kind(got.error(), "ClientError");
    log.Line("channel " + channel.name + ": " + std::to_string(got->files.size()) + " object(s), " +
             std::to_string(got->bytes) + " bytes from " +
             (channel.url.empty() ? channel.source.Uri() : channel.url));
    downloaded.emplace_back(&channel, std::move(got->files));
  }
  RETURN_IF_ERROR(StopPoint(*ctx.control));

  ctx.progress("Training", "Training image download completed. Training in progress.");
  Dataset train;
  std::optional<Dataset> validation;
  std::optional<Dataset> test;
  for (int pass = 0; pass < 2; ++pass) {  // train first: the others must match its columns
    for (const auto& [channel, files] : downloaded) {
      if ((channel->name == "train") != (pass == 0))
        continue;
      const CsvLayout layout = LayoutFor(plan, *channel, pass == 0 ? nullptr : &train);
      auto data = ReadCsvChannel(files, layout);
      if (!data.ok())
        return Kind(data.error(), "ClientError");
      log.Line("channel " + channel->name + ": " + std::to_string(data->x.rows) + " rows x " +
               std::to_string(data->x.cols) + " features from " + std::to_string(data->files) +
               " file(s)" + (plan.target.empty() ? "" : ", label column \"" + plan.target + "\""));
      if (channel->name == "train")
        train = std::move(*data);
      else if (channel->name == "validation")
        validation = std::move(*data);
      else
        test = std::move(*data);
    }
  }
  if (plan.feature_dim != 0 && static_cast<std::size_t>(plan.feature_dim) != train.x.cols) {
    return Status::InvalidArgument(
        "ClientError: hyperparameter feature_dim is " + std::to_string(plan.feature_dim) +
        ", but the train channel has " + std::to_string(train.x.cols) +
        " feature columns; set feature_dim to auto or " + std::to_string(train.x.cols));
  }
  RETURN_IF_ERROR(StopPoint(*ctx.control));

  const std::string model_dir = ctx.workspace + "/model";
  std::error_code ec;
  std::filesystem::create_directories(model_dir, ec);
  TrainerInput in;
  in.plan = &plan;
  in.train = &train;
  in.validation = validation ? &*validation : nullptr;
  in.test = test ? &*test : nullptr;
  in.job_name = spec.name;
  in.model_dir = model_dir;
  in.threads = ctx.threads;
  in.control = ctx.control;
  in.log = ctx.log;
  auto trained = plan.learner == "xgboost" ? TrainXgboostJob(in) : TrainKilnModelJob(in);
  if (!trained.ok()) {
    const Status& e = trained.error();
    return Kind(e, e.code() == StatusCode::kInvalidArgument ? "ClientError" : "AlgorithmError");
  }
  for (const auto& [name, value] : trained->metrics)
    log.Line("metric " + name + " = " + std::to_string(value));
  RETURN_IF_ERROR(StopPoint(*ctx.control));

  ctx.progress("Uploading", "Uploading generated training model");
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(ctx.clock->Now().time_since_epoch());
  auto archive = WriteTarGz(trained->files, now.count());
  if (!archive.ok())
    return Kind(archive.error(), "InternalServerError");
  const S3Location artifact = spec.ModelArtifact();
  if (Status s = Upload(*ctx.store, artifact, *archive); !s.ok())
    return Kind(s.WithContext("uploading " + artifact.Uri()), "InternalServerError");
  log.Line("uploaded " + artifact.Uri() + " (" + std::to_string(archive->size()) + " bytes)");
  return std::move(trained->metrics);
}

}  // namespace kiln
