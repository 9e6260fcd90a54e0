// Deployment: what one endpoint serves at one moment — its production variants, each with its
// instances (one loaded copy of the variant's model each), and the weighted traffic split.
//
// A Deployment is immutable once built and is shared as shared_ptr<const Deployment>: the endpoint
// service swaps in a new one atomically on UpdateEndpoint or a capacity change, and requests
// already holding the old one finish on it. Requests go to a variant drawn by weight from a seeded
// sequence (reproducible from the seed and the order of requests), or to the variant they name;
// within a variant instances take turns (round-robin). This slice predicts on the caller's thread;
// per-instance queues and metrics (for autoscaling) attach to ModelInstance later.
//
// Thread-safety: immutable but for the two atomic counters behind PickVariant and PickInstance;
// every method is safe from many threads.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "serve/predictor.h"

namespace kiln {

// One serving copy of a variant's model.
struct ModelInstance {
  std::shared_ptr<const Predictor> predictor;
};

struct VariantDeployment {
  std::string name;
  std::string model_name;
  // Image and ModelDataUrl: a capacity change keeps the instances of variants whose model is the
  // same.
  std::string model_identity;
  double weight = 1;
  std::vector<ModelInstance> instances;  // at least one
};

class Deployment {
 public:
  // REQUIRES every variant to have at least one instance.
  Deployment(std::vector<VariantDeployment> variants, std::uint64_t seed);
  Deployment(const Deployment&) = delete;
  Deployment& operator=(const Deployment&) = delete;

  const std::vector<VariantDeployment>& variants() const { return variants_; }
  // The index of the variant called `name` (exact), or nullopt.
  std::optional<std::size_t> Find(std::string_view name) const;
  // The index of a variant drawn by weight; nullopt when every weight is 0.
  std::optional<std::size_t> PickVariant() const;
  // The next instance of variant `index` in turn.
  const ModelInstance& PickInstance(std::size_t index) const;

 private:
  std::vector<VariantDeployment> variants_;
  std::vector<double> cumulative_;  // running sum of weights
  std::uint64_t seed_;
  mutable std::atomic<std::uint64_t> draws_{0};
  std::unique_ptr<std::atomic<std::uint64_t>[]> turns_;  // per variant
};

}  // namespace kiln
