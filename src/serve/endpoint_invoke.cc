// EndpointService::Invoke: the InvokeEndpoint data path (see endpoint_service.h). Lock-free: one
// atomic load of the live map and one of the endpoint's Deployment.
#include "serve/endpoint_service.h"
#include "serve/request_payload.h"
#include "serve/response_payload.h"

namespace kiln {
namespace {

Status Invalid(std::string message) {
  return Status::InvalidArgument(std::move(message)).WithReason(kInvokeValidationError);
}

std::string Supported() { return "text/csv, application/json or application/jsonlines"; }

}  // namespace

Result<InvokeResponse> EndpointService::Invoke(const InvokeRequest& request) const {
  const std::string endpoint(request.endpoint_name);
  const std::shared_ptr<const Deployment> deployment = LiveDeployment(request.endpoint_name);
  if (deployment == nullptr) {
    return Invalid("Endpoint " + endpoint + " of account " + options_.account_id + " not found.");
  }
  if (request.body.size() > options_.max_payload_bytes) {
    return Invalid("The request body is " + std::to_string(request.body.size()) +
                   " bytes; InvokeEndpoint accepts at most " +
                   std::to_string(options_.max_payload_bytes) + " bytes (6 MB).");
  }
  std::optional<std::size_t> variant;
  if (!request.target_variant.empty()) {
    variant = deployment->Find(request.target_variant);
    if (!variant) {
      std::string names;
      for (const VariantDeployment& v : deployment->variants())
        names += (names.empty() ? "" : ", ") + v.name;
      return Invalid("Target variant " + std::string(request.target_variant) +
                     " is not a production variant of endpoint " + endpoint +
                     " (its variants: " + names + ").");
    }
  } else {
    variant = deployment->PickVariant();
    if (!variant) {
      return Invalid("Endpoint " + endpoint +
                     " gives every variant weight 0; name one with "
                     "X-Amzn-SageMaker-Target-Variant.");
    }
  }
  const VariantDeployment& v = deployment->variants()[*variant];
  const std::optional<MediaType> in = ParseContentType(request.content_type);
  if (!in) {
    return Status::InvalidArgument("Content type " + std::string(request.content_type) +
                                   " is not supported by this model; send " + Supported())
        .WithReason(kInvokeUnsupportedMediaType);
  }
  const std::optional<MediaType> out = NegotiateAccept(request.accept, *in);
  if (!out) {
    return Status::InvalidArgument("Accept " + std::string(request.accept) +
                                   " is not supported by this model; accept " + Supported())
        .WithReason(kInvokeNotAcceptable);
  }
  const Predictor& predictor = *deployment->PickInstance(*variant).predictor;
  Result<Matrix> rows = ParseRows(*in, request.body, predictor.num_features());
  if (!rows.ok())
    return Invalid(rows.error().message());
  std::vector<double> values;
  const Status predicted = predictor.Predict(*rows, &values);
  if (!predicted.ok())
    return Status::Internal(predicted.message()).WithReason(kInvokeModelError);
  InvokeResponse response;
  response.body = FormatPredictions(*out, predictor.output(), rows->rows, values);
  response.content_type = MediaTypeName(*out);
  response.variant = v.name;
  return response;
}

}  // namespace kiln
