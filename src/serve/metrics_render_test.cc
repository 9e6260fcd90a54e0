#include "serve/metrics_render.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace kiln {
namespace {

EndpointMetrics Sample() {
  EndpointMetrics e;
  e.endpoint = "ep";
  e.time_ms = 1'800'000'000'000;
  VariantMetrics v;
  v.variant = "AllTraffic";
  v.weight = 1;
  v.current_instances = 2;
  v.desired_instances = 3;
  v.totals.invocations = 12;
  v.totals.errors_4xx = 2;
  v.totals.model_latency.counts[0] = 4;  // <= 50 us
  v.totals.model_latency.counts[4] = 6;  // <= 1 ms
  v.totals.model_latency.sum_ns = 2'000'000;
  v.instance_history = {{1'799'999'990'000, 1}, {1'800'000'000'000, 2}};
  InstanceMetrics i;
  i.id = "AllTraffic-1";
  i.in_flight = 1;
  i.counters.invocations = 7;
  v.instances.push_back(i);
  e.variants.push_back(v);
  return e;
}

TEST(MetricsRender, PrometheusTextHasEachFamilyOnceWithCumulativeBuckets) {
  const std::string text = RenderPrometheus({Sample()});
  EXPECT_NE(
      text.find("# TYPE kiln_endpoint_invocations_total counter\n"
                "kiln_endpoint_invocations_total{endpoint=\"ep\",variant=\"AllTraffic\"} 12\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("kiln_endpoint_model_latency_seconds_bucket{endpoint=\"ep\",variant="
                      "\"AllTraffic\",le=\"5e-05\"} 4\n"),
            std::string::npos);
  EXPECT_NE(text.find("le=\"0.001\"} 10\n"), std::string::npos);
  EXPECT_NE(text.find("le=\"+Inf\"} 10\n"), std::string::npos);
  EXPECT_NE(text.find("kiln_endpoint_model_latency_seconds_sum{endpoint=\"ep\",variant="
                      "\"AllTraffic\"} 0.002\n"),
            std::string::npos);
  EXPECT_NE(text.find("kiln_endpoint_instances{endpoint=\"ep\",variant=\"AllTraffic\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("kiln_endpoint_instance_in_flight{endpoint=\"ep\",variant=\"AllTraffic\","
                      "instance=\"AllTraffic-1\"} 1\n"),
            std::string::npos);
  // Each family's TYPE line appears exactly once.
  const std::string type = "# TYPE kiln_endpoint_instances gauge";
  EXPECT_EQ(text.find(type), text.rfind(type));
  EXPECT_EQ(text.back(), '\n');
}

TEST(MetricsRender, JsonCarriesCountsHistoryAndInstances) {
  const nlohmann::json j = nlohmann::json::parse(RenderMetricsJson(Sample()));
  EXPECT_EQ(j["EndpointName"], "ep");
  const nlohmann::json& v = j["ProductionVariants"][0];
  EXPECT_EQ(v["Invocations"], 12);
  EXPECT_EQ(v["Invocation4XXErrors"], 2);
  EXPECT_EQ(v["CurrentInstanceCount"], 2);
  EXPECT_EQ(v["DesiredInstanceCount"], 3);
  EXPECT_EQ(v["ModelLatency"]["Count"], 10);
  EXPECT_DOUBLE_EQ(v["ModelLatency"]["MeanSeconds"].get<double>(), 0.0002);
  EXPECT_EQ(v["InstanceCountHistory"].size(), 2u);
  EXPECT_EQ(v["InstanceCountHistory"][1]["InstanceCount"], 2);
  EXPECT_EQ(v["Instances"][0]["InstanceId"], "AllTraffic-1");
  const nlohmann::json all = nlohmann::json::parse(RenderMetricsJson({Sample(), Sample()}));
  EXPECT_EQ(all["Endpoints"].size(), 2u);
}

}  // namespace
}  // namespace kiln
