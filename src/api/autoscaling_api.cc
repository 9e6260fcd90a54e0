#include "api/autoscaling_api.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>

#include "api/json_errors.h"
#include "autoscale/autoscaling_service.h"

namespace kiln {
namespace {

using nlohmann::json;

constexpr int kMaxPage = 50;

Status Invalid(std::string message) {
  return Status::InvalidArgument(std::move(message)).WithReason(kValidationException);
}

// Reads the members of one JSON object; each error names the member by its path.
class Fields {
 public:
  Fields(const json& obj, std::string path) : obj_(obj), path_(std::move(path)) {}

  Result<std::optional<std::string>> String(std::string_view key) const {
    const json* v = Get(key);
    if (v == nullptr)
      return std::optional<std::string>();
    if (!v->is_string())
      return WrongType(key, "a string");
    return std::optional<std::string>(v->get<std::string>());
  }
  Result<std::string> RequiredString(std::string_view key) const {
    ASSIGN_OR_RETURN(std::optional<std::string> v, String(key));
    if (!v)
      return Invalid("1 validation error detected: Value null at '" + Path(key) +
                     "' failed to satisfy constraint: Member must not be null");
    if (v->empty())
      return Invalid("1 validation error detected: Value '' at '" + Path(key) +
                     "' failed to satisfy constraint: Member must have length greater than or "
                     "equal to 1");
    return std::move(*v);
  }
  Result<std::optional<double>> Number(std::string_view key) const {
    const json* v = Get(key);
    if (v == nullptr)
      return std::optional<double>();
    if (!v->is_number())
      return WrongType(key, "a number");
    return std::optional<double>(v->get<double>());
  }
  Result<std::optional<int>> Int(std::string_view key) const {
    ASSIGN_OR_RETURN(std::optional<double> v, Number(key));
    if (v && (*v != std::floor(*v) || std::abs(*v) > 2147483647.0))
      return WrongType(key, "an integer");
    return v ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
  }
  Result<std::optional<bool>> Bool(std::string_view key) const {
    const json* v = Get(key);
    if (v == nullptr)
      return std::optional<bool>();
    if (!v->is_boolean())
      return WrongType(key, "a boolean");
    return std::optional<bool>(v->get<bool>());
  }
  Result<std::optional<Fields>> Object(std::string_view key) const {
    const json* v = Get(key);
    if (v == nullptr)
      return std::optional<Fields>();
    if (!v->is_object())
      return WrongType(key, "an object");
    return std::optional<Fields>(Fields(*v, Path(key)));
  }
  Result<std::optional<std::vector<std::string>>> Strings(std::string_view key) const {
    const json* v = Get(key);
    if (v == nullptr)
      return std::optional<std::vector<std::string>>();
    if (!v->is_array())
      return WrongType(key, "a list of strings");
    std::vector<std::string> out;
    for (const json& item : *v) {
      if (!item.is_string())
        return WrongType(key, "a list of strings");
      out.push_back(item.get<std::string>());
    }
    return std::optional<std::vector<std::string>>(std::move(out));
  }
  bool Has(std::string_view key) const { return Get(key) != nullptr; }

 private:
  const json* Get(std::string_view key) const {
    const auto it = obj_.find(key);
    return it == obj_.end() || it->is_null() ? nullptr : &*it;
  }
  std::string Path(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  }
  Status WrongType(std::string_view key, std::string_view what) const {
    return Invalid("1 validation error detected: Value at '" + Path(key) +
                   "' failed to satisfy constraint: Member must be " + std::string(what));
  }

