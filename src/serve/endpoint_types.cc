#include "serve/endpoint_types.h"

#include <array>

namespace kiln {
namespace {

constexpr std::array<std::pair<EndpointStatus, const char*>, 6> kStatusNames = {{
    {EndpointStatus::kCreating, "Creating"},
    {EndpointStatus::kInService, "InService"},
    {EndpointStatus::kUpdating, "Updating"},
    {EndpointStatus::kSystemUpdating, "SystemUpdating"},
    {EndpointStatus::kDeleting, "Deleting"},
    {EndpointStatus::kFailed, "Failed"},
}};

}  // namespace

const char* EndpointStatusName(EndpointStatus status) {
  for (const auto& [s, name] : kStatusNames) {
    if (s == status)
      return name;
  }
  return "Failed";
}

std::optional<EndpointStatus> ParseEndpointStatus(std::string_view name) {
  for (const auto& [s, n] : kStatusNames) {
    if (name == n)
      return s;
  }
  return std::nullopt;
}

}  // namespace kiln
