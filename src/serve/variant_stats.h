// VariantStats: what Kiln remembers about one endpoint's production variant across deployments
// (an UpdateEndpoint swaps in new instances, the variant's counters carry on): the counters of
// requests that failed before reaching an instance, those of instances removed from service (kept
// by reference while they drain, so requests finishing on them still count, and folded into one
// total once nothing else holds them), the sliding load window the autoscaler reads, and the
// instance count over time. The endpoint service keeps one per (endpoint, variant name) until the
// endpoint is deleted.
//
// Thread-safety: every member is thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "serve/instance_history.h"
#include "serve/rate_window.h"
#include "serve/serving_counters.h"

namespace kiln {

struct VariantStats {
  explicit VariantStats(std::chrono::seconds load_window) : window(load_window) {}

  // An instance left service: its counters count here from now on.
  void RetireCounters(std::shared_ptr<ServingCounters> counters) {
    std::lock_guard<std::mutex> lock(mu);
    draining.push_back(std::move(counters));
  }
  // `retired` plus the counters of every instance that left service.
  CountersSnapshot RetiredTotals() {
    std::lock_guard<std::mutex> lock(mu);
    for (std::size_t i = 0; i < draining.size();) {
      if (draining[i].use_count() == 1) {  // its instance is gone: fold it in for good
        retired.Add(draining[i]->Read());
        draining[i] = std::move(draining.back());
        draining.pop_back();
      } else {
        ++i;
      }
    }
    CountersSnapshot total = retired.Read();
    for (const std::shared_ptr<ServingCounters>& c : draining)
      total.Add(c->Read());
    return total;
  }

  ServingCounters retired;  // failures before an instance, and instances gone for good
  RateWindow window;        // every finished request routed to the variant
  InstanceHistory history;  // live instance count

 private:
  std::mutex mu;
  std::vector<std::shared_ptr<ServingCounters>> draining;  // GUARDED_BY(mu)
};

}  // namespace kiln
