// VariantStats: what Kiln remembers about one endpoint's production variant across deployments
// (an UpdateEndpoint swaps in new instances, the variant's counters carry on): the counters of
// instances that are gone and of requests that failed before reaching an instance, the sliding
// load window the autoscaler reads, and the instance count over time. The endpoint service keeps
// one per (endpoint, variant name) until the endpoint is deleted.
//
// Thread-safety: every member is thread-safe.
#pragma once

#include <chrono>

#include "serve/instance_history.h"
#include "serve/rate_window.h"
#include "serve/serving_counters.h"

namespace kiln {

struct VariantStats {
  explicit VariantStats(std::chrono::seconds load_window) : window(load_window) {}
  ServingCounters retired;  // removed instances' counters, and failures before an instance
  RateWindow window;        // every finished request routed to the variant
  InstanceHistory history;  // live instance count
};

}  // namespace kiln
