#include "jobs/training_job.h"

#include <array>

namespace kiln {
namespace {
constexpr std::array<const char*, 5> kNames = {"InProgress", "Completed", "Failed", "Stopping",
                                               "Stopped"};
}  // namespace

const char* TrainingJobStatusName(TrainingJobStatus status) {
  return kNames[static_cast<std::size_t>(status)];
}

std::optional<TrainingJobStatus> ParseTrainingJobStatus(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (name == kNames[i])
      return static_cast<TrainingJobStatus>(i);
  }
  return std::nullopt;
}

}  // namespace kiln
