// SageMakerApi: the SageMaker control-plane operations Kiln serves over awsJson1_1 (research note
// §1.2): an operation name (X-Amz-Target after "SageMaker.") and a JSON body in, a JSON response or
// the protocol's error out. Training jobs now (sagemaker_training.h); models and endpoints later.
//
// Errors: a body that is not a JSON object -> 400 SerializationException; an unknown operation ->
// 400 UnknownOperationException; a failed call -> JsonErrorFromStatus (json_errors.h): 400
// ValidationException for user errors (including not-found, which boto3's waiters rely on), the
// Status reason when set (ResourceInUse), 500 InternalFailure for Kiln's own failures. Handle never
// throws.
//
// Thread-safe: stateless over thread-safe services.
#pragma once

#include <string>
#include <string_view>

#include "http/http_message.h"

namespace kiln {

class TrainingJobService;

class SageMakerApi {
 public:
  // All references outlive the api.
  explicit SageMakerApi(TrainingJobService& training) : training_(training) {}

  // Handles one request; the response carries Content-Type application/x-amz-json-1.1 and
  // x-amzn-RequestId: `request_id`.
  HttpResponse Handle(std::string_view operation, std::string_view body,
                      const std::string& request_id);

 private:
  TrainingJobService& training_;
};

}  // namespace kiln
