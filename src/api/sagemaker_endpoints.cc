#include "api/sagemaker_endpoints.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <nlohmann/json.hpp>
#include <utility>

#include "api/json_errors.h"
#include "api/list_request.h"
#include "serve/endpoint_service.h"

namespace kiln {
namespace {

using nlohmann::json;
using Handler = Result<json> (*)(EndpointService&, const json&);

// ---- reading requests ----

Status TypeError(std::string_view path, std::string_view expected) {
  return Status::InvalidArgument("1 validation error detected: Value at '" + std::string(path) +
                                 "' failed to satisfy constraint: Member must be " +
                                 std::string(expected));
}

Status Missing(std::string_view path) {
  return Status::InvalidArgument("1 validation error detected: Value null at '" +
                                 std::string(path) +
                                 "' failed to satisfy constraint: Member must not be null");
}

const json* Member(const json& obj, std::string_view key) {
  const auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

Result<std::optional<std::string>> OptString(const json& obj, std::string_view key) {
  const json* v = Member(obj, key);
  if (v == nullptr)
    return std::optional<std::string>();
  if (!v->is_string())
    return TypeError(key, "a string");
  return std::optional<std::string>(v->get<std::string>());
}

Result<std::string> ReqString(const json& obj, std::string_view key) {
  ASSIGN_OR_RETURN(std::optional<std::string> v, OptString(obj, key));
  if (!v)
    return Missing(key);
  return std::move(*v);
}

Result<std::optional<double>> OptNumber(const json& obj, std::string_view key) {
  const json* v = Member(obj, key);
  if (v == nullptr)
    return std::optional<double>();
  if (!v->is_number())
    return TypeError(key, "a number");
  return std::optional<double>(v->get<double>());
}

Result<std::optional<int>> OptInt(const json& obj, std::string_view key) {
  ASSIGN_OR_RETURN(std::optional<double> v, OptNumber(obj, key));
  if (!v)
    return std::optional<int>();
  if (*v != std::floor(*v) || std::abs(*v) > 1e9)
    return TypeError(key, "an integer");
  return std::optional<int>(static_cast<int>(*v));
}

Result<const json*> OptObject(const json& obj, std::string_view key) {
  const json* v = Member(obj, key);
  if (v != nullptr && !v->is_object())
    return TypeError(key, "an object");
  return v;
}

Result<const json*> OptArray(const json& obj, std::string_view key) {
  const json* v = Member(obj, key);
  if (v != nullptr && !v->is_array())
    return TypeError(key, "a list");
  return v;
}

Result<KeyValues> Tags(const json& request) {
  ASSIGN_OR_RETURN(const json* tags, OptArray(request, "Tags"));
  KeyValues out;
  for (std::size_t i = 0; tags != nullptr && i < tags->size(); ++i) {
    if (!(*tags)[i].is_object())
      return TypeError("Tags", "a list of {Key, Value}");
    ASSIGN_OR_RETURN(std::string key, ReqString((*tags)[i], "Key"));
    ASSIGN_OR_RETURN(std::optional<std::string> value, OptString((*tags)[i], "Value"));
    out.emplace_back(std::move(key), value.value_or(""));
  }
  return out;
}

// A timestamp member (epoch seconds) in milliseconds.
constexpr std::string_view kEndpointStatuses[] = {
    "OutOfService", "Creating", "Updating", "SystemUpdating",      "RollingBack",
    "InService",    "Deleting", "Failed",   "UpdateRollbackFailed"};

// ListEndpoints takes every member of api/list_request.h; ListModels and ListEndpointConfigs no
// status and no LastModifiedTime.
Result<ListQuery> ParseList(const json& r, bool endpoints) {
  const ListShape shape = endpoints ? ListShape{kEndpointStatuses}
                                    : ListShape{{},
                                                /*modified_times=*/false,
                                                /*sort_by_status=*/false};
  return ParseListRequest(r, shape);
}

// ---- writing responses ----

double Seconds(std::int64_t ms) { return static_cast<double>(ms) / 1000.0; }

json Pairs(const KeyValues& pairs) {
  json out = json::object();
  for (const auto& [k, v] : pairs)
    out[k] = v;
  return out;
}

json ContainerJson(const ContainerSpec& c) {
  json out = {{"Image", c.image}, {"ModelDataUrl", c.model_data_url}};
  out["Environment"] = Pairs(c.environment);
  if (!c.mode.empty())
    out["Mode"] = c.mode;
  if (!c.container_hostname.empty())
    out["ContainerHostname"] = c.container_hostname;
  return out;
}

json WithNextToken(json out, const std::string& token) {
  if (!token.empty())
    out["NextToken"] = token;
  return out;
}

// ---- models ----

Result<ContainerSpec> ParseContainer(const json& c) {
  ContainerSpec out;
  ASSIGN_OR_RETURN(std::optional<std::string> image, OptString(c, "Image"));
  out.image = image.value_or("");
  ASSIGN_OR_RETURN(std::optional<std::string> url, OptString(c, "ModelDataUrl"));
  out.model_data_url = url.value_or("");
  ASSIGN_OR_RETURN(const json* source, OptObject(c, "ModelDataSource"));
  if (source != nullptr) {
    const json* s3 = Member(*source, "S3DataSource");
    const bool gzip_object = s3 != nullptr && s3->is_object() &&
                             s3->value("S3DataType", "") == "S3Object" &&
                             s3->value("CompressionType", "") == "Gzip" && s3->contains("S3Uri") &&
                             s3->at("S3Uri").is_string();
    if (!gzip_object) {
      return Status::InvalidArgument(
          "ModelDataSource: Kiln serves a model.tar.gz object (S3DataType S3Object, "
          "CompressionType Gzip); use ModelDataUrl");
    }
    out.model_data_url = s3->at("S3Uri").get<std::string>();
  }
  ASSIGN_OR_RETURN(const json* env, OptObject(c, "Environment"));
  if (env != nullptr) {
    for (auto it = env->begin(); it != env->end(); ++it) {
      if (!it->is_string())
        return TypeError("Environment", "a map of strings");
      out.environment.emplace_back(it.key(), it->get<std::string>());
    }
  }
  ASSIGN_OR_RETURN(std::optional<std::string> mode, OptString(c, "Mode"));
  out.mode = mode.value_or("");
  ASSIGN_OR_RETURN(std::optional<std::string> host, OptString(c, "ContainerHostname"));
  out.container_hostname = host.value_or("");
  return out;
}

Result<json> CreateModel(EndpointService& s, const json& r) {
  ModelRecord m;
  ASSIGN_OR_RETURN(m.name, ReqString(r, "ModelName"));
  ASSIGN_OR_RETURN(const json* primary, OptObject(r, "PrimaryContainer"));
  ASSIGN_OR_RETURN(const json* containers, OptArray(r, "Containers"));
  if ((primary != nullptr) == (containers != nullptr)) {
    return Status::InvalidArgument("give exactly one of PrimaryContainer and Containers");
  }
  if (containers != nullptr) {
    if (containers->size() != 1 || !(*containers)[0].is_object()) {
      return Status::InvalidArgument(
          "Containers must hold exactly one container: inference pipelines of several "
          "containers are not supported");
    }
    primary = &(*containers)[0];
    m.as_containers_list = true;
  }
  ASSIGN_OR_RETURN(m.container, ParseContainer(*primary));
  ASSIGN_OR_RETURN(std::optional<std::string> role, OptString(r, "ExecutionRoleArn"));
  m.execution_role_arn = role.value_or("");
  const json* isolation = Member(r, "EnableNetworkIsolation");
  m.enable_network_isolation =
      isolation != nullptr && isolation->is_boolean() && isolation->get<bool>();
  ASSIGN_OR_RETURN(m.tags, Tags(r));
  ASSIGN_OR_RETURN(ModelRecord created, s.CreateModel(std::move(m)));
  return json{{"ModelArn", created.arn}};
}

Result<json> DescribeModel(EndpointService& s, const json& r) {
  ASSIGN_OR_RETURN(std::string name, ReqString(r, "ModelName"));
  ASSIGN_OR_RETURN(ModelRecord m, s.DescribeModel(name));
  json out = {{"ModelName", m.name},
              {"ModelArn", m.arn},
              {"CreationTime", Seconds(m.creation_ms)},
              {"EnableNetworkIsolation", m.enable_network_isolation}};
  if (m.as_containers_list)
    out["Containers"] = json::array({ContainerJson(m.container)});
  else
    out["PrimaryContainer"] = ContainerJson(m.container);
  if (!m.execution_role_arn.empty())
    out["ExecutionRoleArn"] = m.execution_role_arn;
  return out;
}

Result<json> DeleteModel(EndpointService& s, const json& r) {
  ASSIGN_OR_RETURN(std::string name, ReqString(r, "ModelName"));
  RETURN_IF_ERROR(s.DeleteModel(name));
  return json::object();
}

Result<json> ListModels(EndpointService& s, const json& r) {
  ASSIGN_OR_RETURN(ListQuery q, ParseList(r, false));
  ASSIGN_OR_RETURN(ListPage<ModelRecord> page, s.ListModels(q));
  json items = json::array();
  for (const ModelRecord& m : page.items) {
    items.push_back(
        {{"ModelName", m.name}, {"ModelArn", m.arn}, {"CreationTime", Seconds(m.creation_ms)}});
  }
  return WithNextToken({{"Models", items}}, page.next_token);
}

// ---- endpoint configs ----

Result<VariantSpec> ParseVariant(const json& v) {
  if (!v.is_object())
    return TypeError("ProductionVariants", "a list of objects");
  VariantSpec out;
  ASSIGN_OR_RETURN(out.variant_name, ReqString(v, "VariantName"));
  ASSIGN_OR_RETURN(out.model_name, ReqString(v, "ModelName"));
  ASSIGN_OR_RETURN(std::optional<int> count, OptInt(v, "InitialInstanceCount"));
  ASSIGN_OR_RETURN(std::optional<std::string> type, OptString(v, "InstanceType"));
  out.instance_type = type.value_or("");
  ASSIGN_OR_RETURN(std::optional<double> weight, OptNumber(v, "InitialVariantWeight"));
  out.initial_variant_weight = weight.value_or(1.0);
  ASSIGN_OR_RETURN(const json* serverless, OptObject(v, "ServerlessConfig"));
  if (serverless != nullptr) {
    ASSIGN_OR_RETURN(out.serverless_memory_mb, OptInt(*serverless, "MemorySizeInMB"));
    ASSIGN_OR_RETURN(out.serverless_max_concurrency, OptInt(*serverless, "MaxConcurrency"));
  }
  if (!count && serverless == nullptr)
    return Missing("InitialInstanceCount");
  out.initial_instance_count = count.value_or(1);
  return out;
}

Result<std::vector<std::string>> StringList(const json& obj, std::string_view key) {
  std::vector<std::string> out;
  const json* list = Member(obj, key);
  if (list == nullptr)
    return out;
  if (!list->is_array())
    return TypeError(key, "a list of strings");
  for (const json& v : *list) {
    if (!v.is_string())
      return TypeError(key, "a list of strings");
    out.push_back(v.get<std::string>());
  }
  return out;
}

// DataCaptureConfig (research note §2.5): sampling, destination and what to capture.
Result<std::optional<DataCaptureSpec>> ParseDataCapture(const json& r) {
  ASSIGN_OR_RETURN(const json* dc, OptObject(r, "DataCaptureConfig"));
  if (dc == nullptr)
    return std::optional<DataCaptureSpec>();
  DataCaptureSpec c;
  const json* enable = Member(*dc, "EnableCapture");
  if (enable != nullptr && !enable->is_boolean())
    return TypeError("DataCaptureConfig.EnableCapture", "a boolean");
  c.enable = enable == nullptr || enable->get<bool>();
  ASSIGN_OR_RETURN(std::optional<int> pct, OptInt(*dc, "InitialSamplingPercentage"));
  if (!pct)
    return Missing("DataCaptureConfig.InitialSamplingPercentage");
  c.initial_sampling_percentage = *pct;
  ASSIGN_OR_RETURN(std::optional<std::string> uri, OptString(*dc, "DestinationS3Uri"));
  if (!uri)
    return Missing("DataCaptureConfig.DestinationS3Uri");
  c.destination_s3_uri = *uri;
  ASSIGN_OR_RETURN(std::optional<std::string> kms, OptString(*dc, "KmsKeyId"));
  c.kms_key_id = kms.value_or("");
  ASSIGN_OR_RETURN(const json* options, OptArray(*dc, "CaptureOptions"));
  if (options == nullptr || options->empty())
    return Missing("DataCaptureConfig.CaptureOptions");
  c.capture_input = c.capture_output = false;
  for (const json& o : *options) {
    if (!o.is_object())
      return TypeError("DataCaptureConfig.CaptureOptions", "a list of objects");
    ASSIGN_OR_RETURN(std::string mode, ReqString(o, "CaptureMode"));
    if (mode == "Input") {
      c.capture_input = true;
    } else if (mode == "Output") {
      c.capture_output = true;
    } else {
      return Status::InvalidArgument(
          "1 validation error detected: Value '" + mode +
          "' at 'dataCaptureConfig.captureOptions.member.captureMode' failed to satisfy "
          "constraint: Member must satisfy enum value set: [Input, Output]");
    }
  }
  ASSIGN_OR_RETURN(const json* header, OptObject(*dc, "CaptureContentTypeHeader"));
  if (header != nullptr) {
    ASSIGN_OR_RETURN(c.csv_content_types, StringList(*header, "CsvContentTypes"));
    ASSIGN_OR_RETURN(c.json_content_types, StringList(*header, "JsonContentTypes"));
  }
  return std::optional<DataCaptureSpec>(std::move(c));
}

json DataCaptureJson(const DataCaptureSpec& c) {
  json options = json::array();
  if (c.capture_input)
    options.push_back({{"CaptureMode", "Input"}});
  if (c.capture_output)
    options.push_back({{"CaptureMode", "Output"}});
  json out = {{"EnableCapture", c.enable},
              {"InitialSamplingPercentage", c.initial_sampling_percentage},
              {"DestinationS3Uri", c.destination_s3_uri},
              {"CaptureOptions", options}};
  if (!c.kms_key_id.empty())
    out["KmsKeyId"] = c.kms_key_id;
  if (!c.csv_content_types.empty() || !c.json_content_types.empty()) {
    json header = json::object();
    if (!c.csv_content_types.empty())
      header["CsvContentTypes"] = c.csv_content_types;
    if (!c.json_content_types.empty())
      header["JsonContentTypes"] = c.json_content_types;
    out["CaptureContentTypeHeader"] = header;
  }
  return out;
}

Result<json> CreateEndpointConfig(EndpointService& s, const json& r) {
  EndpointConfigRecord c;
  ASSIGN_OR_RETURN(c.name, ReqString(r, "EndpointConfigName"));
  ASSIGN_OR_RETURN(const json* variants, OptArray(r, "ProductionVariants"));
  if (variants == nullptr)
    return Missing("ProductionVariants");
  for (const json& v : *variants) {
    ASSIGN_OR_RETURN(VariantSpec spec, ParseVariant(v));
    c.variants.push_back(std::move(spec));
  }
  ASSIGN_OR_RETURN(c.tags, Tags(r));
  ASSIGN_OR_RETURN(c.data_capture, ParseDataCapture(r));
  ASSIGN_OR_RETURN(EndpointConfigRecord created, s.CreateEndpointConfig(std::move(c)));
  return json{{"EndpointConfigArn", created.arn}};
}

Result<json> DescribeEndpointConfig(EndpointService& s, const json& r) {
  ASSIGN_OR_RETURN(std::string name, ReqString(r, "EndpointConfigName"));
  ASSIGN_OR_RETURN(EndpointConfigRecord c, s.DescribeEndpointConfig(name));
  json variants = json::array();
  for (const VariantSpec& v : c.variants) {
    json jv = {{"VariantName", v.variant_name},
               {"ModelName", v.model_name},
               {"InitialVariantWeight", v.initial_variant_weight}};
    if (!v.instance_type.empty())
      jv["InstanceType"] = v.instance_type;
    if (v.serverless_memory_mb || v.serverless_max_concurrency) {
      json sc = json::object();
      if (v.serverless_memory_mb)
        sc["MemorySizeInMB"] = *v.serverless_memory_mb;
      if (v.serverless_max_concurrency)
        sc["MaxConcurrency"] = *v.serverless_max_concurrency;
      jv["ServerlessConfig"] = sc;
    } else {
      jv["InitialInstanceCount"] = v.initial_instance_count;
    }
    variants.push_back(std::move(jv));
  }
  json out = {{"EndpointConfigName", c.name},
              {"EndpointConfigArn", c.arn},
              {"ProductionVariants", variants},
              {"CreationTime", Seconds(c.creation_ms)}};
  if (c.data_capture)
    out["DataCaptureConfig"] = DataCaptureJson(*c.data_capture);
  return out;
}

Result<json> DeleteEndpointConfig(EndpointService& s, const json& r) {
  ASSIGN_OR_RETURN(std::string name, ReqString(r, "EndpointConfigName"));
  RETURN_IF_ERROR(s.DeleteEndpointConfig(name));
  return json::object();
}

Result<json> ListEndpointConfigs(EndpointService& s, const json& r) {
  ASSIGN_OR_RETURN(ListQuery q, ParseList(r, false));
  ASSIGN_OR_RETURN(ListPage<EndpointConfigRecord> page, s.ListEndpointConfigs(q));
  json items = json::array();
  for (const EndpointConfigRecord& c : page.items) {
    items.push_back({{"EndpointConfigName", c.name},
                     {"EndpointConfigArn", c.arn},
                     {"CreationTime", Seconds(c.creation_ms)}});
  }
  return WithNextToken({{"EndpointConfigs", items}}, page.next_token);
}

// ---- endpoints ----

const DeployedVariant* FindVariant(const std::optional<EndpointSpec>& spec,
                                   const std::string& name) {
  for (std::size_t i = 0; spec && i < spec->variants.size(); ++i) {
    if (spec->variants[i].variant_name == name)
      return &spec->variants[i];
  }
  return nullptr;
}

json DeployedImages(const DeployedVariant& v, bool resolved) {
  json image = {{"SpecifiedImage", v.container.image}};
  if (resolved) {
    image["ResolvedImage"] = v.container.image;
    image["ResolutionTime"] = Seconds(v.deployed_ms);
  }
  return json::array({image});
}

json DescribeEndpointJson(const EndpointRecord& e) {
  json out = {{"EndpointName", e.name},
              {"EndpointArn", e.arn},
              {"EndpointConfigName", e.current.config_name},
              {"EndpointStatus", EndpointStatusName(e.status)},
              {"CreationTime", Seconds(e.creation_ms)},
              {"LastModifiedTime", Seconds(e.last_modified_ms)}};
  if (!e.failure_reason.empty())
    out["FailureReason"] = e.failure_reason;
  const bool serving = e.status == EndpointStatus::kInService ||
                       e.status == EndpointStatus::kUpdating ||
                       e.status == EndpointStatus::kSystemUpdating;
  const bool capacity = e.pending_kind == PendingKind::kCapacity;
  if (serving) {
    json variants = json::array();
    for (const DeployedVariant& v : e.current.variants) {
      const DeployedVariant* desired = capacity ? FindVariant(e.pending, v.variant_name) : nullptr;
      // Current: the live instances (as /metrics shows them); desired: what the variant is
      // being brought to (scaling, a cold start, or an older pending capacity change).
      const int current = std::max(0, v.live_instances);
      const int target = desired                         ? desired->instance_count
                         : v.live_desired_instances >= 0 ? v.live_desired_instances
                                                         : v.instance_count;
      variants.push_back({{"VariantName", v.variant_name},
                          {"DeployedImages", DeployedImages(v, true)},
                          {"CurrentWeight", v.weight},
                          {"DesiredWeight", desired ? desired->weight : v.weight},
                          {"CurrentInstanceCount", current},
                          {"DesiredInstanceCount", target}});
    }
    out["ProductionVariants"] = variants;
  }
  if (e.current.data_capture) {
    const DataCaptureSpec& c = *e.current.data_capture;
    json summary = {{"EnableCapture", c.enable},
                    {"CaptureStatus", c.enable ? "Started" : "Stopped"},
                    {"CurrentSamplingPercentage", c.initial_sampling_percentage},
                    {"DestinationS3Uri", c.destination_s3_uri}};
    if (!c.kms_key_id.empty())
      summary["KmsKeyId"] = c.kms_key_id;
    out["DataCaptureConfig"] = summary;
  }
  if (e.status == EndpointStatus::kUpdating && e.pending) {
    json variants = json::array();
    for (const DeployedVariant& v : e.pending->variants) {
      variants.push_back(
          {{"VariantName", v.variant_name},
           {"DeployedImages", DeployedImages(v, false)},
           {"DesiredWeight", v.weight},
           {"DesiredInstanceCount", v.instance_count},
           {"VariantStatus", json::array({{{"Status", capacity ? "Updating" : "Creating"},
                                           {"StartTime", Seconds(e.pending_start_ms)}}})}});
      if (!v.instance_type.empty())
        variants.back()["InstanceType"] = v.instance_type;
    }
    out["PendingDeploymentSummary"] = {{"EndpointConfigName", e.pending->config_name},
                                       {"ProductionVariants", variants},
                                       {"StartTime", Seconds(e.pending_start_ms)}};
  }
  return out;
}

Result<json> CreateEndpoint(EndpointService& s, const json& r) {
  ASSIGN_OR_RETURN(std::string name, ReqString(r, "EndpointName"));
  ASSIGN_OR_RETURN(std::string config, ReqString(r, "EndpointConfigName"));
  ASSIGN_OR_RETURN(KeyValues tags, Tags(r));
  ASSIGN_OR_RETURN(EndpointRecord e, s.CreateEndpoint(name, config, std::move(tags)));
  return json{{"EndpointArn", e.arn}};
}

Result<json> DescribeEndpoint(EndpointService& s, const json& r) {
  ASSIGN_OR_RETURN(std::string name, ReqString(r, "EndpointName"));
  ASSIGN_OR_RETURN(EndpointRecord e, s.DescribeEndpoint(name));
  return DescribeEndpointJson(e);
}

Result<json> UpdateEndpoint(EndpointService& s, const json& r) {
  ASSIGN_OR_RETURN(std::string name, ReqString(r, "EndpointName"));
  ASSIGN_OR_RETURN(std::string config, ReqString(r, "EndpointConfigName"));
  ASSIGN_OR_RETURN(EndpointRecord e, s.UpdateEndpoint(name, config));
  return json{{"EndpointArn", e.arn}};
}

Result<json> UpdateEndpointWeightsAndCapacities(EndpointService& s, const json& r) {
  ASSIGN_OR_RETURN(std::string name, ReqString(r, "EndpointName"));
  ASSIGN_OR_RETURN(const json* list, OptArray(r, "DesiredWeightsAndCapacities"));
  if (list == nullptr)
    return Missing("DesiredWeightsAndCapacities");
  std::vector<DesiredVariantCapacity> desired;
  for (const json& d : *list) {
    if (!d.is_object())
      return TypeError("DesiredWeightsAndCapacities", "a list of objects");
    DesiredVariantCapacity c;
    ASSIGN_OR_RETURN(c.variant_name, ReqString(d, "VariantName"));
    ASSIGN_OR_RETURN(c.weight, OptNumber(d, "DesiredWeight"));
    ASSIGN_OR_RETURN(c.instance_count, OptInt(d, "DesiredInstanceCount"));
    desired.push_back(std::move(c));
  }
  ASSIGN_OR_RETURN(EndpointRecord e, s.UpdateEndpointWeightsAndCapacities(name, desired));
  return json{{"EndpointArn", e.arn}};
}

Result<json> DeleteEndpoint(EndpointService& s, const json& r) {
  ASSIGN_OR_RETURN(std::string name, ReqString(r, "EndpointName"));
  RETURN_IF_ERROR(s.DeleteEndpoint(name));
  return json::object();
}

Result<json> ListEndpoints(EndpointService& s, const json& r) {
  ASSIGN_OR_RETURN(ListQuery q, ParseList(r, true));
  ASSIGN_OR_RETURN(ListPage<EndpointRecord> page, s.ListEndpoints(q));
  json items = json::array();
  for (const EndpointRecord& e : page.items) {
    items.push_back({{"EndpointName", e.name},
                     {"EndpointArn", e.arn},
                     {"CreationTime", Seconds(e.creation_ms)},
                     {"LastModifiedTime", Seconds(e.last_modified_ms)},
                     {"EndpointStatus", EndpointStatusName(e.status)}});
  }
  return WithNextToken({{"Endpoints", items}}, page.next_token);
}

constexpr std::array<std::pair<std::string_view, Handler>, 14> kOperations = {{
    {"CreateModel", CreateModel},
    {"DescribeModel", DescribeModel},
    {"DeleteModel", DeleteModel},
    {"ListModels", ListModels},
    {"CreateEndpointConfig", CreateEndpointConfig},
    {"DescribeEndpointConfig", DescribeEndpointConfig},
    {"DeleteEndpointConfig", DeleteEndpointConfig},
    {"ListEndpointConfigs", ListEndpointConfigs},
    {"CreateEndpoint", CreateEndpoint},
    {"DescribeEndpoint", DescribeEndpoint},
    {"UpdateEndpoint", UpdateEndpoint},
    {"UpdateEndpointWeightsAndCapacities", UpdateEndpointWeightsAndCapacities},
    {"DeleteEndpoint", DeleteEndpoint},
    {"ListEndpoints", ListEndpoints},
}};

}  // namespace

std::optional<HttpResponse> HandleEndpointOperation(EndpointService& service,
                                                    std::string_view operation,
                                                    std::string_view body,
                                                    const std::string& request_id) {
  Handler handler = nullptr;
  for (const auto& [name, h] : kOperations) {
    if (name == operation)
      handler = h;
  }
  if (handler == nullptr)
    return std::nullopt;
  try {
    json request = json::object();
    if (!body.empty()) {
      request = json::parse(body, nullptr, false);
      if (!request.is_object()) {
        return JsonError(400, "SerializationException", "the request body is not a JSON object",
                         request_id);
      }
    }
    Result<json> result = handler(service, request);
    if (!result.ok())
      return JsonErrorFromStatus(result.error(), request_id);
    HttpResponse response;
    response.body = result->dump(-1, ' ', false, json::error_handler_t::replace);
    response.SetHeader("Content-Type", "application/x-amz-json-1.1");
    response.SetHeader("x-amzn-RequestId", request_id);
    return response;
  } catch (const std::exception& e) {
    return JsonError(500, "InternalFailure",
                     std::string(operation) + " failed unexpectedly: " + e.what(), request_id);
  }
}

}  // namespace kiln
