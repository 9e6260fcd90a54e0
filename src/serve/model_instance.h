// ModelInstance: one live unit of a production variant's capacity. Built-in models are Kiln's own
// code and predict inline on the server's I/O threads, so an instance is not a process: it is its
// own loaded copy of the model (a Predictor), its own admission slot count (`in_flight`, which the
// variant's least-loaded choice reads) and its own counters. A request is assigned to one instance
// and counts against it while it predicts (LiveVariant::Lease). Models that run user code (script
// mode, later) will put a sandboxed process behind the same Predictor interface.
//
// An instance is shared (shared_ptr) by the variant's instance set and the requests leasing it; a
// removed instance drains: it leaves the set at once (its counters go to the variant's
// VariantStats, so totals keep counting) and is destroyed when its last request ends.
//
// Thread-safety: the counters are atomics; everything else is immutable.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "serve/predictor.h"
#include "serve/serving_counters.h"

namespace kiln {

class ModelInstance {
 public:
  ModelInstance(std::string id, std::shared_ptr<const Predictor> predictor)
      : id_(std::move(id)), predictor_(std::move(predictor)) {}
  ModelInstance(const ModelInstance&) = delete;
  ModelInstance& operator=(const ModelInstance&) = delete;

  // "AllTraffic-3": the variant's name and the instance's number within it (1, 2, ...).
  const std::string& id() const { return id_; }
  const Predictor& predictor() const { return *predictor_; }

  // Shared with VariantStats once the instance leaves service.
  const std::shared_ptr<ServingCounters> shared_counters = std::make_shared<ServingCounters>();
  ServingCounters& counters = *shared_counters;
  std::atomic<std::int64_t> in_flight{0};  // requests assigned to it now
  // Predict failures in a row; an instance failing kMaxConsecutiveFaults times is replaced.
  std::atomic<int> consecutive_faults{0};

 private:
  const std::string id_;
  const std::shared_ptr<const Predictor> predictor_;
};

}  // namespace kiln
