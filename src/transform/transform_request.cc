#include "transform/transform_request.h"

#include <cmath>
#include <initializer_list>
#include <nlohmann/json.hpp>

#include "serve/resource_names.h"

namespace kiln {
namespace {

using nlohmann::json;

Status Constraint(const std::string& path, const std::string& what) {
  return Status::InvalidArgument("1 validation error detected: Value at '" + path +
                                 "' failed to satisfy constraint: " + what);
}

// The member `key` of `obj`, or null when absent or JSON null.
const json* Get(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

Result<const json*> Object(const json& obj, const char* key, const std::string& path,
                           bool required) {
  const json* v = Get(obj, key);
  if (v == nullptr) {
    if (required)
      return Constraint(path, "Member must not be null");
    return v;
  }
  if (!v->is_object())
    return Constraint(path, "Member must be a structure");
  return v;
}

Result<std::string> String(const json& obj, const char* key, const std::string& path, bool required,
                           std::string fallback = "") {
  const json* v = Get(obj, key);
  if (v == nullptr) {
    if (required)
      return Constraint(path, "Member must not be null");
    return fallback;
  }
  if (!v->is_string())
    return Constraint(path, "Member must be a string");
  return v->get<std::string>();
}

Result<std::string> Enum(const json& obj, const char* key, const std::string& path,
                         std::initializer_list<const char*> values, std::string fallback) {
  ASSIGN_OR_RETURN(std::string v, String(obj, key, path, false, fallback));
  std::string list;
  for (const char* allowed : values) {
    if (v == allowed)
      return v;
    list += (list.empty() ? "" : ", ") + std::string(allowed);
  }
  return Constraint(path, "'" + v + "' is not one of [" + list + "]");
}

Result<int> Integer(const json& obj, const char* key, const std::string& path, int lo, int hi,
                    int fallback) {
  const json* v = Get(obj, key);
  if (v == nullptr)
    return fallback;
  if (!v->is_number() || v->get<double>() != std::floor(v->get<double>()))
    return Constraint(path, "Member must be an integer");
  const double d = v->get<double>();
  if (d < lo || d > hi) {
    return Constraint(path, "Member must have value between " + std::to_string(lo) + " and " +
                                std::to_string(hi) + " (got " + v->dump() + ")");
  }
  return static_cast<int>(d);
}

Result<std::vector<std::pair<std::string, std::string>>> StringMap(const json& obj, const char* key,
                                                                   std::size_t max) {
  std::vector<std::pair<std::string, std::string>> out;
  const json* v = Get(obj, key);
  if (v == nullptr)
    return out;
  if (!v->is_object())
    return Constraint(key, "Member must be a map of strings");
  if (v->size() > max)
    return Constraint(key, "Member must have at most " + std::to_string(max) + " entries");
  for (auto it = v->begin(); it != v->end(); ++it) {
    if (!it.value().is_string())
      return Constraint(std::string(key) + "." + it.key(), "Member must be a string");
    out.emplace_back(it.key(), it.value().get<std::string>());
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> TagList(const json& obj) {
  std::vector<std::pair<std::string, std::string>> out;
  const json* v = Get(obj, "Tags");
  if (v == nullptr)
    return out;
  if (!v->is_array())
    return Constraint("tags", "Member must be a list of {Key, Value}");
  for (const json& t : *v) {
    if (!t.is_object())
      return Constraint("tags", "Member must be a list of {Key, Value}");
    ASSIGN_OR_RETURN(std::string k, String(t, "Key", "tags.member.key", true));
    ASSIGN_OR_RETURN(std::string val, String(t, "Value", "tags.member.value", false));
    out.emplace_back(std::move(k), std::move(val));
  }
  return out;
}

// s3://bucket[/key]. Kiln reads only its own store, so https:// URLs are refused.
Result<S3Location> ParseS3Uri(const std::string& path, const std::string& uri) {
  constexpr std::string_view kScheme = "s3://";
  if (uri.rfind(kScheme, 0) != 0) {
    return Status::InvalidArgument(path + ": \"" + uri +
                                   "\" is not an S3 URI; use s3://bucket/key-or-prefix in Kiln's "
                                   "store");
  }
  const std::string rest = uri.substr(kScheme.size());
  const std::size_t slash = rest.find('/');
  S3Location loc;
  loc.bucket = rest.substr(0, slash);
  loc.key = slash == std::string::npos ? "" : rest.substr(slash + 1);
  if (loc.bucket.empty())
    return Status::InvalidArgument(path + ": \"" + uri + "\" names no bucket (s3://bucket/...)");
  return loc;
}

Result<MediaType> ParseMedia(const std::string& path, const std::string& text) {
  std::optional<MediaType> t = ParseContentType(text);
  if (!t.has_value()) {
    return Status::InvalidArgument(path + ": \"" + text +
                                   "\" is not supported by Kiln's models; use text/csv, "
                                   "application/json or application/jsonlines");
  }
  return *t;
}

}  // namespace

Result<TransformJobSpec> ParseTransformJobRequest(const json& request, json* normalized) {
  if (!request.is_object())
    return Status::InvalidArgument("the CreateTransformJob request must be a JSON object");
  TransformJobSpec spec;
  ASSIGN_OR_RETURN(spec.name, String(request, "TransformJobName", "transformJobName", true));
  RETURN_IF_ERROR(CheckResourceName("transformJobName", spec.name));
  ASSIGN_OR_RETURN(spec.model_name, String(request, "ModelName", "modelName", true));
  RETURN_IF_ERROR(CheckResourceName("modelName", spec.model_name));

  // TransformInput
  ASSIGN_OR_RETURN(const json* input, Object(request, "TransformInput", "transformInput", true));
  ASSIGN_OR_RETURN(const json* source,
                   Object(*input, "DataSource", "transformInput.dataSource", true));
  ASSIGN_OR_RETURN(const json* s3,
                   Object(*source, "S3DataSource", "transformInput.dataSource.s3DataSource", true));
  ASSIGN_OR_RETURN(std::string data_type,
                   Enum(*s3, "S3DataType", "transformInput.dataSource.s3DataSource.s3DataType",
                        {"S3Prefix", "ManifestFile", "S3Object"}, ""));
  if (data_type.empty()) {
    return Constraint("transformInput.dataSource.s3DataSource.s3DataType",
                      "Member must not be null");
  }
  spec.data_type = data_type == "S3Prefix"       ? S3DataType::kS3Prefix
                   : data_type == "ManifestFile" ? S3DataType::kManifestFile
                                                 : S3DataType::kS3Object;
  ASSIGN_OR_RETURN(std::string s3_uri,
                   String(*s3, "S3Uri", "transformInput.dataSource.s3DataSource.s3Uri", true));
  ASSIGN_OR_RETURN(spec.input, ParseS3Uri("TransformInput.DataSource.S3DataSource.S3Uri", s3_uri));
  if (spec.data_type != S3DataType::kS3Prefix && spec.input.key.empty()) {
    return Status::InvalidArgument("TransformInput.DataSource.S3DataSource.S3Uri: \"" + s3_uri +
                                   "\" names no object, which S3DataType " + data_type + " needs");
  }
  ASSIGN_OR_RETURN(std::string content_type, String(*input, "ContentType", "", false, "text/csv"));
  ASSIGN_OR_RETURN(spec.content_type, ParseMedia("TransformInput.ContentType", content_type));
  ASSIGN_OR_RETURN(
      std::string compression,
      Enum(*input, "CompressionType", "transformInput.compressionType", {"None", "Gzip"}, "None"));
  spec.gzip = compression == "Gzip";
  ASSIGN_OR_RETURN(std::string split, Enum(*input, "SplitType", "transformInput.splitType",
                                           {"None", "Line", "RecordIO", "TFRecord"}, "None"));
  if (split == "RecordIO" || split == "TFRecord") {
    return Status::InvalidArgument("TransformInput.SplitType: " + split +
                                   " is not supported by Kiln yet; use None or Line");
  }
  spec.split = split == "Line" ? SplitType::kLine : SplitType::kNone;

  // TransformOutput
  ASSIGN_OR_RETURN(const json* output, Object(request, "TransformOutput", "transformOutput", true));
  ASSIGN_OR_RETURN(std::string out_uri,
                   String(*output, "S3OutputPath", "transformOutput.s3OutputPath", true));
  ASSIGN_OR_RETURN(spec.output, ParseS3Uri("TransformOutput.S3OutputPath", out_uri));
  while (!spec.output.key.empty() && spec.output.key.back() == '/')
    spec.output.key.pop_back();
  ASSIGN_OR_RETURN(std::string accept, String(*output, "Accept", "", false, content_type));
  const std::optional<MediaType> negotiated = NegotiateAccept(accept, spec.content_type);
  if (!negotiated.has_value()) {
    return Status::InvalidArgument("TransformOutput.Accept: \"" + accept +
                                   "\" is not supported by Kiln's models; use text/csv, "
                                   "application/json or application/jsonlines");
  }
  spec.accept = *negotiated;
  ASSIGN_OR_RETURN(
      std::string assemble,
      Enum(*output, "AssembleWith", "transformOutput.assembleWith", {"None", "Line"}, "None"));
  spec.assemble = assemble == "Line" ? AssembleWith::kLine : AssembleWith::kNone;

  // TransformResources
  ASSIGN_OR_RETURN(const json* resources,
                   Object(request, "TransformResources", "transformResources", true));
  ASSIGN_OR_RETURN(spec.instance_type,
                   String(*resources, "InstanceType", "transformResources.instanceType", true));
  if (Get(*resources, "InstanceCount") == nullptr)
    return Constraint("transformResources.instanceCount", "Member must not be null");
  ASSIGN_OR_RETURN(spec.instance_count, Integer(*resources, "InstanceCount",
                                                "transformResources.instanceCount", 1, 100, 1));

  // Batching
  ASSIGN_OR_RETURN(std::string strategy,
                   Enum(request, "BatchStrategy", "batchStrategy", {"MultiRecord", "SingleRecord"},
                        spec.split == SplitType::kLine ? "MultiRecord" : "SingleRecord"));
  spec.strategy =
      strategy == "MultiRecord" ? BatchStrategy::kMultiRecord : BatchStrategy::kSingleRecord;
  ASSIGN_OR_RETURN(spec.max_payload_mb,
                   Integer(request, "MaxPayloadInMB", "maxPayloadInMB", 0, 100, 6));
  if (spec.max_payload_mb == 0)
    spec.max_payload_mb = 100;
  ASSIGN_OR_RETURN(spec.max_concurrent, Integer(request, "MaxConcurrentTransforms",
                                                "maxConcurrentTransforms", 0, 1000, 1));
  spec.max_concurrent = std::max(1, spec.max_concurrent);

  // DataProcessing
  ASSIGN_OR_RETURN(const json* processing,
                   Object(request, "DataProcessing", "dataProcessing", false));
  if (processing != nullptr) {
    ASSIGN_OR_RETURN(spec.processing.input_filter,
                     String(*processing, "InputFilter", "dataProcessing.inputFilter", false));
    ASSIGN_OR_RETURN(spec.processing.output_filter,
                     String(*processing, "OutputFilter", "dataProcessing.outputFilter", false));
    for (const std::string* f : {&spec.processing.input_filter, &spec.processing.output_filter}) {
      if (f->size() > 63)
        return Constraint("dataProcessing", "a filter must have length at most 63");
    }
    ASSIGN_OR_RETURN(std::string join, Enum(*processing, "JoinSource", "dataProcessing.joinSource",
                                            {"Input", "None"}, "None"));
    spec.processing.join = join == "Input" ? JoinSource::kInput : JoinSource::kNone;
  }
  RETURN_IF_ERROR(RecordProcessor::Make(spec.content_type, spec.accept, spec.processing).status());

  ASSIGN_OR_RETURN(spec.environment, StringMap(request, "Environment", 16));
  ASSIGN_OR_RETURN(spec.tags, TagList(request));
  for (const char* unsupported : {"DataCaptureConfig"}) {
    if (Get(request, unsupported) != nullptr) {
      return Status::InvalidArgument(std::string(unsupported) +
                                     " is not supported by Kiln's batch transform yet");
    }
  }

  if (normalized != nullptr) {
    *normalized = request;
    json& n = *normalized;
    n.erase("Tags");
    n["TransformInput"]["ContentType"] = content_type;
    n["TransformInput"]["CompressionType"] = compression;
    n["TransformInput"]["SplitType"] = split;
    n["TransformOutput"]["Accept"] = accept;
    n["TransformOutput"]["AssembleWith"] = assemble;
    n["BatchStrategy"] = strategy;
    n["MaxPayloadInMB"] = spec.max_payload_mb;
    n["MaxConcurrentTransforms"] = spec.max_concurrent;
  }
  return spec;
}

std::string RelativeName(const TransformJobSpec& spec, const std::string& key) {
  const std::size_t slash = spec.input.key.rfind('/');
  const std::size_t dir = slash == std::string::npos ? 0 : slash + 1;
  std::string rel = key.size() >= dir ? key.substr(dir) : key;
  while (!rel.empty() && rel.front() == '/')
    rel.erase(0, 1);
  return rel;
}

std::string OutputKey(const TransformJobSpec& spec, const std::string& relative) {
  return (spec.output.key.empty() ? "" : spec.output.key + "/") + relative + ".out";
}

}  // namespace kiln
