// ScalingController: the autoscaler's loop. Each tick (about every second, on its own thread) it
// reads the registered targets and their policies from the ScalingStore, samples each variant's
// load from the CapacityTarget, asks Decide (scaling_decision.h) what to do with the Clock's time,
// and applies a decision as a scaling activity: recorded InProgress, SetCapacity called, then
// Successful once the new instances serve — or Failed (SetCapacity refused, the endpoint is gone,
// or the instances did not come up within activity_timeout), or Overridden (someone else set the
// capacity meanwhile; except after a scale to zero, where a held request starting an instance
// proves the change happened). While an activity runs, its target takes no new decision.
//
// Timers live in memory and are rebuilt from the stored activities when the controller first sees
// a target (scaling_history.h): after a restart the cooldowns go on where they were, the low-load
// timer starts again, and activities left InProgress by the previous process are marked Failed.
//
// Thread-safety: thread-safe; Tick may be called from any thread (tests call it directly with a
// ManualClock and never Start the thread). The store, target and clock must outlive it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "autoscale/capacity_target.h"
#include "autoscale/scaling_decision.h"
#include "autoscale/scaling_store.h"
#include "common/clock.h"

namespace kiln {

struct ScalingControllerOptions {
  std::chrono::milliseconds tick_interval{1000};  // real time between ticks of the thread
  std::chrono::seconds activity_timeout{120};     // new instances must serve within this
  Status Validate() const;
};

class ScalingController {
 public:
  ScalingController(ScalingStore& store, CapacityTarget& capacity, const Clock& clock,
                    ScalingControllerOptions options);
  ScalingController(const ScalingController&) = delete;
  ScalingController& operator=(const ScalingController&) = delete;
  ~ScalingController();  // stops the thread

  // Starts the ticking thread (once).
  void Start();
  // Stops and joins it; Tick still works afterwards.
  void Stop();
  // Asks the thread to tick now instead of at the end of its interval.
  void Wake();

  // One pass over every target. Errors of one target (a failed read) do not stop the others;
  // returns the first store error, if any.
  Status Tick();

  // Forgets a deregistered target's timers.
  void Forget(const std::string& resource_id);

 private:
  struct Tracked {
    TargetState state;
    std::optional<ScalingActivity> running;
  };
  Status TickTarget(const ScalableTarget& target, const std::vector<PolicyState>& policies,
                    Tracked& tracked);
  // Advances the running activity: finishes it when its capacity serves, was overridden, or
  // cannot come; leaves it running otherwise.
  Status FollowActivity(const VariantRef& ref, const Result<LoadSample>& load, Tracked& tracked);
  Status Finish(Tracked& tracked, ActivityStatus status, std::string message);
  std::int64_t NowMs() const;

  ScalingStore& store_;
  CapacityTarget& capacity_;
  const Clock& clock_;
  const ScalingControllerOptions options_;

  std::mutex tick_mu_;                      // one Tick at a time
  std::map<std::string, Tracked> tracked_;  // GUARDED_BY(tick_mu_), by resource id

  std::mutex wake_mu_;
  std::condition_variable_any wake_cv_;
  bool wake_ = false;    // GUARDED_BY(wake_mu_)
  std::jthread thread_;  // last: joined first
};

}  // namespace kiln
