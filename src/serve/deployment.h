// Deployment: how one endpoint routes requests at one moment — its production variants with their
// weights, each variant's LiveVariant (the live instances, which change in place as capacity
// changes), and the endpoint's data capture settings.
//
// A Deployment is immutable once built and is shared as shared_ptr<const Deployment>: the endpoint
// service swaps in a new one atomically on UpdateEndpoint (new LiveVariants, loaded beside the old
// ones: blue/green) or on a weight change (WithWeights: the same LiveVariants, so no instance
// reloads), and requests already holding the old one finish on it. Requests go to a variant drawn
// by weight from a seeded sequence (reproducible from the seed and the order of requests), or to
// the variant they name; LiveVariant then assigns an instance.
//
// Thread-safety: immutable but for the atomic counters behind PickVariant and SampleCapture; every
// method is safe from many threads.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "serve/endpoint_types.h"
#include "serve/live_variant.h"

namespace kiln {

struct VariantDeployment {
  std::string name;
  std::string model_name;
  // Image and ModelDataUrl (ModelIdentity in deployment_loader.h).
  std::string model_identity;
  double weight = 1;
  std::shared_ptr<LiveVariant> live;  // never null
};

class Deployment {
 public:
  Deployment(std::vector<VariantDeployment> variants, std::uint64_t seed,
             std::optional<DataCaptureSpec> capture = std::nullopt);
  Deployment(const Deployment&) = delete;
  Deployment& operator=(const Deployment&) = delete;

  // The same variants (and LiveVariants) and capture settings with new weights, one per variant
  // in order.
  std::shared_ptr<const Deployment> WithWeights(const std::vector<double>& weights,
                                                std::uint64_t seed) const;

  const std::vector<VariantDeployment>& variants() const { return variants_; }
  // The index of the variant called `name` (exact), or nullopt.
  std::optional<std::size_t> Find(std::string_view name) const;
  // The index of a variant drawn by weight; nullopt when every weight is 0.
  std::optional<std::size_t> PickVariant() const;

  const std::optional<DataCaptureSpec>& capture() const { return capture_; }
  // Whether this request is captured: exactly InitialSamplingPercentage of requests, evenly spread.
  bool SampleCapture() const;

 private:
  std::vector<VariantDeployment> variants_;
  std::vector<double> cumulative_;  // running sum of weights
  std::uint64_t seed_;
  std::optional<DataCaptureSpec> capture_;
  mutable std::atomic<std::uint64_t> draws_{0};
  mutable std::atomic<std::uint64_t> captures_{0};
};

}  // namespace kiln