  const json& obj_;
  std::string path_;
};

// ServiceNamespace and, when `dimension_required` or given, ScalableDimension: Kiln's only pair.
Status CheckNamespaceAndDimension(const Fields& f, bool dimension_required) {
  ASSIGN_OR_RETURN(std::string ns, f.RequiredString("ServiceNamespace"));
  if (ns != kSageMakerNamespace)
    return Invalid(
        "Kiln scales only SageMaker endpoint variants: ServiceNamespace must be "
        "\"sagemaker\", not \"" +
        ns + "\"");
  std::optional<std::string> dim;
  if (dimension_required) {
    ASSIGN_OR_RETURN(dim, f.RequiredString("ScalableDimension"));
  } else {
    ASSIGN_OR_RETURN(dim, f.String("ScalableDimension"));
  }
  if (dim && *dim != kVariantDimension)
    return Invalid(std::string("ScalableDimension must be \"") + kVariantDimension +
                   "\" for the sagemaker namespace, not \"" + *dim + "\"");
  return Status::Ok();
}

// The identifying trio (namespace, resource id, dimension) of a request about one target.
Result<std::string> TargetKey(const Fields& f) {
  RETURN_IF_ERROR(CheckNamespaceAndDimension(f, true));
  ASSIGN_OR_RETURN(std::string resource_id, f.RequiredString("ResourceId"));
  RETURN_IF_ERROR(ParseVariantResourceId(resource_id).status());
  return resource_id;
}

double Seconds(std::int64_t ms) { return static_cast<double>(ms) / 1000.0; }

// One page of `items` from MaxResults and NextToken (an offset, as Kiln issues it).
template <typename T>
Result<json> Page(const Fields& f, const std::vector<T>& items, const char* list_key,
                  json (*render)(const T&)) {
  ASSIGN_OR_RETURN(std::optional<int> max, f.Int("MaxResults"));
  if (max && (*max < 1 || *max > kMaxPage))
    return Invalid("MaxResults must be between 1 and " + std::to_string(kMaxPage) + ", not " +
                   std::to_string(*max));
  ASSIGN_OR_RETURN(std::optional<std::string> token, f.String("NextToken"));
  std::size_t start = 0;
  if (token) {
    const bool digits = !token->empty() && token->size() < 10 &&
                        token->find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::stoul(*token) > items.size())
      return Status::InvalidArgument("The NextToken \"" + *token +
                                     "\" is not one Kiln issued for this listing")
          .WithReason(kInvalidNextTokenException);
    start = std::stoul(*token);
  }
  const std::size_t end =
      std::min(items.size(), start + static_cast<std::size_t>(max.value_or(kMaxPage)));
  json out = {{list_key, json::array()}};
  for (std::size_t i = start; i < end; ++i)
    out[list_key].push_back(render(items[i]));
  if (end < items.size())
    out["NextToken"] = std::to_string(end);
  return out;
}

json RenderTarget(const ScalableTarget& t) {
  return {{"ServiceNamespace", kSageMakerNamespace},
          {"ResourceId", t.resource_id},
          {"ScalableDimension", kVariantDimension},
          {"MinCapacity", t.min_capacity},
          {"MaxCapacity", t.max_capacity},
          {"RoleARN", t.role_arn},
          {"CreationTime", Seconds(t.creation_ms)},
          {"SuspendedState",
           {{"DynamicScalingInSuspended", t.suspended.dynamic_scaling_in_suspended},
            {"DynamicScalingOutSuspended", t.suspended.dynamic_scaling_out_suspended},
            {"ScheduledScalingSuspended", t.suspended.scheduled_scaling_suspended}}},
          {"ScalableTargetARN", t.arn}};
}

json RenderPolicy(const ScalingPolicy& p) {
  json metric = {{"PredefinedMetricType", p.metric_type}};
  if (!p.resource_label.empty())
    metric["ResourceLabel"] = p.resource_label;
  json config = {{"TargetValue", p.target_value},
                 {"PredefinedMetricSpecification", metric},
                 {"DisableScaleIn", p.disable_scale_in}};
  if (p.scale_out_cooldown_s)
    config["ScaleOutCooldown"] = *p.scale_out_cooldown_s;
  if (p.scale_in_cooldown_s)
    config["ScaleInCooldown"] = *p.scale_in_cooldown_s;
  return {{"PolicyARN", p.arn},
          {"PolicyName", p.policy_name},
          {"ServiceNamespace", kSageMakerNamespace},
          {"ResourceId", p.resource_id},
          {"ScalableDimension", kVariantDimension},
          {"PolicyType", "TargetTrackingScaling"},
          {"TargetTrackingScalingPolicyConfiguration", config},
          {"Alarms", json::array()},
          {"CreationTime", Seconds(p.creation_ms)}};
}

json RenderActivity(const ScalingActivity& a) {
  json out = {{"ActivityId", a.activity_id},      {"ServiceNamespace", kSageMakerNamespace},
              {"ResourceId", a.resource_id},      {"ScalableDimension", kVariantDimension},
              {"Description", a.description},     {"Cause", a.cause},
              {"StartTime", Seconds(a.start_ms)}, {"StatusCode", ActivityStatusName(a.status)},
              {"StatusMessage", a.status_message}};
  if (a.end_ms)
    out["EndTime"] = Seconds(*a.end_ms);
  return out;
}

Result<json> RegisterScalableTarget(AutoScalingService& s, const Fields& f) {
  RegisterTargetRequest r;
  ASSIGN_OR_RETURN(r.resource_id, TargetKey(f));
  ASSIGN_OR_RETURN(r.min_capacity, f.Int("MinCapacity"));
  ASSIGN_OR_RETURN(r.max_capacity, f.Int("MaxCapacity"));
  ASSIGN_OR_RETURN(r.role_arn, f.String("RoleARN"));
  ASSIGN_OR_RETURN(std::optional<Fields> suspended, f.Object("SuspendedState"));
  if (suspended) {
    ASSIGN_OR_RETURN(r.dynamic_scaling_in_suspended, suspended->Bool("DynamicScalingInSuspended"));
    ASSIGN_OR_RETURN(r.dynamic_scaling_out_suspended,
                     suspended->Bool("DynamicScalingOutSuspended"));
    ASSIGN_OR_RETURN(r.scheduled_scaling_suspended, suspended->Bool("ScheduledScalingSuspended"));
  }
  ASSIGN_OR_RETURN(ScalableTarget t, s.RegisterScalableTarget(r));
  return json{{"ScalableTargetARN", t.arn}};
}

Result<json> DescribeScalableTargets(AutoScalingService& s, const Fields& f) {
  RETURN_IF_ERROR(CheckNamespaceAndDimension(f, false));
  ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> ids, f.Strings("ResourceIds"));
  ASSIGN_OR_RETURN(std::vector<ScalableTarget> all, s.DescribeScalableTargets());
  std::vector<ScalableTarget> shown;
  for (ScalableTarget& t : all)
    if (!ids || ids->empty() || std::find(ids->begin(), ids->end(), t.resource_id) != ids->end())
      shown.push_back(std::move(t));
  return Page(f, shown, "ScalableTargets", &RenderTarget);
}

