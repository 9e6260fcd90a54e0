// EndpointMetrics: a snapshot of one serving endpoint's metrics — per variant the live and desired
// instance counts, totals of its counters and latency histograms (live instances plus retired
// ones), its load as the autoscaler sees it, the instance count over time, and per instance its
// in-flight requests and counters. EndpointService::Metrics() makes them; metrics_render.h renders
// them as Prometheus text and as the JSON metrics API. Plain values.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "serve/instance_history.h"
#include "serve/serving_counters.h"
#include "serve/variant_load.h"

namespace kiln {

struct InstanceMetrics {
  std::string id;  // "AllTraffic-1"
  std::int64_t in_flight = 0;
  CountersSnapshot counters;
};

struct VariantMetrics {
  std::string variant;
  double weight = 0;
  int current_instances = 0;
  int desired_instances = 0;
  std::int64_t waiting_requests = 0;
  std::uint64_t instance_load_failures = 0;
  std::uint64_t instance_replacements = 0;
  CountersSnapshot totals;
  VariantLoad load;
  std::vector<InstanceHistory::Point> instance_history;  // one point per 10 s, last hour
  std::vector<InstanceMetrics> instances;
};

struct EndpointMetrics {
  std::string endpoint;
  std::int64_t time_ms = 0;  // when the snapshot was taken (unix ms)
  std::vector<VariantMetrics> variants;
};

}  // namespace kiln
