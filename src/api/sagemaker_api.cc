#include "api/sagemaker_api.h"

#include <exception>
#include <nlohmann/json.hpp>

#include "api/json_call.h"
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
  return JsonCall(operation, body, request_id,
                  [&](const json& in) { return route->fn(training_, in); });
}

}  // namespace kiln
