#include "api/sagemaker_transform.h"

#include <cmath>
#include <exception>
#include <nlohmann/json.hpp>

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

Result<std::optional<std::int64_t>> TimeMs(const json& in, const char* key) {
  auto it = in.find(key);
  if (it == in.end() || it->is_null())
    return std::optional<std::int64_t>();
  if (!it->is_number())
    return Invalid(key, "Member must be a timestamp (epoch seconds)");
  return std::optional<std::int64_t>(std::llround(it->get<double>() * 1000.0));
}

Result<std::string> Choice(const json& in, const char* key,
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
  return Invalid(key,
                 "Member must satisfy enum value set: [" + list + "] (got " + it->dump() + ")");
}

// Members of the stored request that DescribeTransformJob echoes.
constexpr const char* kEchoed[] = {
    "MaxConcurrentTransforms", "ModelClientConfig",  "MaxPayloadInMB",
    "BatchStrategy",           "Environment",        "TransformInput",
    "TransformOutput",         "TransformResources", "DataProcessing",
    "ExperimentConfig",
};

Result<json> Create(TransformJobService& s, const json& in) {
  ASSIGN_OR_RETURN(std::string arn, s.Create(in));
  return json{{"TransformJobArn", arn}};
}

Result<json> Describe(TransformJobService& s, const json& in) {
  ASSIGN_OR_RETURN(std::string name, JobName(in));
  ASSIGN_OR_RETURN(TransformJobRecord job, s.Describe(name));
  return DescribeTransformJobOutput(job);
}

Result<json> Stop(TransformJobService& s, const json& in) {
  ASSIGN_OR_RETURN(std::string name, JobName(in));
  RETURN_IF_ERROR(s.Stop(name));
  return json::object();
}

Result<json> List(TransformJobService& s, const json& in) {
  ListQuery q;
  if (auto it = in.find("NameContains"); it != in.end() && !it->is_null()) {
    if (!it->is_string())
      return Invalid("nameContains", "Member must be a string");
    q.name_contains = it->get<std::string>();
  }
  ASSIGN_OR_RETURN(
      q.status_equals,
      Choice(in, "StatusEquals", {"InProgress", "Completed", "Failed", "Stopping", "Stopped"}, ""));
  ASSIGN_OR_RETURN(q.creation_after_ms, TimeMs(in, "CreationTimeAfter"));
  ASSIGN_OR_RETURN(q.creation_before_ms, TimeMs(in, "CreationTimeBefore"));
  ASSIGN_OR_RETURN(q.modified_after_ms, TimeMs(in, "LastModifiedTimeAfter"));
  ASSIGN_OR_RETURN(q.modified_before_ms, TimeMs(in, "LastModifiedTimeBefore"));
  ASSIGN_OR_RETURN(std::string sort_by,
                   Choice(in, "SortBy", {"Name", "CreationTime", "Status"}, "CreationTime"));
  q.sort_by = sort_by == "Name"     ? ListSortBy::kName
              : sort_by == "Status" ? ListSortBy::kStatus
                                    : ListSortBy::kCreationTime;
  ASSIGN_OR_RETURN(std::string order,
                   Choice(in, "SortOrder", {"Ascending", "Descending"}, "Descending"));
  q.ascending = order == "Ascending";
  if (auto it = in.find("MaxResults"); it != in.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 1 || it->get<std::int64_t>() > 100)
      return Invalid("maxResults", "Member must be an integer between 1 and 100");
    q.max_results = it->get<int>();
  }
  if (auto it = in.find("NextToken"); it != in.end() && !it->is_null()) {
    if (!it->is_string())
      return Invalid("nextToken", "Member must be a string");
    q.next_token = it->get<std::string>();
  }
  ASSIGN_OR_RETURN(ListPage<TransformJobRecord> page, s.List(q));
  json summaries = json::array();
  for (const TransformJobRecord& j : page.items) {
    json item = {{"TransformJobName", j.name},
                 {"TransformJobArn", j.arn},
                 {"CreationTime", Seconds(j.creation_ms)},
                 {"LastModifiedTime", Seconds(j.last_modified_ms)},
                 {"TransformJobStatus", TransformJobStatusName(j.status)}};
    if (j.end_ms)
      item["TransformEndTime"] = Seconds(*j.end_ms);
    if (!j.failure_reason.empty())
      item["FailureReason"] = j.failure_reason;
    summaries.push_back(std::move(item));
  }
  json out = {{"TransformJobSummaries", std::move(summaries)}};
  if (!page.next_token.empty())
    out["NextToken"] = page.next_token;
  return out;
}

using Handler = Result<json> (*)(TransformJobService&, const json&);

struct Route {
  std::string_view name;
  Handler fn;
};

constexpr Route kRoutes[] = {
    {"CreateTransformJob", &Create},
    {"DescribeTransformJob", &Describe},
    {"ListTransformJobs", &List},
    {"StopTransformJob", &Stop},
};

}  // namespace

json DescribeTransformJobOutput(const TransformJobRecord& job) {
  json out = json::object();
  out["TransformJobName"] = job.name;
  out["TransformJobArn"] = job.arn;
  out["TransformJobStatus"] = TransformJobStatusName(job.status);
  if (!job.failure_reason.empty())
    out["FailureReason"] = job.failure_reason;
  out["ModelName"] = job.model_name;
  const json request = json::parse(job.request_json, nullptr, false);
  if (request.is_object()) {
    for (const char* key : kEchoed) {
      auto it = request.find(key);
      if (it != request.end() && !it->is_null())
        out[key] = *it;
    }
  }
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
