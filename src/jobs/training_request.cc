#include "jobs/training_request.h"

#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>

#include "learn/hyperparam_text.h"

namespace kiln {
namespace {

using nlohmann::json;

Status Invalid(const std::string& field, const std::string& why) {
  return Status::InvalidArgument(field + ": " + why);
}

// The member `key` of `obj` if present and not null.
const json* Member(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() || it->is_null() ? nullptr : &*it;
}

Result<std::optional<std::string>> OptString(const json& obj, const char* key,
                                             const std::string& field) {
  const json* v = Member(obj, key);
  if (v == nullptr)
    return std::optional<std::string>();
  if (!v->is_string())
    return Invalid(field, "must be a string");
  return std::optional<std::string>(v->get<std::string>());
}

Result<std::string> RequiredString(const json& obj, const char* key, const std::string& field) {
  ASSIGN_OR_RETURN(std::optional<std::string> v, OptString(obj, key, field));
  if (!v.has_value() || v->empty())
    return Invalid(field, "is required");
  return *v;
}

Result<const json*> OptObject(const json& obj, const char* key, const std::string& field) {
  const json* v = Member(obj, key);
  if (v != nullptr && !v->is_object())
    return Invalid(field, "must be an object");
  return v;
}

Result<std::optional<std::int64_t>> OptInt(const json& obj, const char* key,
                                           const std::string& field, std::int64_t lo) {
  const json* v = Member(obj, key);
  if (v == nullptr)
    return std::optional<std::int64_t>();
  if (!v->is_number_integer())
    return Invalid(field, "must be an integer");
  const std::int64_t i = v->get<std::int64_t>();
  if (i < lo)
    return Invalid(field, std::to_string(i) + " is below the minimum " + std::to_string(lo));
  return std::optional<std::int64_t>(i);
}

// A string enum member with a default; `supported` is the subset Kiln runs, the rest of `known`
// is rejected as "not supported by Kiln yet".
Result<std::string> Enum(json& obj, const char* key, const std::string& field,
                         const std::vector<std::string>& known, const std::string& fallback,
                         const std::set<std::string>& unsupported = {}) {
  ASSIGN_OR_RETURN(std::optional<std::string> v, OptString(obj, key, field));
  const std::string value = v.value_or(fallback);
  bool ok = false;
  std::string list;
  for (const auto& k : known) {
    ok = ok || k == value;
    list += (list.empty() ? "" : ", ") + k;
  }
  if (!ok)
    return Invalid(field, "\"" + value + "\" is not one of " + list);
  if (unsupported.count(value) != 0)
    return Invalid(field, "\"" + value + "\" is not supported by Kiln yet");
  obj[key] = value;
  return value;
}

std::string Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return std::string(s);
}

// Reads "text/csv[;label_size=N][;header=present]" into `channel`.
Status ParseContentType(const std::string& field, const std::string& content_type,
                        ChannelSpec* channel) {
  channel->content_type = content_type;
  if (Trim(content_type).empty())
    return Status::Ok();
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t semi = content_type.find(';', start);
    parts.push_back(hp::Lower(Trim(std::string_view(content_type).substr(start, semi - start))));
    if (semi == std::string::npos)
      break;
    start = semi + 1;
  }
  const std::string& media = parts.front();
  if (media != "text/csv" && media != "csv") {
    static const std::set<std::string> kKnown = {"text/libsvm",
                                                 "libsvm",
                                                 "application/x-parquet",
                                                 "parquet",
                                                 "application/x-recordio-protobuf",
                                                 "application/x-recordio",
                                                 "application/x-image",
                                                 "image/jpeg",
                                                 "image/png",
                                                 "application/jsonlines",
                                                 "application/json"};
    if (kKnown.count(media) != 0) {
      return Invalid(field, "\"" + content_type +
                                "\" is not supported by Kiln yet; upload the data as CSV and "
                                "set ContentType to text/csv");
    }
    return Invalid(field,
                   "\"" + content_type + "\" is not a content type Kiln reads; use text/csv");
  }
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const std::string& p = parts[i];
    if (p == "label_size=0" || p == "label_size=1") {
      channel->label_size = p.back() - '0';
    } else if (p == "header=present") {
      channel->header_present = true;
    } else if (p == "header=absent" || p.starts_with("charset=")) {
      continue;
    } else {
      return Invalid(field, "parameter \"" + p +
                                "\" is not supported; Kiln reads text/csv with label_size=0 or 1 "
                                "and header=present or absent");
    }
  }
  return Status::Ok();
}

