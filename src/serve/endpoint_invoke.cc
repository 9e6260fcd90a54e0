// EndpointService::Invoke: the InvokeEndpoint data path (see endpoint_service.h). Lock-free unless
// the variant has no live instance: one atomic load of the live map, one of the endpoint's
// Deployment, one of the variant's instance set; counters are relaxed atomics of the instance.
// Bodies parse into per-thread buffers: rows of floats, or text fields decoded into the model's
// input columns for models that read categorical, datetime or text columns.
#include <chrono>

#include "infer/input_rows.h"
#include "serve/data_capture.h"
#include "serve/endpoint_service.h"
#include "serve/request_fields.h"
#include "serve/request_payload.h"
#include "serve/response_payload.h"

namespace kiln {
namespace {

using SteadyClock = std::chrono::steady_clock;

Status Invalid(std::string message) {
  return Status::InvalidArgument(std::move(message)).WithReason(kInvokeValidationError);
}

std::string Supported() { return "text/csv, application/json or application/jsonlines"; }

enum class Outcome { kOk, k4xx, k5xx, kModelError };

// Counts one finished request routed to `live` on `counters` (the instance's, or the variant's
// when it never reached one) and in the variant's load window.
void Count(const LiveVariant& live, ServingCounters& counters, Outcome outcome,
           std::chrono::nanoseconds model, SteadyClock::time_point start,
           std::chrono::system_clock::time_point wall_start, const Clock& clock) {
  counters.invocations.fetch_add(1, std::memory_order_relaxed);
  switch (outcome) {
    case Outcome::kOk:
      break;
    case Outcome::k4xx:
      counters.errors_4xx.fetch_add(1, std::memory_order_relaxed);
      break;
    case Outcome::kModelError:
      counters.model_errors.fetch_add(1, std::memory_order_relaxed);
      counters.errors_5xx.fetch_add(1, std::memory_order_relaxed);
      break;
    case Outcome::k5xx:
      counters.errors_5xx.fetch_add(1, std::memory_order_relaxed);
      break;
  }
  if (model.count() > 0)
    counters.model_latency.Record(model);
  counters.overhead_latency.Record(SteadyClock::now() - start - model);
  const auto now = clock.Now();
  live.stats().window.Record(now, now - wall_start);
}

}  // namespace

Result<InvokeResponse> EndpointService::Invoke(const InvokeRequest& request) const {
  const SteadyClock::time_point start =
      request.start == SteadyClock::time_point{} ? SteadyClock::now() : request.start;
  // A request held by a variant that an update or deletion retires starts over on what serves now.
  for (int attempt = 0; attempt < 3; ++attempt) {
    Result<InvokeResponse> out = InvokeOnce(request, start);
    if (out.ok() || out.error().code() != StatusCode::kCancelled)
      return out;
  }
  return Status::DeadlineExceeded("endpoint " + std::string(request.endpoint_name) +
                                  " changed three times while the request waited; retry it")
      .WithReason(kInvokeModelNotReady);
}

Result<InvokeResponse> EndpointService::InvokeOnce(const InvokeRequest& request,
                                                   SteadyClock::time_point start) const {
  const std::shared_ptr<const Deployment> deployment = LiveDeployment(request.endpoint_name);
  if (deployment == nullptr) {
    return Invalid("Endpoint " + std::string(request.endpoint_name) + " of account " +
                   options_.account_id + " not found.");
  }
  std::optional<std::size_t> variant;
  if (!request.target_variant.empty()) {
    variant = deployment->Find(request.target_variant);
    if (!variant) {
      std::string names;
      for (const VariantDeployment& v : deployment->variants())
        names += (names.empty() ? "" : ", ") + v.name;
      return Invalid("Target variant " + std::string(request.target_variant) +
                     " is not a production variant of endpoint " +
                     std::string(request.endpoint_name) + " (its variants: " + names + ").");
    }
  } else {
    variant = deployment->PickVariant();
    if (!variant) {
      return Invalid("Endpoint " + std::string(request.endpoint_name) +
                     " gives every variant weight 0; name one with "
                     "X-Amzn-SageMaker-Target-Variant.");
    }
  }
  const VariantDeployment& v = deployment->variants()[*variant];
  LiveVariant& live = *v.live;
  const auto wall_start = clock_.Now();
  const auto fail = [&](ServingCounters& counters, Outcome outcome, Status status) {
    Count(live, counters, outcome, std::chrono::nanoseconds(0), start, wall_start, clock_);
    return status;
  };
  ServingCounters& unplaced = live.stats().retired;
  if (request.body.empty()) {
    return fail(unplaced, Outcome::k4xx,
                Invalid("The request body is empty; send at least one row of features."));
  }
  if (request.body.size() > options_.max_payload_bytes) {
    return fail(unplaced, Outcome::k4xx,
                Invalid("The request body is " + std::to_string(request.body.size()) +
                        " bytes; InvokeEndpoint accepts at most " +
                        std::to_string(options_.max_payload_bytes) + " bytes (6 MB)."));
  }
  const std::optional<MediaType> in = ParseContentType(request.content_type);
  if (!in) {
    return fail(unplaced, Outcome::k4xx,
                Status::InvalidArgument("Content type " + std::string(request.content_type) +
                                        " is not supported by this model; send " + Supported())
                    .WithReason(kInvokeUnsupportedMediaType));
  }
  const std::optional<MediaType> out = NegotiateAccept(request.accept, *in);
  if (!out) {
    return fail(unplaced, Outcome::k4xx,
                Status::InvalidArgument("Accept " + std::string(request.accept) +
                                        " is not supported by this model; accept " + Supported())
                    .WithReason(kInvokeNotAcceptable));
  }
  Result<LiveVariant::Lease> lease = live.Acquire();
  if (!lease.ok() && lease.error().code() == StatusCode::kCancelled)
    return lease.error();  // retired while held: Invoke starts over, nothing counted
  if (!lease.ok()) {
    return fail(unplaced, Outcome::k5xx,
                Status::DeadlineExceeded(lease.error().message()).WithReason(kInvokeModelNotReady));
  }
  std::optional<LiveVariant::Lease> held(std::move(lease).value());
  // Per-thread scratch rows and outputs: after warm-up a request allocates nothing for them.
  thread_local Matrix rows;
  thread_local JsonParser json;  // the float path's JSON parser (FieldRows holds its own)
  thread_local FieldRows fields;
  thread_local InputRows inputs;
  thread_local std::vector<double> values;
  const Predictor& first_predictor = held->instance().predictor();
  // A model reading categorical, datetime or text columns takes text fields, decoded here (the
  // client's errors) before predicting (the model's); the instances of a variant serve one model.
  const bool by_fields = first_predictor.reads_fields();
  Status parsed = by_fields ? ParseFieldsInto(*in, request.body, first_predictor.num_features(),
                                              &fields, request.body_padding)
                            : ParseRowsInto(*in, request.body, first_predictor.num_features(),
                                            &rows, &json, request.body_padding);
  if (parsed.ok() && by_fields)
    parsed = first_predictor.DecodeFields(fields, &inputs);
  if (!parsed.ok())
    return fail(held->instance().counters, Outcome::k4xx, Invalid(parsed.message()));
  const std::size_t num_rows = by_fields ? inputs.rows : rows.rows;
  values.resize(num_rows * static_cast<std::size_t>(first_predictor.output().outputs));
  SteadyClock::time_point t0;
  const Status predicted = live.PredictWithFailover(&held, [&](const Predictor& p) {
    t0 = SteadyClock::now();  // the last attempt's model time
    return by_fields ? p.PredictInputs(inputs, values)
                     : p.PredictRows(rows.values, rows.rows, values);
  });
  ModelInstance& instance = held->instance();
  const std::chrono::nanoseconds model = SteadyClock::now() - t0;
  if (!predicted.ok()) {
    Count(live, instance.counters, Outcome::kModelError, model, start, wall_start, clock_);
    return Status::Internal(predicted.message()).WithReason(kInvokeModelError);
  }
  InvokeResponse response;
  response.body = FormatPredictions(*out, instance.predictor().output(), num_rows, values);
  response.content_type = MediaTypeName(*out);
  response.variant = v.name;
  Count(live, instance.counters, Outcome::kOk, model, start, wall_start, clock_);
  if (deployment->SampleCapture())
    Capture(*deployment, v, request, response.body, response.content_type);
  return response;
}

bool EndpointService::ServesInline(std::string_view endpoint) const {
  const std::shared_ptr<const Deployment> deployment = LiveDeployment(endpoint);
  if (deployment == nullptr)
    return true;  // answered at once with ValidationError
  for (const VariantDeployment& v : deployment->variants()) {
    if (v.live->live() == 0)
      return false;
  }
  return true;
}

void EndpointService::Capture(const Deployment& deployment, const VariantDeployment& variant,
                              const InvokeRequest& request, std::string_view output,
                              std::string_view output_type) const {
  const DataCaptureSpec& spec = *deployment.capture();
  CaptureEvent e;
  e.destination = spec.destination_s3_uri;
  e.endpoint = std::string(request.endpoint_name);
  e.variant = variant.name;
  e.time_ms = NowMs();
  e.event_id = !request.request_id.empty()
                   ? std::string(request.request_id)
                   : "kiln-" + std::to_string(event_ids_.fetch_add(1, std::memory_order_relaxed));
  e.inference_id = std::string(request.inference_id);
  if (spec.capture_input) {
    e.has_input = true;
    e.input_type = std::string(request.content_type);
    e.input_encoding = CaptureEncoding(spec, request.content_type);
    e.input = std::string(request.body);
  }
  if (spec.capture_output) {
    e.has_output = true;
    e.output_type = std::string(output_type);
    e.output_encoding = CaptureEncoding(spec, output_type);
    e.output = std::string(output);
  }
  capture_->Submit(std::move(e));
}

}  // namespace kiln
