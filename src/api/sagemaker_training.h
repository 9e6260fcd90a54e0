// The training-job operations of the SageMaker API (research note §2.3): request JSON in, response
// JSON out, over TrainingJobService. Field names, defaults and time formats (epoch seconds as JSON
// numbers) follow botocore's service model. Thread-safe: stateless.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "common/status.h"

namespace kiln {

class TrainingJobService;
struct TrainingJobRecord;

Result<nlohmann::json> CreateTrainingJob(TrainingJobService& training, const nlohmann::json& in);
Result<nlohmann::json> DescribeTrainingJob(TrainingJobService& training, const nlohmann::json& in);
Result<nlohmann::json> ListTrainingJobs(TrainingJobService& training, const nlohmann::json& in);
Result<nlohmann::json> StopTrainingJob(TrainingJobService& training, const nlohmann::json& in);

// DescribeTrainingJob's output for a record.
nlohmann::json DescribeTrainingJobOutput(const TrainingJobRecord& job);

}  // namespace kiln
