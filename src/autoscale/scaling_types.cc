#include "autoscale/scaling_types.h"

#include <array>

namespace kiln {
namespace {

constexpr std::array<std::pair<ActivityStatus, const char*>, 6> kStatusNames = {{
    {ActivityStatus::kPending, "Pending"},
    {ActivityStatus::kInProgress, "InProgress"},
    {ActivityStatus::kSuccessful, "Successful"},
    {ActivityStatus::kOverridden, "Overridden"},
    {ActivityStatus::kUnfulfilled, "Unfulfilled"},
    {ActivityStatus::kFailed, "Failed"},
}};

// SageMaker's endpoint and variant names: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$.
bool IsSageMakerName(std::string_view s) {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-')
    return false;
  for (char c : s) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && c != '-')
      return false;
  }
  return true;
}

Status BadResourceId(std::string_view resource_id, std::string_view why) {
  return Status::InvalidArgument("Unsupported ResourceId \"" + std::string(resource_id) +
                                 "\": " + std::string(why) +
                                 "; a SageMaker variant is endpoint/<EndpointName>/variant/"
                                 "<VariantName>")
      .WithReason(kValidationException);
}

}  // namespace

Result<VariantRef> ParseVariantResourceId(std::string_view resource_id) {
  constexpr std::string_view kEndpoint = "endpoint/";
  constexpr std::string_view kVariant = "/variant/";
  if (resource_id.substr(0, kEndpoint.size()) != kEndpoint)
    return BadResourceId(resource_id, "it does not start with endpoint/");
  const std::string_view rest = resource_id.substr(kEndpoint.size());
  const std::size_t cut = rest.find(kVariant);
  if (cut == std::string_view::npos)
    return BadResourceId(resource_id, "it has no /variant/ part");
  VariantRef ref{std::string(rest.substr(0, cut)), std::string(rest.substr(cut + kVariant.size()))};
  if (!IsSageMakerName(ref.endpoint))
    return BadResourceId(resource_id, "\"" + ref.endpoint + "\" is not an endpoint name");
  if (!IsSageMakerName(ref.variant))
    return BadResourceId(resource_id, "\"" + ref.variant + "\" is not a variant name");
  return ref;
}

std::string VariantResourceId(const VariantRef& ref) {
  return "endpoint/" + ref.endpoint + "/variant/" + ref.variant;
}

const char* ActivityStatusName(ActivityStatus status) {
  for (const auto& [s, name] : kStatusNames)
    if (s == status)
      return name;
  return "Failed";
}

std::optional<ActivityStatus> ParseActivityStatus(std::string_view name) {
  for (const auto& [s, n] : kStatusNames)
    if (name == n)
      return s;
  return std::nullopt;
}

}  // namespace kiln