bool IsChannelName(const std::string& name) {
  if (name.empty() || name.size() > 64)
    return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_')
      return false;
  }
  return true;
}

Result<ChannelSpec> ParseChannel(json& c, std::size_t index) {
  std::string field = "InputDataConfig[" + std::to_string(index) + "]";
  if (!c.is_object())
    return Invalid(field, "must be an object");
  ASSIGN_OR_RETURN(std::string name, RequiredString(c, "ChannelName", field + ".ChannelName"));
  if (!IsChannelName(name)) {
    return Invalid(field + ".ChannelName",
                   "\"" + name + "\" must be 1-64 letters, digits, '.', '-' or '_'");
  }
  field = "InputDataConfig channel \"" + name + "\"";
  ChannelSpec channel;
  channel.name = name;
  ASSIGN_OR_RETURN(const json* source, OptObject(c, "DataSource", field + " DataSource"));
  if (source == nullptr)
    return Invalid(field + " DataSource", "is required");
  json& src = c["DataSource"];
  if (Member(src, "FileSystemDataSource") != nullptr) {
    return Invalid(field + " DataSource.FileSystemDataSource",
                   "is not supported by Kiln; use S3DataSource");
  }
  ASSIGN_OR_RETURN(const json* s3, OptObject(src, "S3DataSource", field + " S3DataSource"));
  if (s3 == nullptr)
    return Invalid(field + " DataSource.S3DataSource", "is required");
  json& s3src = src["S3DataSource"];
  RETURN_IF_ERROR(Enum(s3src, "S3DataType", field + " S3DataType",
                       {"S3Prefix", "ManifestFile", "AugmentedManifestFile"}, "S3Prefix",
                       {"ManifestFile", "AugmentedManifestFile"})
                      .status());
  ASSIGN_OR_RETURN(std::string uri, RequiredString(s3src, "S3Uri", field + " S3Uri"));
  if (uri.rfind("http://", 0) == 0 || uri.rfind("https://", 0) == 0) {
    channel.url = uri;  // Kiln fetches the file itself (SageMaker cannot)
  } else {
    ASSIGN_OR_RETURN(channel.source, ParseS3Uri(field + " S3Uri", uri));
  }
  RETURN_IF_ERROR(Enum(s3src, "S3DataDistributionType", field + " S3DataDistributionType",
                       {"FullyReplicated", "ShardedByS3Key"}, "FullyReplicated")
                      .status());
  ASSIGN_OR_RETURN(std::optional<std::string> content_type,
                   OptString(c, "ContentType", field + " ContentType"));
  RETURN_IF_ERROR(ParseContentType(field + " ContentType", content_type.value_or(""), &channel));
  RETURN_IF_ERROR(
      Enum(c, "CompressionType", field + " CompressionType", {"None", "Gzip"}, "None", {"Gzip"})
          .status());
  RETURN_IF_ERROR(Enum(c, "RecordWrapperType", field + " RecordWrapperType", {"None", "RecordIO"},
                       "None", {"RecordIO"})
                      .status());
  if (Member(c, "InputMode") != nullptr) {
    RETURN_IF_ERROR(
        Enum(c, "InputMode", field + " InputMode", {"File", "Pipe", "FastFile"}, "File").status());
  }
  return channel;
}

}  // namespace

std::string S3Location::Uri() const { return "s3://" + bucket + (key.empty() ? "" : "/" + key); }

