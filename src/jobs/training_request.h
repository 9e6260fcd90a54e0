// TrainingJobSpec: a validated CreateTrainingJob request (research note §2.3), the part of it Kiln
// acts on, and the request as DescribeTrainingJob echoes it (defaults filled in).
//
// Validation here is everything that needs no other state: the job name pattern, RoleArn, the
// algorithm (algorithm_image.h), channels (S3Prefix URIs, `train` required, ContentType text/csv),
// the output path, ResourceConfig (one instance) and StoppingCondition. Bucket existence and
// hyperparameters are checked by the service (training_job_service.h, training_plan.h). Every
// error is InvalidArgument naming the field. Thread-safe: pure functions.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "jobs/algorithm_image.h"
#include "learn/learner.h"

namespace kiln {

struct S3Location {
  std::string bucket;
  std::string key;  // a key or key prefix, no leading '/'; may be empty

  // "s3://bucket/key" ("s3://bucket" when key is empty).
  std::string Uri() const;
};

// Parses "s3://bucket[/key]"; InvalidArgument naming `field` otherwise.
Result<S3Location> ParseS3Uri(std::string_view field, std::string_view uri);

// Whether `name` matches SageMaker's job-name pattern ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$.
bool IsValidJobName(std::string_view name);

struct ChannelSpec {
  std::string name;
  S3Location source;  // every object under this prefix (S3Prefix)
  // Kiln's extension: an http(s):// URL in S3Uri names one file Kiln downloads itself (empty
  // for s3:// channels; `source` is then unused).
  std::string url;
  std::string content_type;     // as given; empty when unset (read as text/csv)
  int label_size = -1;          // from "text/csv;label_size=N"; -1 when not given
  bool header_present = false;  // from "text/csv;header=present": skip each file's first line
};

struct TrainingJobSpec {
  std::string name;
  Algorithm algorithm = Algorithm::kXgboost;
  HyperParams hyperparameters;  // as given
  std::vector<ChannelSpec> channels;
  S3Location output;  // OutputDataConfig.S3OutputPath
  std::int64_t max_runtime_seconds = 86400;

  // Where the model goes: <S3OutputPath>/<job>/output/model.tar.gz.
  S3Location ModelArtifact() const;
  // The channel called `name`, or null.
  const ChannelSpec* Channel(std::string_view name) const;
};

// Validates `request` (a CreateTrainingJob JSON object). On success `normalized` (if not null)
// receives the request with defaults filled in: TrainingInputMode File, S3DataDistributionType
// FullyReplicated, CompressionType None/GZIP, RecordWrapperType None, ResourceConfig 1 x
// ml.m5.large with 30 GB, StoppingCondition 86400 s, the Enable* flags false. Parsing the
// normalized request again gives the same spec.
Result<TrainingJobSpec> ParseTrainingJobRequest(const nlohmann::json& request,
                                                nlohmann::json* normalized);

}  // namespace kiln
