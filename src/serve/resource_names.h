// Names, ARNs and S3 URIs of the SageMaker resources the serving module keeps: models, endpoint
// configs, endpoints and their production variants (research note §2.0).
//
// Every name is 1-63 letters, digits and hyphens, starting and ending with a letter or digit
// (SageMaker's `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$`; the model pattern means the same). ARNs are
// `arn:aws:sagemaker:<region>:<account>:<type>/<name in lower case>`, as AWS writes them, so two
// names that differ only in case share an ARN and cannot both exist. Thread-safe: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace kiln {

// InvalidArgument in SageMaker's wording when `name` breaks the rule above; `field` is the request
// member, e.g. "endpointName".
Status CheckResourceName(std::string_view field, std::string_view name);

// `arn:aws:sagemaker:<region>:<account>:<type>/<lower-cased name>`; `type` is "model",
// "endpoint-config" or "endpoint".
std::string SageMakerArn(std::string_view region, std::string_view account, std::string_view type,
                         std::string_view name);

struct S3ObjectRef {
  std::string bucket;
  std::string key;
};

// Splits `s3://bucket/key` (key non-empty). InvalidArgument naming `field` otherwise.
Result<S3ObjectRef> ParseS3ObjectUrl(std::string_view field, std::string_view url);

}  // namespace kiln
