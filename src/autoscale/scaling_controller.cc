#include "autoscale/scaling_controller.h"

#include "autoscale/scaling_history.h"
#include "common/digest.h"

namespace kiln {
namespace {

// A random version-4 UUID, as AWS's activity ids are.
std::string NewActivityId() {
  std::string b = RandomBytes(16);
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  const std::string hex = HexEncode(b);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

}  // namespace

Status ScalingControllerOptions::Validate() const {
  if (tick_interval.count() <= 0)
    return Status::InvalidArgument("autoscaler tick_interval must be positive");
  if (activity_timeout.count() <= 0)
    return Status::InvalidArgument("autoscaler activity_timeout must be positive");
  return Status::Ok();
}

ScalingController::ScalingController(ScalingStore& store, CapacityTarget& capacity,
                                     const Clock& clock, ScalingControllerOptions options)
    : store_(store), capacity_(capacity), clock_(clock), options_(options) {}

ScalingController::~ScalingController() { Stop(); }

void ScalingController::Start() {
  if (thread_.joinable())
    return;
  thread_ = std::jthread([this](std::stop_token stop) {
    while (!stop.stop_requested()) {
      (void)Tick();  // a failed read is retried at the next tick
      std::unique_lock lock(wake_mu_);
      wake_cv_.wait_for(lock, stop, options_.tick_interval, [this] { return wake_; });
      wake_ = false;
    }
  });
}

void ScalingController::Stop() {
  if (!thread_.joinable())
    return;
  thread_.request_stop();
  thread_.join();
}

void ScalingController::Wake() {
  {
    std::lock_guard lock(wake_mu_);
    wake_ = true;
  }
  wake_cv_.notify_all();
}

void ScalingController::Forget(const std::string& resource_id) {
  std::lock_guard lock(tick_mu_);
  tracked_.erase(resource_id);
}

std::int64_t ScalingController::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now().time_since_epoch())
      .count();
}

Status ScalingController::Tick() {
  std::lock_guard lock(tick_mu_);
  ASSIGN_OR_RETURN(std::vector<ScalableTarget> targets, store_.ListTargets());
  ASSIGN_OR_RETURN(std::vector<ScalingPolicy> policies, store_.ListPolicies(std::nullopt));
  std::map<std::string, Tracked> next;
  Status first_error;
  for (const ScalableTarget& target : targets) {
    std::vector<PolicyState> mine;
    for (const ScalingPolicy& p : policies)
      if (p.resource_id == target.resource_id)
        mine.push_back(PolicyStateOf(p));
    auto it = tracked_.find(target.resource_id);
    Tracked tracked;
    if (it != tracked_.end()) {
      tracked = std::move(it->second);
    } else {
      // First seen by this process (a start, a restart or a new target): the cooldowns go on
      // from the activities the previous process recorded.
      Result<std::vector<ScalingActivity>> history = store_.ListActivities(target.resource_id);
      if (!history.ok()) {
        if (first_error.ok())
          first_error = history.status();
        continue;  // retried at the next tick
      }
      tracked.state = RestoreTargetState(target, *history);
    }
    const Status st = TickTarget(target, mine, tracked);
    if (!st.ok() && first_error.ok())
      first_error = st;
    next.emplace(target.resource_id, std::move(tracked));
  }
  tracked_ = std::move(next);  // deregistered targets drop out
  return first_error;
}

Status ScalingController::TickTarget(const ScalableTarget& target,
                                     const std::vector<PolicyState>& policies, Tracked& tracked) {
  ASSIGN_OR_RETURN(VariantRef ref, ParseVariantResourceId(target.resource_id));
  tracked.state.min_capacity = target.min_capacity;
  tracked.state.max_capacity = target.max_capacity;
  tracked.state.suspended = target.suspended;
  const Result<LoadSample> load = capacity_.Load(ref.endpoint, ref.variant);
  if (tracked.running) {
    RETURN_IF_ERROR(FollowActivity(ref, load, tracked));
    if (tracked.running)
      return Status::Ok();
  }
  if (!load.ok())
    return Status::Ok();  // the endpoint is gone or not serving: nothing to scale

  Decision d = Decide(tracked.state, policies, *load, clock_.Now());
  tracked.state = d.next;
  if (d.action == Decision::Action::kNone)
    return Status::Ok();

  ScalingActivity a;
  a.activity_id = NewActivityId();
  a.resource_id = target.resource_id;
  a.description = "Setting desired instance count to " + std::to_string(d.to) + ".";
  a.cause = d.cause;
  a.start_ms = NowMs();
  a.status = ActivityStatus::kInProgress;
  a.status_message = "Changing the instance count of variant " + ref.variant + " of endpoint " +
                     ref.endpoint + " from " + std::to_string(d.from) + " to " +
                     std::to_string(d.to) + ".";
  a.from_capacity = d.from;
  a.to_capacity = d.to;
  RETURN_IF_ERROR(store_.PutActivity(a));
  tracked.running = a;
  const Status set = capacity_.SetCapacity(ref.endpoint, ref.variant, d.to);
  if (!set.ok())
    return Finish(
        tracked, ActivityStatus::kFailed,
        "Failed to set desired instance count to " + std::to_string(d.to) + ": " + set.message());
  // Small models load at once: record success in the same tick when they already serve.
  return FollowActivity(ref, capacity_.Load(ref.endpoint, ref.variant), tracked);
}

Status ScalingController::FollowActivity(const VariantRef& ref, const Result<LoadSample>& load,
                                         Tracked& tracked) {
  const ScalingActivity& a = *tracked.running;
  if (!load.ok())
    return Finish(tracked, ActivityStatus::kFailed,
                  "Endpoint " + ref.endpoint + " variant " + ref.variant +
                      " stopped serving during the change: " + load.error().message());
  if (a.to_capacity == 0 && load->desired_instances > 0)
    // The endpoint asks for an instance only when it has none and a request comes: the scale to
    // zero happened, and the start that followed is the next decision's to record.
    return Finish(tracked, ActivityStatus::kSuccessful,
                  "Successfully set desired instance count to 0. Change successfully fulfilled by "
                  "sagemaker; a request has since started an instance.");
  if (load->desired_instances != a.to_capacity)
    return Finish(tracked, ActivityStatus::kOverridden,
                  "The desired instance count was changed to " +
                      std::to_string(load->desired_instances) + " by another request.");
  if (load->current_instances == a.to_capacity)
    return Finish(tracked, ActivityStatus::kSuccessful,
                  "Successfully set desired instance count to " + std::to_string(a.to_capacity) +
                      ". Change successfully fulfilled by sagemaker.");
  if (NowMs() - a.start_ms >
      std::chrono::duration_cast<std::chrono::milliseconds>(options_.activity_timeout).count())
    return Finish(tracked, ActivityStatus::kFailed,
                  std::to_string(load->current_instances) + " of " + std::to_string(a.to_capacity) +
                      " instances serve after " +
                      std::to_string(options_.activity_timeout.count()) + " s; giving up.");
  return Status::Ok();
}

Status ScalingController::Finish(Tracked& tracked, ActivityStatus status, std::string message) {
  ScalingActivity a = std::move(*tracked.running);
  tracked.running.reset();
  a.status = status;
  a.status_message = std::move(message);
  if (status == ActivityStatus::kSuccessful)
    tracked.state.applied_capacity = a.to_capacity;
  else
    tracked.state.applied_capacity.reset();
  a.end_ms = NowMs();
  return store_.PutActivity(a);
}

}  // namespace kiln
