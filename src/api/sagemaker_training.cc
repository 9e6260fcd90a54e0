#include "api/sagemaker_training.h"

#include <nlohmann/json.hpp>

#include "api/internal/job_operations.h"
#include "jobs/training_job_service.h"

namespace kiln {
namespace {

using nlohmann::json;

double Seconds(std::int64_t ms) { return static_cast<double>(ms) / 1000.0; }

Result<std::string> RequiredName(const json& in) {
  auto it = in.find("TrainingJobName");
  if (it == in.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
    return Status::InvalidArgument("TrainingJobName: is required");
  return it->get<std::string>();
}

// Members of the stored request that DescribeTrainingJob echoes.
constexpr const char* kEchoed[] = {
    "AlgorithmSpecification",
    "RoleArn",
    "HyperParameters",
    "InputDataConfig",
    "OutputDataConfig",
    "ResourceConfig",
    "StoppingCondition",
    "VpcConfig",
    "Environment",
    "CheckpointConfig",
    "RetryStrategy",
    "EnableNetworkIsolation",
    "EnableInterContainerTrafficEncryption",
    "EnableManagedSpotTraining",
    "DebugHookConfig",
    "DebugRuleConfigurations",
    "ProfilerConfig",
    "TensorBoardOutputConfig",
    "ExperimentConfig",
    "RemoteDebugConfig",
    "InfraCheckConfig",
};

json Summary(const TrainingJobRecord& j) {
  json s = {{"TrainingJobName", j.name},
            {"TrainingJobArn", j.arn},
            {"CreationTime", Seconds(j.creation_ms)}};
  if (j.training_end_ms)
    s["TrainingEndTime"] = Seconds(*j.training_end_ms);
  s["LastModifiedTime"] = Seconds(j.last_modified_ms);
  s["TrainingJobStatus"] = JobStatusName(j.status);
  s["SecondaryStatus"] = j.secondary_status;
  return s;
}

constexpr JobOperations<TrainingJobService, TrainingJobRecord> kOperations = {
    .arn_member = "TrainingJobArn",
    .summaries_member = "TrainingJobSummaries",
    .name = &RequiredName,
    .describe = &DescribeTrainingJobOutput,
    .summary = &Summary,
};

}  // namespace

json DescribeTrainingJobOutput(const TrainingJobRecord& job) {
  json out = json::object();
  out["TrainingJobName"] = job.name;
  out["TrainingJobArn"] = job.arn;
  out["ModelArtifacts"] = {{"S3ModelArtifacts", job.model_artifacts}};
  out["TrainingJobStatus"] = JobStatusName(job.status);
  out["SecondaryStatus"] = job.secondary_status;
  if (!job.failure_reason.empty())
    out["FailureReason"] = job.failure_reason;
  EchoRequestMembers(job.request_json, kEchoed, out);
  out["CreationTime"] = Seconds(job.creation_ms);
  if (job.training_start_ms)
    out["TrainingStartTime"] = Seconds(*job.training_start_ms);
  if (job.training_end_ms)
    out["TrainingEndTime"] = Seconds(*job.training_end_ms);
  out["LastModifiedTime"] = Seconds(job.last_modified_ms);
  json transitions = json::array();
  for (const StatusTransition& t : job.transitions) {
    json item = {{"Status", t.status}, {"StartTime", Seconds(t.start_ms)}};
    if (t.end_ms)
      item["EndTime"] = Seconds(*t.end_ms);
    item["StatusMessage"] = t.message;
    transitions.push_back(std::move(item));
  }
  out["SecondaryStatusTransitions"] = std::move(transitions);
  json metrics = json::array();
  for (const FinalMetric& m : job.final_metrics) {
    metrics.push_back(
        {{"MetricName", m.name}, {"Value", m.value}, {"Timestamp", Seconds(m.timestamp_ms)}});
  }
  if (!metrics.empty())
    out["FinalMetricDataList"] = std::move(metrics);
  if (job.training_start_ms && job.training_end_ms) {
    const std::int64_t ms =
        std::max<std::int64_t>(0, *job.training_end_ms - *job.training_start_ms);
    const std::int64_t seconds = (ms + 999) / 1000;
    out["TrainingTimeInSeconds"] = seconds;
    out["BillableTimeInSeconds"] = seconds;
  }
  return out;
}

Result<json> CreateTrainingJob(TrainingJobService& training, const json& in) {
  return kOperations.Create(training, in);
}

Result<json> DescribeTrainingJob(TrainingJobService& training, const json& in) {
  return kOperations.Describe(training, in);
}

Result<json> StopTrainingJob(TrainingJobService& training, const json& in) {
  return kOperations.Stop(training, in);
}

Result<json> ListTrainingJobs(TrainingJobService& training, const json& in) {
  return kOperations.List(training, in);
}

}  // namespace kiln