Result<json> DeregisterScalableTarget(AutoScalingService& s, const Fields& f) {
  ASSIGN_OR_RETURN(std::string resource_id, TargetKey(f));
  RETURN_IF_ERROR(s.DeregisterScalableTarget(resource_id));
  return json::object();
}

Result<json> PutScalingPolicy(AutoScalingService& s, const Fields& f) {
  ScalingPolicy p;
  ASSIGN_OR_RETURN(p.policy_name, f.RequiredString("PolicyName"));
  ASSIGN_OR_RETURN(p.resource_id, TargetKey(f));
  ASSIGN_OR_RETURN(std::optional<std::string> type, f.String("PolicyType"));
  if (!type || *type == "StepScaling")
    return Invalid(std::string("Kiln runs only PolicyType TargetTrackingScaling") +
                   (type ? "" : " (an absent PolicyType means StepScaling)") +
                   "; StepScaling needs CloudWatch alarms, which Kiln does not have");
  if (*type != "TargetTrackingScaling")
    return Invalid("1 validation error detected: Value '" + *type +
                   "' at 'PolicyType' failed to satisfy constraint: Member must satisfy enum "
                   "value set: [StepScaling, TargetTrackingScaling]");
  if (f.Has("StepScalingPolicyConfiguration"))
    return Invalid(
        "StepScalingPolicyConfiguration is not allowed with PolicyType TargetTrackingScaling");
  ASSIGN_OR_RETURN(std::optional<Fields> config,
                   f.Object("TargetTrackingScalingPolicyConfiguration"));
  if (!config)
    return Invalid(
        "TargetTrackingScalingPolicyConfiguration is required for PolicyType "
        "TargetTrackingScaling");
  ASSIGN_OR_RETURN(std::optional<double> target, config->Number("TargetValue"));
  if (!target)
    return Invalid(
        "1 validation error detected: Value null at "
        "'TargetTrackingScalingPolicyConfiguration.TargetValue' failed to satisfy constraint: "
        "Member must not be null");
  p.target_value = *target;
  if (config->Has("CustomizedMetricSpecification"))
    return Invalid(std::string("CustomizedMetricSpecification needs CloudWatch metrics, which "
                               "Kiln does not have; use PredefinedMetricSpecification with ") +
                   kInvocationsPerInstance + " or " + kConcurrentRequestsPerModel);
  ASSIGN_OR_RETURN(std::optional<Fields> metric, config->Object("PredefinedMetricSpecification"));
  if (!metric)
    return Invalid(
        "TargetTrackingScalingPolicyConfiguration needs a PredefinedMetricSpecification");
  ASSIGN_OR_RETURN(p.metric_type, metric->RequiredString("PredefinedMetricType"));
  ASSIGN_OR_RETURN(std::optional<std::string> label, metric->String("ResourceLabel"));
  p.resource_label = label.value_or("");
  ASSIGN_OR_RETURN(p.scale_out_cooldown_s, config->Int("ScaleOutCooldown"));
  ASSIGN_OR_RETURN(p.scale_in_cooldown_s, config->Int("ScaleInCooldown"));
  ASSIGN_OR_RETURN(std::optional<bool> disable, config->Bool("DisableScaleIn"));
  p.disable_scale_in = disable.value_or(false);
  ASSIGN_OR_RETURN(ScalingPolicy stored, s.PutScalingPolicy(std::move(p)));
  return json{{"PolicyARN", stored.arn}, {"Alarms", json::array()}};
}

