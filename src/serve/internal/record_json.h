// The JSON documents EndpointStore keeps in its TEXT columns: a model's container and settings, an
// endpoint config's variants, an endpoint's deployed spec, and tag lists. Member names follow the
// SageMaker API's; unknown members are ignored on read so later versions can add some.
// Decoding errors are Corruption naming the document. Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "serve/endpoint_types.h"

namespace kiln::serve_internal {

// Everything of a model but name, arn and creation time.
std::string ModelSpecToJson(const ModelRecord& model);
Status ModelSpecFromJson(std::string_view text, ModelRecord* model);

// An endpoint config's variants and tags.
std::string ConfigSpecToJson(const EndpointConfigRecord& config);
Status ConfigSpecFromJson(std::string_view text, EndpointConfigRecord* config);

std::string EndpointSpecToJson(const EndpointSpec& spec);
Result<EndpointSpec> EndpointSpecFromJson(std::string_view text);

std::string KeyValuesToJson(const KeyValues& pairs);
Result<KeyValues> KeyValuesFromJson(std::string_view text);

}  // namespace kiln::serve_internal
