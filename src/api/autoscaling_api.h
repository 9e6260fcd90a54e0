// The Application Auto Scaling API (awsJson1_1, X-Amz-Target "AnyScaleFrontendService.<Op>",
// signing service "application-autoscaling"; research note §2.10) over AutoScalingService:
//
//   RegisterScalableTarget DescribeScalableTargets DeregisterScalableTarget
//   PutScalingPolicy DescribeScalingPolicies DeleteScalingPolicy DescribeScalingActivities
//
// Only SageMaker variants scale (ServiceNamespace "sagemaker", ScalableDimension
// "sagemaker:variant:DesiredInstanceCount") and only TargetTrackingScaling on the predefined
// SageMaker metrics runs; anything else is a ValidationException saying so. Errors are
// `{"__type", "message"}` with the service's exception names (ValidationException,
// ObjectNotFoundException, LimitExceededException, InvalidNextTokenException). Describe* page with
// MaxResults (1..50, default 50) and NextToken. Thread-safe (stateless over a thread-safe service).
#pragma once

#include <string>
#include <string_view>

#include "http/http_message.h"

namespace kiln {

class AutoScalingService;

HttpResponse HandleAutoScalingOperation(AutoScalingService& service, std::string_view operation,
                                        std::string_view body, const std::string& request_id);

}  // namespace kiln
