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
// whole Deployment in atomically when they are ready (blue/green); if they fail the endpoint keeps
// serving the old config (InService, FailureReason set). UpdateEndpointWeightsAndCapacities acts
// live, without Updating (unlike AWS): new weights swap in a Deployment sharing the same
// LiveVariants, new counts go to SetVariantCapacity. DeleteEndpoint stops serving at once
// (Deleting) and the worker removes the record. On Open, endpoints recorded as Creating, Updating
// or InService load again (an InService one shows SystemUpdating meanwhile; InService once loaded,
// Failed with a reason if its artifact is gone) and Deleting ones are removed.
//
// Instances. An instance is a live unit of capacity (model_instance.h): its own model copy, its
// own in-flight count and its own counters; built-in models predict inline on the calling (I/O)
// thread. A variant's instances change while it serves (live_variant.h): SetVariantCapacity (the
// autoscaler) and UpdateEndpointWeightsAndCapacities set the desired count and the instance
// worker (a second background thread) loads new instances one by one — each takes traffic when
// loaded — or drains removed ones. DescribeEndpoint's CurrentInstanceCount is the live count, as
// /metrics shows it; DesiredInstanceCount the target. A variant may have 0 instances (an
// endpoint config's InitialInstanceCount 0 is accepted, a Kiln extension, or SetVariantCapacity 0):
// its first request is held while one instance starts, up to cold_start_timeout, then fails with
// kInvokeModelNotReady. A Predict failure is retried on another instance of the variant and the
// faulty instance replaced (live_variant.h), so an instance fault fails no request.
//
// Metrics. Per instance lock-free counters and latency histograms (model latency; overhead = the
// whole request time from InvokeRequest::start minus model time), per variant a sliding load window
// (GetVariantLoad) and the instance count over time; Metrics() snapshots them for /metrics and the
// JSON metrics API (metrics_render.h). Data capture (data_capture.h): a sampled request's input
// and output are queued for a background writer that puts JSON Lines objects into the store.
//
// Data plane. Invoke looks the endpoint up in an immutable map snapshot and its Deployment through
// atomic shared_ptr loads (no lock, no disk), picks the variant (named, or by weight) and an
// instance, parses the body, predicts on the caller's thread and formats the answer. A request
// holding the old Deployment during a swap finishes on it, so updates fail no request; one held
// by a variant the swap retires starts over on the new Deployment.
//
// Errors. Control-plane calls answer in SageMaker's words with InvalidArgument or NotFound (the
// API maps both to ValidationException): `Could not find endpoint "arn:..."`, `Cannot create
// already existing endpoint "arn:..."`. Invoke's errors carry a Status::reason():
//   kInvokeValidationError      400 ValidationError: unknown or not-serving endpoint, unknown
//                               target variant, body too large, bad rows (names line and column)
//   kInvokeUnsupportedMediaType 424 ModelError, original status 415: Content-Type not spoken
//   kInvokeNotAcceptable        424 ModelError, original status 406: no supported Accept type
//   kInvokeModelError           424 ModelError, original status 500: the model failed to predict
//   kInvokeModelNotReady        429 ModelNotReadyException: a scaled-to-zero variant's instance
//                               did not start within cold_start_timeout (or failed to load)
//
// Thread-safety: thread-safe. Control-plane changes are serialized by one mutex; Invoke takes none
// unless it holds a request for a cold start.
// `db` and `store` must outlive the service; destroy the service (it joins its worker) before them.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "serve/deployment.h"
#include "serve/deployment_loader.h"
#include "serve/endpoint_metrics.h"
#include "serve/endpoint_store.h"
#include "serve/endpoint_types.h"
#include "serve/variant_load.h"

namespace kiln {

class Database;
class ObjectStore;
class CaptureWriter;
namespace serve_internal {
class LifecycleWorker;
}

inline constexpr char kInvokeValidationError[] = "ValidationError";
inline constexpr char kInvokeUnsupportedMediaType[] = "UnsupportedMediaType";
inline constexpr char kInvokeNotAcceptable[] = "NotAcceptable";
inline constexpr char kInvokeModelError[] = "ModelError";
inline constexpr char kInvokeModelNotReady[] = "ModelNotReady";

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
  // GetVariantLoad's sliding window.
  std::chrono::seconds load_window{10};
  // How long a request to a variant with no live instance is held while one starts.
  std::chrono::milliseconds cold_start_timeout{60000};
  // Predict failures in a row after which a lone instance is replaced.
  int max_consecutive_faults = 3;
  // Data capture: buffered records are written at least this often, and at shutdown.
  std::chrono::milliseconds capture_flush_interval{2000};
  std::size_t capture_max_buffered_bytes = 64ull << 20;  // beyond this, records are dropped
  // How often variants short of their desired count (a load failed) try again.
  std::chrono::milliseconds instance_retry_interval{1000};
  Status Validate() const;
};

