// FakeCapacityTarget: an in-memory CapacityTarget for the autoscaler's unit tests — variants with
// a load the test sets, capacity changes that serve at once or only when the test says so, and
// errors on demand. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "autoscale/capacity_target.h"

namespace kiln::autoscale_testing {

class FakeCapacityTarget final : public CapacityTarget {
 public:
  void Add(const std::string& endpoint, const std::string& variant, int instances) {
    std::lock_guard lock(mu_);
    Variant& v = variants_[{endpoint, variant}];
    v.load.current_instances = v.load.desired_instances = instances;
  }
  void Remove(const std::string& endpoint, const std::string& variant) {
    std::lock_guard lock(mu_);
    variants_.erase({endpoint, variant});
  }
  // Sets the metrics (instance counts are left as they are).
  void SetLoad(const std::string& endpoint, const std::string& variant, double invocations,
               double concurrency, std::int64_t waiting = 0) {
    std::lock_guard lock(mu_);
    LoadSample& l = variants_.at({endpoint, variant}).load;
    l.invocations_per_instance_per_minute = invocations;
    l.concurrent_requests_per_instance = concurrency;
    l.waiting_requests = waiting;
  }
  // false: SetCapacity only changes desired_instances until FinishLoading.
  void SetInstant(bool instant) {
    std::lock_guard lock(mu_);
    instant_ = instant;
  }
  void FinishLoading(const std::string& endpoint, const std::string& variant) {
    std::lock_guard lock(mu_);
    LoadSample& l = variants_.at({endpoint, variant}).load;
    l.current_instances = l.desired_instances;
  }
  // Another client (UpdateEndpointWeightsAndCapacities) sets the capacity.
  void SetDesired(const std::string& endpoint, const std::string& variant, int n) {
    std::lock_guard lock(mu_);
    variants_.at({endpoint, variant}).load.desired_instances = n;
  }
  void FailSetCapacity(Status error) {
    std::lock_guard lock(mu_);
    set_error_ = std::move(error);
  }
  LoadSample Sample(const std::string& endpoint, const std::string& variant) const {
    std::lock_guard lock(mu_);
    return variants_.at({endpoint, variant}).load;
  }
  int set_calls() const {
    std::lock_guard lock(mu_);
    return set_calls_;
  }

  Status Exists(std::string_view endpoint, std::string_view variant) const override {
    std::lock_guard lock(mu_);
    return Find(endpoint, variant) != nullptr ? Status::Ok() : Missing(endpoint, variant);
  }
  Result<LoadSample> Load(std::string_view endpoint, std::string_view variant) const override {
    std::lock_guard lock(mu_);
    const Variant* v = Find(endpoint, variant);
    if (v == nullptr)
      return Missing(endpoint, variant);
    return v->load;
  }
  Status SetCapacity(std::string_view endpoint, std::string_view variant, int n) override {
    std::lock_guard lock(mu_);
    ++set_calls_;
    if (!set_error_.ok())
      return set_error_;
    auto it = variants_.find({std::string(endpoint), std::string(variant)});
    if (it == variants_.end())
      return Missing(endpoint, variant);
    LoadSample* l = &it->second.load;
    l->desired_instances = n;
    if (instant_)
      l->current_instances = n;
    return Status::Ok();
  }

 private:
  struct Variant {
    LoadSample load;
  };
  using Key = std::pair<std::string, std::string>;
  const Variant* Find(std::string_view endpoint, std::string_view variant) const {
    auto it = variants_.find({std::string(endpoint), std::string(variant)});
    return it == variants_.end() ? nullptr : &it->second;
  }
  static Status Missing(std::string_view endpoint, std::string_view variant) {
    return Status::NotFound("endpoint \"" + std::string(endpoint) + "\" has no variant \"" +
                            std::string(variant) + "\"");
  }

  mutable std::mutex mu_;
  std::map<Key, Variant> variants_;
  bool instant_ = true;
  Status set_error_;
  int set_calls_ = 0;
};

}  // namespace kiln::autoscale_testing
