#include "profile/data_profile.h"

namespace kiln {

Status ProfileOptions::Validate() const {
  if (top_values < 1 || top_values > 1000) {
    return Status::InvalidArgument("top_values must be between 1 and 1000, got " +
                                   std::to_string(top_values));
  }
  if (histogram_bins < 1 || histogram_bins > 1000) {
    return Status::InvalidArgument("histogram_bins must be between 1 and 1000, got " +
                                   std::to_string(histogram_bins));
  }
  return Status::Ok();
}

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kHigh:
      return "high";
    case Severity::kMedium:
      return "medium";
    case Severity::kLow:
      return "low";
  }
  return "unknown";
}

}  // namespace kiln