Result<json> DescribeScalingPolicies(AutoScalingService& s, const Fields& f) {
  RETURN_IF_ERROR(CheckNamespaceAndDimension(f, false));
  ASSIGN_OR_RETURN(std::optional<std::string> resource_id, f.String("ResourceId"));
  ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> names, f.Strings("PolicyNames"));
  ASSIGN_OR_RETURN(std::vector<ScalingPolicy> all,
                   s.DescribeScalingPolicies(
                       resource_id ? std::optional<std::string_view>(*resource_id) : std::nullopt));
  std::vector<ScalingPolicy> shown;
  for (ScalingPolicy& p : all)
    if (!names || names->empty() ||
        std::find(names->begin(), names->end(), p.policy_name) != names->end())
      shown.push_back(std::move(p));
  return Page(f, shown, "ScalingPolicies", &RenderPolicy);
}

Result<json> DeleteScalingPolicy(AutoScalingService& s, const Fields& f) {
  ASSIGN_OR_RETURN(std::string name, f.RequiredString("PolicyName"));
  ASSIGN_OR_RETURN(std::string resource_id, TargetKey(f));
  RETURN_IF_ERROR(s.DeleteScalingPolicy(resource_id, name));
  return json::object();
}

Result<json> DescribeScalingActivities(AutoScalingService& s, const Fields& f) {
  RETURN_IF_ERROR(CheckNamespaceAndDimension(f, false));
  ASSIGN_OR_RETURN(std::optional<std::string> resource_id, f.String("ResourceId"));
  ASSIGN_OR_RETURN(std::vector<ScalingActivity> all,
                   s.DescribeScalingActivities(
                       resource_id ? std::optional<std::string_view>(*resource_id) : std::nullopt));
  return Page(f, all, "ScalingActivities", &RenderActivity);
}

using Handler = Result<json> (*)(AutoScalingService&, const Fields&);

struct Operation {
  std::string_view name;
  Handler handler;
};

constexpr Operation kOperations[] = {
    {"RegisterScalableTarget", &RegisterScalableTarget},
    {"DescribeScalableTargets", &DescribeScalableTargets},
    {"DeregisterScalableTarget", &DeregisterScalableTarget},
    {"PutScalingPolicy", &PutScalingPolicy},
    {"DescribeScalingPolicies", &DescribeScalingPolicies},
    {"DeleteScalingPolicy", &DeleteScalingPolicy},
    {"DescribeScalingActivities", &DescribeScalingActivities},
};

// Operations of the service Kiln knows but does not run.
constexpr std::string_view kNotRun[] = {
    "PutScheduledAction", "DescribeScheduledActions", "DeleteScheduledAction", "TagResource",
    "UntagResource",      "ListTagsForResource",
};

}  // namespace

HttpResponse HandleAutoScalingOperation(AutoScalingService& service, std::string_view operation,
                                        std::string_view body, const std::string& request_id) {
  const Operation* op = nullptr;
  for (const Operation& o : kOperations)
    if (o.name == operation)
      op = &o;
  if (op == nullptr) {
    for (std::string_view n : kNotRun)
      if (n == operation)
        return JsonError(400, kValidationException,
                         "Kiln does not implement " + std::string(operation) +
                             " (scheduled scaling and tags); target tracking runs",
                         request_id);
    return JsonError(400, "UnknownOperationException",
                     "Application Auto Scaling has no operation \"" + std::string(operation) + "\"",
                     request_id);
  }
  json request = json::parse(body.empty() ? std::string_view("{}") : body, nullptr, false);
  if (request.is_discarded() || !request.is_object())
    return JsonError(400, "SerializationException", "the request body is not a JSON object",
                     request_id);
  Result<json> out = op->handler(service, Fields(request, ""));
  if (!out.ok())
    return JsonErrorFromStatus(out.error(), request_id);
  HttpResponse r;
  r.body = out->dump(-1, ' ', false, json::error_handler_t::replace);
  r.SetHeader("Content-Type", "application/x-amz-json-1.1");
  r.SetHeader("x-amzn-RequestId", request_id);
  return r;
}

}  // namespace kiln
