#include "api/sagemaker_training.h"

#include <cmath>
#include <nlohmann/json.hpp>

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

// An optional awsJson1_1 timestamp: epoch seconds (fractions allowed) as a number.
Result<std::optional<std::int64_t>> OptTimestampMs(const json& in, const char* key) {
  auto it = in.find(key);
  if (it == in.end() || it->is_null())
    return std::optional<std::int64_t>();
  if (!it->is_number())
    return Status::InvalidArgument(std::string(key) + ": must be a timestamp (epoch seconds)");
  return std::optional<std::int64_t>(std::llround(it->get<double>() * 1000.0));
}

Result<std::string> OptEnum(const json& in, const char* key,
                            std::initializer_list<const char*> values, const char* fallback) {
  auto it = in.find(key);
  if (it == in.end() || it->is_null())
    return std::string(fallback);
  std::string list;
  for (const char* v : values) {
    if (it->is_string() && it->get_ref<const std::string&>() == v)
      return std::string(v);
    list += (list.empty() ? "" : ", ") + std::string(v);
  }
  return Status::InvalidArgument(std::string(key) + ": " + it->dump() + " is not one of " + list);
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

}  // namespace

json DescribeTrainingJobOutput(const TrainingJobRecord& job) {
  json out = json::object();
  out["TrainingJobName"] = job.name;
  out["TrainingJobArn"] = job.arn;
  out["ModelArtifacts"] = {{"S3ModelArtifacts", job.model_artifacts}};
  out["TrainingJobStatus"] = TrainingJobStatusName(job.status);
  out["SecondaryStatus"] = job.secondary_status;
  if (!job.failure_reason.empty())
    out["FailureReason"] = job.failure_reason;
  const json request = json::parse(job.request_json, nullptr, false);
  if (request.is_object()) {
    for (const char* key : kEchoed) {
      auto it = request.find(key);
      if (it != request.end() && !it->is_null())
        out[key] = *it;
    }
  }
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
  ASSIGN_OR_RETURN(std::string arn, training.Create(in));
  return json{{"TrainingJobArn", arn}};
}

Result<json> DescribeTrainingJob(TrainingJobService& training, const json& in) {
  ASSIGN_OR_RETURN(std::string name, RequiredName(in));
  ASSIGN_OR_RETURN(TrainingJobRecord job, training.Describe(name));
  return DescribeTrainingJobOutput(job);
}

Result<json> StopTrainingJob(TrainingJobService& training, const json& in) {
  ASSIGN_OR_RETURN(std::string name, RequiredName(in));
  RETURN_IF_ERROR(training.Stop(name));
  return json::object();
}

Result<json> ListTrainingJobs(TrainingJobService& training, const json& in) {
  ListTrainingJobsQuery q;
  if (auto it = in.find("NameContains"); it != in.end() && !it->is_null()) {
    if (!it->is_string())
      return Status::InvalidArgument("NameContains: must be a string");
    q.name_contains = it->get<std::string>();
  }
  if (auto it = in.find("StatusEquals"); it != in.end() && !it->is_null()) {
    const auto status =
        it->is_string() ? ParseTrainingJobStatus(it->get<std::string>()) : std::nullopt;
    if (!status.has_value()) {
      return Status::InvalidArgument("StatusEquals: " + it->dump() +
                                     " is not one of InProgress, Completed, Failed, Stopping, "
                                     "Stopped");
    }
    q.status_equals = status;
  }
  ASSIGN_OR_RETURN(q.creation_after_ms, OptTimestampMs(in, "CreationTimeAfter"));
  ASSIGN_OR_RETURN(q.creation_before_ms, OptTimestampMs(in, "CreationTimeBefore"));
  ASSIGN_OR_RETURN(q.modified_after_ms, OptTimestampMs(in, "LastModifiedTimeAfter"));
  ASSIGN_OR_RETURN(q.modified_before_ms, OptTimestampMs(in, "LastModifiedTimeBefore"));
  ASSIGN_OR_RETURN(std::string sort_by,
                   OptEnum(in, "SortBy", {"Name", "CreationTime", "Status"}, "CreationTime"));
  q.sort_by = sort_by == "Name"     ? TrainingJobSortBy::kName
              : sort_by == "Status" ? TrainingJobSortBy::kStatus
                                    : TrainingJobSortBy::kCreationTime;
  ASSIGN_OR_RETURN(std::string order,
                   OptEnum(in, "SortOrder", {"Ascending", "Descending"}, "Descending"));
  q.ascending = order == "Ascending";
  if (auto it = in.find("MaxResults"); it != in.end() && !it->is_null()) {
    if (!it->is_number_integer())
      return Status::InvalidArgument("MaxResults: must be an integer in 1..100");
    const std::int64_t n = it->get<std::int64_t>();
    if (n < 1 || n > 100)
      return Status::InvalidArgument("MaxResults: " + std::to_string(n) + " is outside 1..100");
    q.max_results = static_cast<int>(n);
  }
  if (auto it = in.find("NextToken"); it != in.end() && !it->is_null()) {
    if (!it->is_string())
      return Status::InvalidArgument("NextToken: must be a string");
    q.next_token = it->get<std::string>();
  }
  ASSIGN_OR_RETURN(ListTrainingJobsPage page, training.List(q));
  json summaries = json::array();
  for (const TrainingJobRecord& j : page.jobs) {
    json s = {{"TrainingJobName", j.name},
              {"TrainingJobArn", j.arn},
              {"CreationTime", Seconds(j.creation_ms)}};
    if (j.training_end_ms)
      s["TrainingEndTime"] = Seconds(*j.training_end_ms);
    s["LastModifiedTime"] = Seconds(j.last_modified_ms);
    s["TrainingJobStatus"] = TrainingJobStatusName(j.status);
    s["SecondaryStatus"] = j.secondary_status;
    summaries.push_back(std::move(s));
  }
  json out = {{"TrainingJobSummaries", std::move(summaries)}};
  if (!page.next_token.empty())
    out["NextToken"] = page.next_token;
  return out;
}

}  // namespace kiln
