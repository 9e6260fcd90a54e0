// The records the serving module keeps for SageMaker's models, endpoint configs and endpoints, as
// plain values (persisted by EndpointStore, rendered by src/api/sagemaker_endpoints.cc), and the
// List* query they share.
//
// An endpoint carries its own copy of what it runs (EndpointSpec: each variant with its model's
// container resolved at CreateEndpoint/UpdateEndpoint time), so deleting the model or the config
// afterwards does not touch it, as on AWS. Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/list_page.h"

namespace kiln {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// A model's container (PrimaryContainer or the one entry of Containers).
struct ContainerSpec {
  std::string image;
  std::string model_data_url;  // s3://bucket/key of the model.tar.gz
  KeyValues environment;
  std::string mode;  // "SingleModel" or empty
  std::string container_hostname;
};

struct ModelRecord {
  std::string name;
  std::string arn;  // set by the service
  ContainerSpec container;
  bool as_containers_list = false;  // given as Containers[1]; Describe answers in the same form
  std::string execution_role_arn;
  bool enable_network_isolation = false;
  KeyValues tags;
  std::int64_t creation_ms = 0;  // set by the service
};

// One ProductionVariant of an endpoint config, as given.
struct VariantSpec {
  std::string variant_name;
  std::string model_name;
  int initial_instance_count = 1;
  std::string instance_type;
  double initial_variant_weight = 1;
  std::optional<int> serverless_memory_mb;  // ServerlessConfig (then one instance is served)
  std::optional<int> serverless_max_concurrency;
};

// DataCaptureConfig of an endpoint config: a sample of requests and responses written to the
// store as JSON Lines in SageMaker's capture format (data_capture.h).
struct DataCaptureSpec {
  bool enable = true;                   // EnableCapture
  int initial_sampling_percentage = 0;  // 0..100
  std::string destination_s3_uri;       // s3://bucket[/prefix]
  std::string kms_key_id;               // accepted and echoed; Kiln's store does not encrypt
  bool capture_input = true;            // CaptureOptions: Input
  bool capture_output = true;           // CaptureOptions: Output
  // CaptureContentTypeHeader: content types written as text ("CSV" / "JSON" encoding); others are
  // written base64-encoded ("BASE64"). Empty lists: text/csv and application/json as SageMaker.
  std::vector<std::string> csv_content_types;
  std::vector<std::string> json_content_types;
};

struct EndpointConfigRecord {
  std::string name;
  std::string arn;  // set by the service
  std::vector<VariantSpec> variants;
  std::optional<DataCaptureSpec> data_capture;
  KeyValues tags;
  std::int64_t creation_ms = 0;  // set by the service
};

// One variant as an endpoint runs it: the config's variant with its model resolved.
struct DeployedVariant {
  std::string variant_name;
  std::string model_name;
  ContainerSpec container;
  std::string instance_type;
  int instance_count = 1;
  double weight = 1;
  // When its instances were loaded (DeployedImages' ResolutionTime); 0 until then.
  std::int64_t deployed_ms = 0;
  // Not stored: what serves now, filled in by DescribeEndpoint from the live variant (-1: nothing
  // serves it). CurrentInstanceCount is the live instances, as /metrics shows them.
  int live_instances = -1;
  int live_desired_instances = -1;
};

struct EndpointSpec {
  std::string config_name;
  std::vector<DeployedVariant> variants;
  std::optional<DataCaptureSpec> data_capture;
};

// kSystemUpdating: an InService endpoint reloading after the server restarted (AWS uses the same
// status for its own maintenance); it serves again, InService, once its instances are loaded.
enum class EndpointStatus { kCreating, kInService, kUpdating, kSystemUpdating, kDeleting, kFailed };

// "Creating", "InService", "Updating", "SystemUpdating", "Deleting", "Failed".
const char* EndpointStatusName(EndpointStatus status);
std::optional<EndpointStatus> ParseEndpointStatus(std::string_view name);

// What an Updating endpoint is rolling out.
enum class PendingKind {
  kNone,
  kConfig,    // UpdateEndpoint: a new config, loaded from scratch (blue/green)
  kCapacity,  // UpdateEndpointWeightsAndCapacities: same models, new weights or instance counts
};

struct EndpointRecord {
  std::string name;
  std::string arn;
  EndpointStatus status = EndpointStatus::kCreating;
  std::string failure_reason;
  // What serves (InService, Updating) or is being created (Creating) or failed to (Failed).
  EndpointSpec current;
  // While Updating: what is being rolled out.
  std::optional<EndpointSpec> pending;
  PendingKind pending_kind = PendingKind::kNone;
  std::int64_t pending_start_ms = 0;
  // Bumped by every client change (create, update, weights, delete). The lifecycle worker commits
  // a load only if the generation it loaded for is still current.
  std::int64_t generation = 0;
  KeyValues tags;
  std::int64_t creation_ms = 0;
  std::int64_t last_modified_ms = 0;
};

// UpdateEndpointWeightsAndCapacities: one DesiredWeightsAndCapacities entry.
struct DesiredVariantCapacity {
  std::string variant_name;
  std::optional<double> weight;
  std::optional<int> instance_count;
};

}  // namespace kiln
