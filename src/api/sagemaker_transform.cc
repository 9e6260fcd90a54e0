#include "api/sagemaker_transform.h"

#include <exception>
#include <nlohmann/json.hpp>

#include "api/internal/job_operations.h"
#include "api/json_call.h"
#include "api/json_errors.h"
#include "transform/transform_job_service.h"

namespace kiln {
namespace {

using nlohmann::json;

double Seconds(std::int64_t ms) { return static_cast<double>(ms) / 1000.0; }

Status Invalid(const std::string& member, const std::string& what) {
  return Status::InvalidArgument("1 validation error detected: Value at '" + member +
                                 "' failed to satisfy constraint: " + what);
}

Result<std::string> JobName(const json& in) {
  auto it = in.find("TransformJobName");
  if (it == in.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
    return Invalid("transformJobName", "Member must not be null");
  return it->get<std::string>();
}

// Members of the stored request that DescribeTransformJob echoes.
constexpr const char* kEchoed[] = {
    "MaxConcurrentTransforms", "ModelClientConfig",  "MaxPayloadInMB",
    "BatchStrategy",           "Environment",        "TransformInput",
    "TransformOutput",         "TransformResources", "DataProcessing",
    "ExperimentConfig",
};

json Summary(const TransformJobRecord& j) {
  json item = {{"TransformJobName", j.name},
               {"TransformJobArn", j.arn},
               {"CreationTime", Seconds(j.creation_ms)},
               {"LastModifiedTime", Seconds(j.last_modified_ms)},
               {"TransformJobStatus", JobStatusName(j.status)}};
  if (j.end_ms)
    item["TransformEndTime"] = Seconds(*j.end_ms);
  if (!j.failure_reason.empty())
    item["FailureReason"] = j.failure_reason;
  return item;
}

constexpr JobOperations<TransformJobService, TransformJobRecord> kOperations = {
    .arn_member = "TransformJobArn",
    .summaries_member = "TransformJobSummaries",
    .name = &JobName,
    .describe = &DescribeTransformJobOutput,
    .summary = &Summary,
};

using Handler = Result<json> (*)(TransformJobService&, const json&);

struct Route {
  std::string_view name;
  Handler fn;
};

constexpr Route kRoutes[] = {
    {"CreateTransformJob",
     [](TransformJobService& s, const json& in) { return kOperations.Create(s, in); }},
    {"DescribeTransformJob",
     [](TransformJobService& s, const json& in) { return kOperations.Describe(s, in); }},
    {"ListTransformJobs",
     [](TransformJobService& s, const json& in) { return kOperations.List(s, in); }},
    {"StopTransformJob",
     [](TransformJobService& s, const json& in) { return kOperations.Stop(s, in); }},
};

}  // namespace

json DescribeTransformJobOutput(const TransformJobRecord& job) {
  json out = json::object();
  out["TransformJobName"] = job.name;
  out["TransformJobArn"] = job.arn;
  out["TransformJobStatus"] = JobStatusName(job.status);
  if (!job.failure_reason.empty())
    out["FailureReason"] = job.failure_reason;
  out["ModelName"] = job.model_name;
  EchoRequestMembers(job.request_json, kEchoed, out);
  out["CreationTime"] = Seconds(job.creation_ms);
  if (job.start_ms)
    out["TransformStartTime"] = Seconds(*job.start_ms);
  if (job.end_ms)
    out["TransformEndTime"] = Seconds(*job.end_ms);
  out["KilnProgress"] = {{"ObjectsTotal", job.progress.objects_total},
                         {"ObjectsDone", job.progress.objects_done},
                         {"RecordsDone", job.progress.records_done},
                         {"BytesTotal", job.progress.bytes_total},
                         {"BytesDone", job.progress.bytes_done}};
  return out;
}

std::optional<HttpResponse> HandleTransformOperation(TransformJobService& service,
                                                     std::string_view operation,
                                                     std::string_view body,
                                                     const std::string& request_id) {
  const Route* route = nullptr;
  for (const Route& r : kRoutes) {
    if (r.name == operation)
      route = &r;
  }
  if (route == nullptr)
    return std::nullopt;
  return JsonCall(operation, body, request_id,
                  [&](const json& in) { return route->fn(service, in); });
}

}  // namespace kiln