struct InvokeRequest {
  std::string_view endpoint_name;
  std::string_view target_variant;  // X-Amzn-SageMaker-Target-Variant; empty: by weight
  std::string_view content_type;
  std::string_view accept;
  std::string_view body;
  // When the runtime API started on the request (overhead latency = now - start - model time);
  // the epoch: when Invoke starts.
  std::chrono::steady_clock::time_point start{};
  std::string_view request_id;    // data capture's eventId; empty: one is made up
  std::string_view inference_id;  // X-Amzn-SageMaker-Inference-Id: data capture's inferenceId
  // Readable bytes after `body` in its buffer (HTTP's kBufferedBodyPadding for inline requests):
  // with SIMDJSON_PADDING of them a JSON body is parsed in place, else it is copied first.
  std::size_t body_padding = 0;
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
  // False when an invocation of `endpoint` might be held (a variant has no live instance now), so
  // the HTTP layer should not run it on an I/O thread. Lock-free.
  bool ServesInline(std::string_view endpoint) const;

  // Load on one production variant, for the autoscaler: the larger of the rates over the sliding
  // load_window and over its last 2 s (RateWindow), so a load step is seen in a second or two.
  // concurrent_requests_per_instance is the largest of those mean in-flight counts (Little's law
  // over finished requests, held time included) and the in-flight plus held requests now. NotFound
  // for an unknown endpoint or variant.
  Result<VariantLoad> GetVariantLoad(std::string_view endpoint, std::string_view variant) const;
  // Sets a variant's instance count live (the endpoint stays InService; new instances load in the
  // background and take traffic when ready; removed ones drain). Serialized with UpdateEndpoint
  // and UpdateEndpointWeightsAndCapacities (Kiln accepts UpdateEndpoint during scaling, unlike
  // AWS; a blue/green roll-out in progress takes the count for a variant of the same name).
  // NotFound for an unknown endpoint/variant; InvalidArgument outside
  // [0, max_instances_per_variant] or for a Failed or Deleting endpoint.
  Status SetVariantCapacity(std::string_view endpoint, std::string_view variant, int instances);

  // The metrics of every serving endpoint (sorted by name), or of one (NotFound if it does not
  // exist; an endpoint not serving yet has no variants).
  std::vector<EndpointMetrics> Metrics() const;
  Result<EndpointMetrics> EndpointMetricsOf(std::string_view endpoint) const;

  // Blocks until the lifecycle worker has nothing queued or in progress (tests, tools).
  void WaitIdle();
  // Writes buffered data capture records now (tests, shutdown).
  Status FlushCapture();

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
  // A new, empty LiveVariant of `endpoint` serving `variant` (its VariantStats kept across
  // deployments).
  std::shared_ptr<LiveVariant> MakeVariant(const std::string& endpoint,
                                           const DeployedVariant& variant,
                                           PredictorFactory factory);
  std::shared_ptr<VariantStats> StatsFor(const std::string& endpoint, const std::string& variant);
  void ForgetStats(const std::string& endpoint);
  // The instance worker's callback: reconciles "<endpoint>\n<variant>".
  void ReconcileVariant(const std::string& key);
  // Queues a reconcile of every serving variant whose live count is not its desired count.
  void RetryShortVariants();
  Result<std::shared_ptr<const Deployment>> LoadSpec(const std::string& endpoint,
                                                     const EndpointSpec& spec);
  EndpointMetrics MetricsOf(const std::string& name, const Deployment& deployment) const;
  // One attempt of Invoke; Cancelled when the variant was retired while the request was held.
  Result<InvokeResponse> InvokeOnce(const InvokeRequest& request,
                                    std::chrono::steady_clock::time_point start) const;
  // Retires the variants of `old` that `next` (null: none) does not share, waking held requests.
  static void RetireReplaced(const Deployment* old, const Deployment* next);
  void Capture(const Deployment& deployment, const VariantDeployment& variant,
               const InvokeRequest& request, std::string_view output,
               std::string_view output_type) const;

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
  mutable std::atomic<std::uint64_t> event_ids_{0};   // data capture eventIds without a request id

  mutable std::mutex stats_mu_;
  // By endpoint, then variant name. GUARDED_BY(stats_mu_).
  std::map<std::string, std::map<std::string, std::shared_ptr<VariantStats>>, std::less<>> stats_;

  std::unique_ptr<CaptureWriter> capture_;  // flushes at destruction, after the workers stop
  // Last: destroyed (joined) first.
  std::unique_ptr<serve_internal::LifecycleWorker> instance_worker_;
  std::unique_ptr<serve_internal::LifecycleWorker> worker_;
  std::jthread retry_thread_;  // calls RetryShortVariants every instance_retry_interval
};

}  // namespace kiln
