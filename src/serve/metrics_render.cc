#include "serve/metrics_render.h"

#include <cstdio>
#include <functional>
#include <nlohmann/json.hpp>

namespace kiln {
namespace {

using nlohmann::json;

std::string Escape(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"')
      out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string Number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%.9g", v);
  return buf;
}

std::string Labels(const EndpointMetrics& e, const VariantMetrics& v,
                   const std::string& extra = "") {
  return "endpoint=\"" + Escape(e.endpoint) + "\",variant=\"" + Escape(v.variant) + "\"" + extra;
}

class Writer {
 public:
  explicit Writer(const std::vector<EndpointMetrics>& endpoints) : endpoints_(endpoints) {}

  // One family with a sample per variant.
  void Family(const char* name, const char* type, const char* help,
              const std::function<double(const VariantMetrics&)>& value) {
    Header(name, type, help);
    for (const EndpointMetrics& e : endpoints_) {
      for (const VariantMetrics& v : e.variants)
        out_ += std::string(name) + "{" + Labels(e, v) + "} " + Number(value(v)) + "\n";
    }
  }

  // One family with a sample per instance.
  void InstanceFamily(const char* name, const char* type, const char* help,
                      const std::function<double(const InstanceMetrics&)>& value) {
    Header(name, type, help);
    for (const EndpointMetrics& e : endpoints_) {
      for (const VariantMetrics& v : e.variants) {
        for (const InstanceMetrics& i : v.instances) {
          out_ += std::string(name) + "{" + Labels(e, v, ",instance=\"" + Escape(i.id) + "\"") +
                  "} " + Number(value(i)) + "\n";
        }
      }
    }
  }

  void Histogram(const char* name, const char* help,
                 const std::function<const HistogramSnapshot&(const VariantMetrics&)>& get) {
    Header(name, "histogram", help);
    for (const EndpointMetrics& e : endpoints_) {
      for (const VariantMetrics& v : e.variants) {
        const HistogramSnapshot& h = get(v);
        const std::string labels = Labels(e, v);
        std::uint64_t cumulative = 0;
        for (std::size_t b = 0; b < h.counts.size(); ++b) {
          cumulative += h.counts[b];
          const std::string le =
              b < kLatencyBoundsSeconds.size() ? Number(kLatencyBoundsSeconds[b]) : "+Inf";
          out_ += std::string(name) + "_bucket{" + labels + ",le=\"" + le + "\"} " +
                  std::to_string(cumulative) + "\n";
        }
        out_ += std::string(name) + "_sum{" + labels + "} " + Number(h.sum_ns / 1e9) + "\n";
        out_ += std::string(name) + "_count{" + labels + "} " + std::to_string(cumulative) + "\n";
      }
    }
  }

  std::string Take() { return std::move(out_); }

 private:
  void Header(const char* name, const char* type, const char* help) {
    out_ += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
  }