Result<S3Location> ParseS3Uri(std::string_view field, std::string_view uri) {
  const std::string f(field);
  if (!uri.starts_with("s3://")) {
    return Invalid(f, "\"" + std::string(uri) +
                          "\" is not an S3 URI; write s3://bucket/prefix (Kiln's own store)");
  }
  std::string_view rest = uri.substr(5);
  const std::size_t slash = rest.find('/');
  S3Location loc;
  loc.bucket = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos)
    loc.key = std::string(rest.substr(slash + 1));
  if (loc.bucket.empty())
    return Invalid(f, "\"" + std::string(uri) + "\" names no bucket");
  return loc;
}

bool IsValidJobName(std::string_view name) {
  if (name.empty() || name.size() > 63)
    return false;
  const auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (!alnum(name.front()) || !alnum(name.back()))
    return false;
  for (char c : name) {
    if (!alnum(c) && c != '-')
      return false;
  }
  return true;
}

S3Location TrainingJobSpec::ModelArtifact() const {
  std::string prefix = output.key;
  while (!prefix.empty() && prefix.back() == '/')
    prefix.pop_back();
  return {output.bucket, (prefix.empty() ? "" : prefix + "/") + name + "/output/model.tar.gz"};
}

const ChannelSpec* TrainingJobSpec::Channel(std::string_view channel_name) const {
  for (const ChannelSpec& c : channels) {
    if (c.name == channel_name)
      return &c;
  }
  return nullptr;
}

