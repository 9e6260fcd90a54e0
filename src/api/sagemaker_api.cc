#include "api/sagemaker_api.h"

#include <exception>
#include <nlohmann/json.hpp>

#include "api/json_errors.h"
#include "api/sagemaker_training.h"

namespace kiln {
namespace {

using nlohmann::json;
using Operation = Result<json> (*)(TrainingJobService&, const json&);

struct Route {
  std::string_view name;
  Operation fn;
};

constexpr Route kRoutes[] = {
    {"CreateTrainingJob", &CreateTrainingJob},
    {"DescribeTrainingJob", &DescribeTrainingJob},
    {"ListTrainingJobs", &ListTrainingJobs},
    {"StopTrainingJob", &StopTrainingJob},
};

}  // namespace

HttpResponse SageMakerApi::Handle(std::string_view operation, std::string_view body,
                                  const std::string& request_id) {
  try {
    const Route* route = nullptr;
    for (const Route& r : kRoutes) {
      if (r.name == operation)
        route = &r;
    }
    if (route == nullptr) {
      return JsonError(400, "UnknownOperationException",
                       "Operation SageMaker." + std::string(operation) +
                           " is not supported by Kiln (docs/api.md lists the ones it serves)",
                       request_id);
    }
    json in = json::object();
    if (body.find_first_not_of(" \t\r\n") != std::string_view::npos) {
      in = json::parse(body, nullptr, false);
      if (in.is_discarded() || !in.is_object()) {
        return JsonError(400, "SerializationException",
                         "the request body of " + std::string(operation) + " is not a JSON object",
                         request_id);
      }
    }
    Result<json> out = route->fn(training_, in);
    if (!out.ok())
      return JsonErrorFromStatus(out.error(), request_id);
    HttpResponse r;
    r.status = 200;
    r.body = out->dump(-1, ' ', false, json::error_handler_t::replace);
    r.SetHeader("Content-Type", "application/x-amz-json-1.1");
    r.SetHeader("x-amzn-RequestId", request_id);
    return r;
  } catch (const std::exception& e) {
    return JsonError(500, "InternalFailure",
                     std::string("internal error in ") + std::string(operation) + ": " + e.what(),
                     request_id);
  } catch (...) {
    return JsonError(500, "InternalFailure", "internal error in " + std::string(operation),
                     request_id);
  }
}

}  // namespace kiln
