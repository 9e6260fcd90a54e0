#include "serve/internal/record_json.h"

#include <nlohmann/json.hpp>

namespace kiln::serve_internal {
namespace {

using nlohmann::json;

json PairsJson(const KeyValues& pairs) {
  json out = json::array();
  for (const auto& [k, v] : pairs)
    out.push_back(json::array({k, v}));
  return out;
}

KeyValues PairsFrom(const json& j) {
  KeyValues out;
  if (!j.is_array())
    return out;
  for (const json& p : j)
    out.emplace_back(p.at(0).get<std::string>(), p.at(1).get<std::string>());
  return out;
}

std::string Str(const json& j, const char* key) { return j.value(key, std::string()); }

json ContainerJson(const ContainerSpec& c) {
  return {{"Image", c.image},
          {"ModelDataUrl", c.model_data_url},
          {"Environment", PairsJson(c.environment)},
          {"Mode", c.mode},
          {"ContainerHostname", c.container_hostname}};
}

ContainerSpec ContainerFrom(const json& j) {
  ContainerSpec c;
  c.image = Str(j, "Image");
  c.model_data_url = Str(j, "ModelDataUrl");
  if (j.contains("Environment"))
    c.environment = PairsFrom(j["Environment"]);
  c.mode = Str(j, "Mode");
  c.container_hostname = Str(j, "ContainerHostname");
  return c;
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// Runs `fn` over the parsed `text`, turning any JSON error into Corruption.
template <typename Fn>
Status Decode(std::string_view what, std::string_view text, Fn fn) {
  try {
    fn(json::parse(text));
    return Status::Ok();
  } catch (const json::exception& e) {
    return Status::Corruption("stored " + std::string(what) + " does not decode: " + e.what());
  }
}

}  // namespace

std::string ModelSpecToJson(const ModelRecord& m) {
  return Dump({{"Container", ContainerJson(m.container)},
               {"AsContainersList", m.as_containers_list},
               {"ExecutionRoleArn", m.execution_role_arn},
               {"EnableNetworkIsolation", m.enable_network_isolation},
               {"Tags", PairsJson(m.tags)}});
}

Status ModelSpecFromJson(std::string_view text, ModelRecord* m) {
  return Decode("model", text, [&](const json& j) {
    m->container = ContainerFrom(j.at("Container"));
    m->as_containers_list = j.value("AsContainersList", false);
    m->execution_role_arn = Str(j, "ExecutionRoleArn");
    m->enable_network_isolation = j.value("EnableNetworkIsolation", false);
    m->tags = PairsFrom(j.value("Tags", json::array()));
  });
}

namespace {

json CaptureJson(const std::optional<DataCaptureSpec>& c) {
  if (!c)
    return nullptr;
  return {{"EnableCapture", c->enable},
          {"InitialSamplingPercentage", c->initial_sampling_percentage},
          {"DestinationS3Uri", c->destination_s3_uri},
          {"KmsKeyId", c->kms_key_id},
          {"CaptureInput", c->capture_input},
          {"CaptureOutput", c->capture_output},
          {"CsvContentTypes", c->csv_content_types},
          {"JsonContentTypes", c->json_content_types}};
}

std::optional<DataCaptureSpec> CaptureFrom(const json& j) {
  if (!j.is_object())
    return std::nullopt;
  DataCaptureSpec c;
  c.enable = j.value("EnableCapture", true);
  c.initial_sampling_percentage = j.value("InitialSamplingPercentage", 0);
  c.destination_s3_uri = Str(j, "DestinationS3Uri");
  c.kms_key_id = Str(j, "KmsKeyId");
  c.capture_input = j.value("CaptureInput", true);
  c.capture_output = j.value("CaptureOutput", true);
  c.csv_content_types = j.value("CsvContentTypes", std::vector<std::string>());
  c.json_content_types = j.value("JsonContentTypes", std::vector<std::string>());
  return c;
}

}  // namespace

std::string ConfigSpecToJson(const EndpointConfigRecord& c) {
  json variants = json::array();
  for (const VariantSpec& v : c.variants) {
    json jv = {{"VariantName", v.variant_name},
               {"ModelName", v.model_name},
               {"InitialInstanceCount", v.initial_instance_count},
               {"InstanceType", v.instance_type},
               {"InitialVariantWeight", v.initial_variant_weight}};
    if (v.serverless_memory_mb)
      jv["ServerlessMemorySizeInMB"] = *v.serverless_memory_mb;
    if (v.serverless_max_concurrency)
      jv["ServerlessMaxConcurrency"] = *v.serverless_max_concurrency;
    variants.push_back(std::move(jv));
  }
  return Dump({{"ProductionVariants", variants},
               {"Tags", PairsJson(c.tags)},
               {"DataCapture", CaptureJson(c.data_capture)}});
}

Status ConfigSpecFromJson(std::string_view text, EndpointConfigRecord* c) {
  return Decode("endpoint config", text, [&](const json& j) {
    c->variants.clear();
    for (const json& jv : j.at("ProductionVariants")) {
      VariantSpec v;
      v.variant_name = Str(jv, "VariantName");
      v.model_name = Str(jv, "ModelName");
      v.initial_instance_count = jv.value("InitialInstanceCount", 1);
      v.instance_type = Str(jv, "InstanceType");
      v.initial_variant_weight = jv.value("InitialVariantWeight", 1.0);
      if (jv.contains("ServerlessMemorySizeInMB"))
        v.serverless_memory_mb = jv["ServerlessMemorySizeInMB"].get<int>();
      if (jv.contains("ServerlessMaxConcurrency"))
        v.serverless_max_concurrency = jv["ServerlessMaxConcurrency"].get<int>();
      c->variants.push_back(std::move(v));
    }
    c->tags = PairsFrom(j.value("Tags", json::array()));
    c->data_capture = CaptureFrom(j.value("DataCapture", json()));
  });
}

std::string EndpointSpecToJson(const EndpointSpec& spec) {
  json variants = json::array();
  for (const DeployedVariant& v : spec.variants) {
    variants.push_back({{"VariantName", v.variant_name},
                        {"ModelName", v.model_name},
                        {"Container", ContainerJson(v.container)},
                        {"InstanceType", v.instance_type},
                        {"InstanceCount", v.instance_count},
                        {"Weight", v.weight},
                        {"DeployedMs", v.deployed_ms}});
  }
  return Dump({{"EndpointConfigName", spec.config_name},
               {"Variants", variants},
               {"DataCapture", CaptureJson(spec.data_capture)}});
}

Result<EndpointSpec> EndpointSpecFromJson(std::string_view text) {
  EndpointSpec spec;
  RETURN_IF_ERROR(Decode("endpoint spec", text, [&](const json& j) {
    spec.config_name = Str(j, "EndpointConfigName");
    for (const json& jv : j.at("Variants")) {
      DeployedVariant v;
      v.variant_name = Str(jv, "VariantName");
      v.model_name = Str(jv, "ModelName");
      v.container = ContainerFrom(jv.at("Container"));
      v.instance_type = Str(jv, "InstanceType");
      v.instance_count = jv.value("InstanceCount", 1);
      v.weight = jv.value("Weight", 1.0);
      v.deployed_ms = jv.value("DeployedMs", std::int64_t{0});
      spec.variants.push_back(std::move(v));
    }
    spec.data_capture = CaptureFrom(j.value("DataCapture", json()));
  }));
  return spec;
}

std::string KeyValuesToJson(const KeyValues& pairs) { return Dump(PairsJson(pairs)); }

Result<KeyValues> KeyValuesFromJson(std::string_view text) {
  KeyValues out;
  RETURN_IF_ERROR(Decode("tags", text, [&](const json& j) { out = PairsFrom(j); }));
  return out;
}

}  // namespace kiln::serve_internal
