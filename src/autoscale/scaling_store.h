// ScalingStore: Application Auto Scaling's records (scalable targets, scaling policies, scaling
// activities) in Kiln's metadata database, under the component "autoscale" (tables autoscale_*),
// so they survive restarts. Records are keyed by ResourceId (Kiln serves one namespace and one
// dimension); a target's policies go with it. Activities are kept newest first, the latest
// kMaxActivitiesPerTarget per target.
//
// Thread-safe (Database is); each call is one transaction. `db` must outlive the store.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "autoscale/scaling_types.h"
#include "common/status.h"

namespace kiln {

class Database;

inline constexpr int kMaxActivitiesPerTarget = 200;

class ScalingStore {
 public:
  // Applies the component's migrations.
  static Result<std::unique_ptr<ScalingStore>> Open(Database& db);
  explicit ScalingStore(Database& db) : db_(db) {}

  // Inserts or replaces the target with this resource_id.
  Status PutTarget(const ScalableTarget& target);
  Result<std::optional<ScalableTarget>> FindTarget(std::string_view resource_id);
  Result<std::vector<ScalableTarget>> ListTargets();  // by resource_id
  // Removes the target and its policies; false when there was none.
  Result<bool> DeleteTarget(std::string_view resource_id);

  // Inserts or replaces the policy (resource_id, policy_name).
  Status PutPolicy(const ScalingPolicy& policy);
  // All policies, or one target's; by resource_id, then policy_name.
  Result<std::vector<ScalingPolicy>> ListPolicies(std::optional<std::string_view> resource_id);
  Result<bool> DeletePolicy(std::string_view resource_id, std::string_view policy_name);

  // Inserts or replaces the activity with this activity_id (older ones beyond the limit go).
  Status PutActivity(const ScalingActivity& activity);
  // Newest first: all, or one target's.
  Result<std::vector<ScalingActivity>> ListActivities(std::optional<std::string_view> resource_id);
  // Marks every InProgress/Pending activity Failed with `message` at `end_ms` (at start: the
  // process that ran them is gone). Returns how many changed.
  Result<int> FailUnfinishedActivities(std::int64_t end_ms, std::string_view message);

 private:
  Database& db_;
};

}  // namespace kiln