Result<TrainingJobSpec> ParseTrainingJobRequest(const json& request, json* normalized) {
  if (!request.is_object())
    return Status::InvalidArgument("the request body must be a JSON object");
  json req = request;
  TrainingJobSpec spec;

  ASSIGN_OR_RETURN(spec.name, RequiredString(req, "TrainingJobName", "TrainingJobName"));
  if (!IsValidJobName(spec.name)) {
    return Invalid("TrainingJobName",
                   "\"" + spec.name +
                       "\" must match ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$ (1-63 letters, digits "
                       "and hyphens, starting and ending with a letter or digit)");
  }

  ASSIGN_OR_RETURN(std::string role, RequiredString(req, "RoleArn", "RoleArn"));
  static const std::regex kRole(R"(^arn:aws[a-z\-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+$)");
  if (role.size() < 20 || role.size() > 2048 || !std::regex_match(role, kRole)) {
    return Invalid("RoleArn", "\"" + role +
                                  "\" is not an IAM role ARN such as "
                                  "arn:aws:iam::000000000000:role/kiln (Kiln stores it and does "
                                  "not check permissions)");
  }

  if (const json* hps = Member(req, "HyperParameters")) {
    if (!hps->is_object())
      return Invalid("HyperParameters", "must be an object of strings");
    if (hps->size() > 100)
      return Invalid("HyperParameters", "at most 100 entries");
    for (const auto& [k, v] : hps->items()) {
      if (!v.is_string())
        return Invalid("HyperParameters." + k, "must be a string (SageMaker sends text values)");
      if (k.empty() || k.size() > 256)
        return Invalid("HyperParameters", "names must be 1-256 characters");
      if (v.get_ref<const std::string&>().size() > 2500)
        return Invalid("HyperParameters." + k, "longer than 2500 characters");
      spec.hyperparameters[k] = v.get<std::string>();
    }
  }

  ASSIGN_OR_RETURN(const json* algo,
                   OptObject(req, "AlgorithmSpecification", "AlgorithmSpecification"));
  if (algo == nullptr)
    return Invalid("AlgorithmSpecification", "is required (TrainingImage or AlgorithmName)");
  json& alg = req["AlgorithmSpecification"];
  ASSIGN_OR_RETURN(std::optional<std::string> image,
                   OptString(alg, "TrainingImage", "AlgorithmSpecification.TrainingImage"));
  ASSIGN_OR_RETURN(std::optional<std::string> algorithm_name,
                   OptString(alg, "AlgorithmName", "AlgorithmSpecification.AlgorithmName"));
  ASSIGN_OR_RETURN(spec.algorithm, ResolveAlgorithm(image.value_or(""), algorithm_name.value_or(""),
                                                    spec.hyperparameters));
  RETURN_IF_ERROR(Enum(alg, "TrainingInputMode", "AlgorithmSpecification.TrainingInputMode",
                       {"File", "Pipe", "FastFile"}, "File")
                      .status());
  for (const char* k : {"ContainerEntrypoint", "ContainerArguments"}) {
    if (Member(alg, k) != nullptr) {
      return Invalid(std::string("AlgorithmSpecification.") + k,
                     "is not supported for Kiln's built-in algorithms");
    }
  }

  const json* channels = Member(req, "InputDataConfig");
  if (channels == nullptr)
    return Invalid("InputDataConfig", "is required: give at least a \"train\" channel");
  if (!channels->is_array() || channels->empty() || channels->size() > 20)
    return Invalid("InputDataConfig", "must be a list of 1-20 channels");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < channels->size(); ++i) {
    ASSIGN_OR_RETURN(ChannelSpec c, ParseChannel(req["InputDataConfig"][i], i));
    if (!seen.insert(c.name).second)
      return Invalid("InputDataConfig", "channel \"" + c.name + "\" is given twice");
    spec.channels.push_back(std::move(c));
  }
  if (spec.Channel("train") == nullptr) {
    return Invalid("InputDataConfig",
                   "a channel named \"train\" is required by Kiln's built-in algorithms");
  }

  ASSIGN_OR_RETURN(const json* output, OptObject(req, "OutputDataConfig", "OutputDataConfig"));
  if (output == nullptr)
    return Invalid("OutputDataConfig", "is required (S3OutputPath)");
  json& out = req["OutputDataConfig"];
  ASSIGN_OR_RETURN(std::string output_path,
                   RequiredString(out, "S3OutputPath", "OutputDataConfig.S3OutputPath"));
  ASSIGN_OR_RETURN(spec.output, ParseS3Uri("OutputDataConfig.S3OutputPath", output_path));
  if (Member(out, "KmsKeyId") == nullptr)
    out["KmsKeyId"] = "";
  RETURN_IF_ERROR(Enum(out, "CompressionType", "OutputDataConfig.CompressionType", {"GZIP", "NONE"},
                       "GZIP", {"NONE"})
                      .status());

  ASSIGN_OR_RETURN(const json* resources, OptObject(req, "ResourceConfig", "ResourceConfig"));
  json& res = req["ResourceConfig"];
  if (resources == nullptr)
    res = json::object();
  ASSIGN_OR_RETURN(std::optional<std::string> instance_type,
                   OptString(res, "InstanceType", "ResourceConfig.InstanceType"));
  res["InstanceType"] = instance_type.value_or("ml.m5.large");
  ASSIGN_OR_RETURN(std::optional<std::int64_t> count,
                   OptInt(res, "InstanceCount", "ResourceConfig.InstanceCount", 1));
  if (count.value_or(1) != 1) {
    return Invalid("ResourceConfig.InstanceCount",
                   std::to_string(*count) + ": Kiln trains on one instance; set it to 1");
  }
  res["InstanceCount"] = 1;
  ASSIGN_OR_RETURN(std::optional<std::int64_t> volume,
                   OptInt(res, "VolumeSizeInGB", "ResourceConfig.VolumeSizeInGB", 1));
  res["VolumeSizeInGB"] = volume.value_or(30);

  ASSIGN_OR_RETURN(const json* stopping, OptObject(req, "StoppingCondition", "StoppingCondition"));
  json& stop = req["StoppingCondition"];
  if (stopping == nullptr)
    stop = json::object();
  ASSIGN_OR_RETURN(std::optional<std::int64_t> max_runtime,
                   OptInt(stop, "MaxRuntimeInSeconds", "StoppingCondition.MaxRuntimeInSeconds", 1));
  spec.max_runtime_seconds = max_runtime.value_or(86400);
  stop["MaxRuntimeInSeconds"] = spec.max_runtime_seconds;

  for (const char* flag : {"EnableNetworkIsolation", "EnableInterContainerTrafficEncryption",
                           "EnableManagedSpotTraining"}) {
    const json* v = Member(req, flag);
    if (v != nullptr && !v->is_boolean())
      return Invalid(flag, "must be true or false");
    if (v == nullptr)
      req[flag] = false;
  }
  if (normalized != nullptr)
    *normalized = std::move(req);
  return spec;
}

}  // namespace kiln
