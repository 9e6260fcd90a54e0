// JsonCall: one awsJson1_1 operation from body to response — the request body parsed as a JSON
// object (an empty body is {}), the operation run, its result or error written in the protocol's
// format (json_errors.h), and an escaping exception turned into 500 InternalFailure naming the
// operation. Shared by the SageMaker operation tables (training, endpoints, transform). Stateless.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"
#include "http/http_message.h"

namespace kiln {

HttpResponse JsonCall(std::string_view operation, std::string_view body,
                      const std::string& request_id,
                      const std::function<Result<nlohmann::json>(const nlohmann::json&)>& run);

}  // namespace kiln
