// The batch-transform operations of the SageMaker API (awsJson1_1, research note §2.6):
//
//   CreateTransformJob DescribeTransformJob ListTransformJobs StopTransformJob
//
// over TransformJobService. Field names follow botocore's service model; timestamps are epoch
// seconds (JSON numbers). DescribeTransformJob adds Kiln's progress as "KilnProgress" (docs/api.md;
// botocore drops members it does not model, so read it from the raw response). Errors are
// `{"__type", "message"}` through JsonErrorFromStatus: not-found and bad input are 400
// ValidationException (boto3's transform_job_completed_or_stopped waiter relies on it), a duplicate
// name is ResourceInUse. Thread-safe (stateless; the service is thread-safe).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "http/http_message.h"

namespace kiln {

class TransformJobService;
struct TransformJobRecord;

// Handles a batch-transform operation. nullopt when `operation` is not one of them (the dispatcher
// then tries others).
std::optional<HttpResponse> HandleTransformOperation(TransformJobService& service,
                                                     std::string_view operation,
                                                     std::string_view body,
                                                     const std::string& request_id);

// DescribeTransformJob's output for a record.
nlohmann::json DescribeTransformJobOutput(const TransformJobRecord& job);

}  // namespace kiln