  const std::vector<EndpointMetrics>& endpoints_;
  std::string out_;
};

json HistogramJson(const HistogramSnapshot& h) {
  json buckets = json::array();
  std::uint64_t cumulative = 0;
  for (std::size_t b = 0; b < h.counts.size(); ++b) {
    cumulative += h.counts[b];
    json bucket = {{"Count", cumulative}};
    if (b < kLatencyBoundsSeconds.size())
      bucket["LeSeconds"] = kLatencyBoundsSeconds[b];
    else
      bucket["LeSeconds"] = "+Inf";
    buckets.push_back(std::move(bucket));
  }
  const double sum = h.sum_ns / 1e9;
  return {{"Count", cumulative},
          {"SumSeconds", sum},
          {"MeanSeconds", cumulative > 0 ? sum / static_cast<double>(cumulative) : 0.0},
          {"Buckets", buckets}};
}

json CountersJson(const CountersSnapshot& c) {
  return {{"Invocations", c.invocations},
          {"Invocation4XXErrors", c.errors_4xx},
          {"Invocation5XXErrors", c.errors_5xx},
          {"ModelErrors", c.model_errors}};
}

json EndpointJson(const EndpointMetrics& e) {
  json variants = json::array();
  for (const VariantMetrics& v : e.variants) {
    json jv = CountersJson(v.totals);
    jv["VariantName"] = v.variant;
    jv["CurrentWeight"] = v.weight;
    jv["CurrentInstanceCount"] = v.current_instances;
    jv["DesiredInstanceCount"] = v.desired_instances;
    jv["WaitingRequests"] = v.waiting_requests;
    jv["InvocationsPerInstancePerMinute"] = v.load.invocations_per_instance_per_minute;
    jv["ConcurrentRequestsPerInstance"] = v.load.concurrent_requests_per_instance;
    jv["InstanceLoadFailures"] = v.instance_load_failures;
    jv["InstanceReplacements"] = v.instance_replacements;
    jv["ModelLatency"] = HistogramJson(v.totals.model_latency);
    jv["OverheadLatency"] = HistogramJson(v.totals.overhead_latency);
    json history = json::array();
    for (const InstanceHistory::Point& p : v.instance_history)
      history.push_back({{"Time", p.time_ms / 1000.0}, {"InstanceCount", p.count}});
    jv["InstanceCountHistory"] = history;
    json instances = json::array();
    for (const InstanceMetrics& i : v.instances) {
      json ji = CountersJson(i.counters);
      ji["InstanceId"] = i.id;
      ji["InFlight"] = i.in_flight;
      instances.push_back(std::move(ji));
    }
    jv["Instances"] = instances;
    variants.push_back(std::move(jv));
  }
  return {
      {"EndpointName", e.endpoint}, {"Time", e.time_ms / 1000.0}, {"ProductionVariants", variants}};
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::string RenderPrometheus(const std::vector<EndpointMetrics>& endpoints) {
  Writer w(endpoints);
  w.Family("kiln_endpoint_invocations_total", "counter",
           "InvokeEndpoint requests routed to the variant.",
           [](const VariantMetrics& v) { return static_cast<double>(v.totals.invocations); });
  w.Family("kiln_endpoint_invocation_4xx_errors_total", "counter",
           "Requests answered with a 4xx status (ValidationError, or 415/406 from the model).",
           [](const VariantMetrics& v) { return static_cast<double>(v.totals.errors_4xx); });
  w.Family("kiln_endpoint_invocation_5xx_errors_total", "counter",
           "Requests that failed in the model or found no instance in time.",
           [](const VariantMetrics& v) { return static_cast<double>(v.totals.errors_5xx); });
  w.Family("kiln_endpoint_model_errors_total", "counter",
           "Requests whose prediction failed (ModelError, original status 500).",
           [](const VariantMetrics& v) { return static_cast<double>(v.totals.model_errors); });
  w.Histogram(
      "kiln_endpoint_model_latency_seconds", "Time in the model's predict.",
      [](const VariantMetrics& v) -> const HistogramSnapshot& { return v.totals.model_latency; });
  w.Histogram("kiln_endpoint_overhead_latency_seconds",
              "Whole request time in the runtime API minus model time.",
              [](const VariantMetrics& v) -> const HistogramSnapshot& {
                return v.totals.overhead_latency;
              });
  w.Family("kiln_endpoint_instances", "gauge", "Live instances (DescribeEndpoint's current count).",
           [](const VariantMetrics& v) { return v.current_instances; });
  w.Family("kiln_endpoint_desired_instances", "gauge", "Desired instances.",
           [](const VariantMetrics& v) { return v.desired_instances; });
  w.Family("kiln_endpoint_weight", "gauge", "Current variant weight.",
           [](const VariantMetrics& v) { return v.weight; });
  w.Family("kiln_endpoint_waiting_requests", "gauge",
           "Requests held because the variant has no live instance.",
           [](const VariantMetrics& v) { return static_cast<double>(v.waiting_requests); });
  w.Family("kiln_endpoint_invocations_per_instance_per_minute", "gauge",
           "Invocations per instance over the load window, scaled to a minute.",
           [](const VariantMetrics& v) { return v.load.invocations_per_instance_per_minute; });
  w.Family("kiln_endpoint_concurrent_requests_per_instance", "gauge",
           "Mean in-flight requests per instance over the load window.",
           [](const VariantMetrics& v) { return v.load.concurrent_requests_per_instance; });
  w.Family("kiln_endpoint_instance_load_failures_total", "counter", "Instance loads that failed.",
           [](const VariantMetrics& v) { return static_cast<double>(v.instance_load_failures); });
  w.Family("kiln_endpoint_instance_replacements_total", "counter", "Faulty instances replaced.",
           [](const VariantMetrics& v) { return static_cast<double>(v.instance_replacements); });
  w.InstanceFamily(
      "kiln_endpoint_instance_invocations_total", "counter", "Requests served by the instance.",
      [](const InstanceMetrics& i) { return static_cast<double>(i.counters.invocations); });
  w.InstanceFamily("kiln_endpoint_instance_errors_total", "counter",
                   "4xx and 5xx answers of requests on the instance.",
                   [](const InstanceMetrics& i) {
                     return static_cast<double>(i.counters.errors_4xx + i.counters.errors_5xx);
                   });
  w.InstanceFamily("kiln_endpoint_instance_in_flight", "gauge",
                   "Requests the instance is serving now.",
                   [](const InstanceMetrics& i) { return static_cast<double>(i.in_flight); });
  return w.Take();
}

std::string RenderMetricsJson(const EndpointMetrics& endpoint) {
  return Dump(EndpointJson(endpoint));
}

std::string RenderMetricsJson(const std::vector<EndpointMetrics>& endpoints) {
  json all = json::array();
  for (const EndpointMetrics& e : endpoints)
    all.push_back(EndpointJson(e));
  return Dump({{"Endpoints", all}});
}

}  // namespace kiln
