// Renders EndpointMetrics snapshots: as Prometheus' text exposition format (version 0.0.4) for
// GET /metrics, and as JSON for Kiln's metrics API (GET /kiln/v1/endpoints/<name>/metrics), which
// the web UI reads. Metric names and JSON members are listed in docs/api.md ("Endpoint metrics").
// Latencies are in seconds; histogram buckets are kLatencyBoundsSeconds, cumulative as Prometheus
// wants them. Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "serve/endpoint_metrics.h"

namespace kiln {

// Every family once, with a sample per endpoint and variant (and per instance where labelled so).
std::string RenderPrometheus(const std::vector<EndpointMetrics>& endpoints);

// {"EndpointName": ..., "Time": <unix s>, "ProductionVariants": [...]} for one endpoint.
std::string RenderMetricsJson(const EndpointMetrics& endpoint);
// {"Endpoints": [<RenderMetricsJson of each>]}.
std::string RenderMetricsJson(const std::vector<EndpointMetrics>& endpoints);

}  // namespace kiln
