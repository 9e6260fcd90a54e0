// EndpointService: SageMaker's models, endpoint configs and endpoints, and InvokeEndpoint — the
// serving half of Kiln's SageMaker API (research note §2.5, §1.3). src/api adapts it to the wire.
//
// Control plane. Models and configs are records (EndpointStore, in the metadata database);
// CreateModel checks that the image names a built-in algorithm and that ModelDataUrl exists.
// CreateEndpoint copies the config's variants with their models resolved into the endpoint
// (deleting the model or config later does not affect it, as on AWS) and answers at once with
// status Creating; a background LifecycleWorker then loads every instance (DeploymentLoader) and
// moves it to InService, or to Failed with a FailureReason saying which variant failed and why.
// UpdateEndpoint (Updating) loads the new config's models beside the running ones and swaps the
// whole Deployment in atomically when they are ready; if they fail the endpoint keeps serving the
// old config (InService, FailureReason set). UpdateEndpointWeightsAndCapacities also goes through
// Updating: weights take effect at the swap, instance counts load or drop copies (variants keep
// the copies they have). DeleteEndpoint stops serving at once (Deleting) and the worker removes
// the record. On Open, endpoints recorded as Creating, Updating or InService load again (an
// InService one shows SystemUpdating meanwhile; InService once loaded, Failed with a reason if
// its artifact is gone) and Deleting ones are removed.
//
// Data plane. Invoke looks the endpoint up in an immutable map snapshot and its Deployment through
// atomic shared_ptr loads (no lock, no disk), picks the variant (named, or by weight) and an
// instance, parses the body, predicts on the caller's thread and formats the answer. A request
// holding the old Deployment during a swap finishes on it, so updates fail no request.
//
// Errors. Control-plane calls answer in SageMaker's words with InvalidArgument or NotFound (the
// API maps both to ValidationException): `Could not find endpoint "arn:..."`, `Cannot create
// already existing endpoint "arn:..."`. Invoke's errors carry a Status::reason():
//   kInvokeValidationError      400 ValidationError: unknown or not-serving endpoint, unknown
//                               target variant, body too large, bad rows (names line and column)
//   kInvokeUnsupportedMediaType 424 ModelError, original status 415: Content-Type not spoken
//   kInvokeNotAcceptable        424 ModelError, original status 406: no supported Accept type
//   kInvokeModelError           424 ModelError, original status 500: the model failed to predict
//
// Thread-safety: thread-safe. Control-plane changes are serialized by one mutex; Invoke takes none.
// `db` and `store` must outlive the service; destroy the service (it joins its worker) before them.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "serve/deployment.h"
#include "serve/deployment_loader.h"
#include "serve/endpoint_store.h"
#include "serve/endpoint_types.h"

namespace kiln {

class Database;
class ObjectStore;
namespace serve_internal {
class LifecycleWorker;
}

inline constexpr char kInvokeValidationError[] = "ValidationError";
inline constexpr char kInvokeUnsupportedMediaType[] = "UnsupportedMediaType";
inline constexpr char kInvokeNotAcceptable[] = "NotAcceptable";
inline constexpr char kInvokeModelError[] = "ModelError";

struct EndpointServiceOptions {
  std::string region = "us-east-1";
  std::string account_id = "000000000000";  // 12 digits, in ARNs and runtime messages
  // Temporary files while model.kiln artifacts load (created if absent). Required.
  std::string scratch_dir;
  std::uint64_t max_artifact_bytes = 4ull << 30;  // a model.tar.gz, compressed and unpacked
  std::size_t max_payload_bytes = 6291456;        // an InvokeEndpoint body (SageMaker: 6 MiB)
  int max_instances_per_variant = 16;             // each instance is a loaded copy of the model
  std::uint64_t routing_seed = 1;                 // seeds the weighted choice of variants
  const Clock* clock = nullptr;                   // null: the system clock
  Status Validate() const;
};

struct InvokeRequest {
  std::string_view endpoint_name;
  std::string_view target_variant;  // X-Amzn-SageMaker-Target-Variant; empty: by weight
  std::string_view content_type;
  std::string_view accept;
  std::string_view body;
};

struct InvokeResponse {
  std::string body;
  std::string content_type;
  std::string variant;  // x-Amzn-Invoked-Production-Variant
};

class EndpointService {
 public:
  static Result<std::unique_ptr<EndpointService>> Open(Database& db, ObjectStore& store,
                                                       EndpointServiceOptions options);
  EndpointService(const EndpointService&) = delete;
  EndpointService& operator=(const EndpointService&) = delete;
  ~EndpointService();

