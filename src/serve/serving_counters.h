// ServingCounters: the InvokeEndpoint counters of one instance (or of a variant's retired
// instances): invocations, 4xx / 5xx / model errors, model latency and overhead latency. Relaxed
// atomics only, so the hot path takes no lock; CountersSnapshot is the plain value /metrics and
// the JSON metrics API render, summed over instances.
//
// Kiln counts as SageMaker's CloudWatch metrics do: every request routed to a variant is an
// invocation; a ValidationError or a 415/406 from the model is a 4xx; a model failure (424 with
// original status 500) is both a model error and a 5xx; a request held past the cold-start timeout
// is a 5xx. Thread-safety: safe from many threads.
#pragma once

#include <atomic>
#include <cstdint>

#include "serve/latency_histogram.h"

namespace kiln {

struct CountersSnapshot {
  std::uint64_t invocations = 0;
  std::uint64_t errors_4xx = 0;
  std::uint64_t errors_5xx = 0;
  std::uint64_t model_errors = 0;
  HistogramSnapshot model_latency;
  HistogramSnapshot overhead_latency;

  void Add(const CountersSnapshot& o) {
    invocations += o.invocations;
    errors_4xx += o.errors_4xx;
    errors_5xx += o.errors_5xx;
    model_errors += o.model_errors;
    model_latency.Add(o.model_latency);
    overhead_latency.Add(o.overhead_latency);
  }
};

struct ServingCounters {
  std::atomic<std::uint64_t> invocations{0};
  std::atomic<std::uint64_t> errors_4xx{0};
  std::atomic<std::uint64_t> errors_5xx{0};
  std::atomic<std::uint64_t> model_errors{0};
  LatencyHistogram model_latency;
  LatencyHistogram overhead_latency;

  CountersSnapshot Read() const {
    CountersSnapshot s;
    s.invocations = invocations.load(std::memory_order_relaxed);
    s.errors_4xx = errors_4xx.load(std::memory_order_relaxed);
    s.errors_5xx = errors_5xx.load(std::memory_order_relaxed);
    s.model_errors = model_errors.load(std::memory_order_relaxed);
    s.model_latency = model_latency.Read();
    s.overhead_latency = overhead_latency.Read();
    return s;
  }
  void Add(const CountersSnapshot& o) {
    invocations.fetch_add(o.invocations, std::memory_order_relaxed);
    errors_4xx.fetch_add(o.errors_4xx, std::memory_order_relaxed);
    errors_5xx.fetch_add(o.errors_5xx, std::memory_order_relaxed);
    model_errors.fetch_add(o.model_errors, std::memory_order_relaxed);
    model_latency.Add(o.model_latency);
    overhead_latency.Add(o.overhead_latency);
  }
};

}  // namespace kiln