  // Fills in the ARN and creation time and stores the model.
  Result<ModelRecord> CreateModel(ModelRecord model);
  Result<ModelRecord> DescribeModel(std::string_view name);
  Status DeleteModel(std::string_view name);
  Result<ListPage<ModelRecord>> ListModels(const ListQuery& query);

  Result<EndpointConfigRecord> CreateEndpointConfig(EndpointConfigRecord config);
  Result<EndpointConfigRecord> DescribeEndpointConfig(std::string_view name);
  Status DeleteEndpointConfig(std::string_view name);
  Result<ListPage<EndpointConfigRecord>> ListEndpointConfigs(const ListQuery& query);

  Result<EndpointRecord> CreateEndpoint(std::string_view name, std::string_view config_name,
                                        KeyValues tags);
  Result<EndpointRecord> DescribeEndpoint(std::string_view name);
  Result<EndpointRecord> UpdateEndpoint(std::string_view name, std::string_view config_name);
  Result<EndpointRecord> UpdateEndpointWeightsAndCapacities(
      std::string_view name, const std::vector<DesiredVariantCapacity>& desired);
  Status DeleteEndpoint(std::string_view name);
  Result<ListPage<EndpointRecord>> ListEndpoints(const ListQuery& query);

  // One InvokeEndpoint call (see the header comment for its errors).
  Result<InvokeResponse> Invoke(const InvokeRequest& request) const;

  // Blocks until the lifecycle worker has nothing queued or in progress (tests, tools).
  void WaitIdle();

  const EndpointServiceOptions& options() const { return options_; }
  std::string Arn(std::string_view type, std::string_view name) const;

 private:
  struct PrivateTag {
    explicit PrivateTag() = default;
  };
  // The serving state of one endpoint: the Deployment requests use now.
  struct LiveEndpoint {
    std::atomic<std::shared_ptr<const Deployment>> deployment;
  };
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  using LiveMap =
      std::unordered_map<std::string, std::shared_ptr<LiveEndpoint>, NameHash, std::equal_to<>>;

 public:
  // Use Open.
  EndpointService(PrivateTag, ObjectStore& store, EndpointServiceOptions options,
                  std::unique_ptr<EndpointStore> records);

 private:
  std::int64_t NowMs() const;
  Result<EndpointRecord> FindEndpointOrError(std::string_view name);
  Result<EndpointSpec> ResolveConfig(std::string_view config_name);
  // Moves the endpoint to Updating towards `spec` (if it is still InService; `operation` names the
  // call in the error) and queues the roll-out. REQUIRES control_mu_.
  Result<EndpointRecord> StartUpdate(std::string_view name, std::string_view operation,
                                     const EndpointSpec& spec, PendingKind kind);

  // Lifecycle (endpoint_lifecycle.cc), run by the worker.
  void ProcessEndpoint(const std::string& name);
  void Deploy(const EndpointRecord& record);
  void RollOut(const EndpointRecord& record);
  // Applies `change` to the endpoint if its generation is still `generation`, then publishes
  // `deployment` (when set). Takes control_mu_.
  void Commit(const std::string& name, std::int64_t generation,
              const std::function<void(EndpointRecord*)>& change,
              std::shared_ptr<const Deployment> deployment);
  std::uint64_t NextSeed();

  // The live map. Publish and Unpublish REQUIRE control_mu_; LiveDeployment is lock-free.
  void Publish(const std::string& name, std::shared_ptr<const Deployment> deployment);
  void Unpublish(const std::string& name);
  std::shared_ptr<const Deployment> LiveDeployment(std::string_view name) const;

  ObjectStore& store_;
  const EndpointServiceOptions options_;
  const SystemClock system_clock_;
  const Clock& clock_;
  const std::unique_ptr<EndpointStore> records_;
  const DeploymentLoader loader_;

  std::mutex control_mu_;  // serializes control-plane changes and publication
  std::atomic<std::shared_ptr<const LiveMap>> live_;  // replaced whole, under control_mu_
  std::atomic<std::uint64_t> deployments_{0};         // seeds each Deployment differently

  std::unique_ptr<serve_internal::LifecycleWorker> worker_;  // last: destroyed (joined) first
};

}  // namespace kiln
