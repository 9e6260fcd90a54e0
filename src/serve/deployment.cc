#include "serve/deployment.h"

#include <algorithm>

namespace kiln {
namespace {

std::uint64_t SplitMix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

Deployment::Deployment(std::vector<VariantDeployment> variants, std::uint64_t seed,
                       std::optional<DataCaptureSpec> capture)
    : variants_(std::move(variants)), seed_(seed), capture_(std::move(capture)) {
  double sum = 0;
  for (const VariantDeployment& v : variants_) {
    sum += v.weight > 0 ? v.weight : 0;
    cumulative_.push_back(sum);
  }
}

std::shared_ptr<const Deployment> Deployment::WithWeights(const std::vector<double>& weights,
                                                          std::uint64_t seed) const {
  std::vector<VariantDeployment> variants = variants_;
  for (std::size_t i = 0; i < variants.size() && i < weights.size(); ++i)
    variants[i].weight = weights[i];
  return std::make_shared<const Deployment>(std::move(variants), seed, capture_);
}

std::optional<std::size_t> Deployment::Find(std::string_view name) const {
  for (std::size_t i = 0; i < variants_.size(); ++i) {
    if (variants_[i].name == name)
      return i;
  }
  return std::nullopt;
}

std::optional<std::size_t> Deployment::PickVariant() const {
  const double total = cumulative_.empty() ? 0 : cumulative_.back();
  if (!(total > 0))
    return std::nullopt;
  if (variants_.size() == 1)
    return 0;
  const std::uint64_t n = draws_.fetch_add(1, std::memory_order_relaxed);
  const double u = static_cast<double>(SplitMix64(seed_ + n) >> 11) * 0x1.0p-53;
  const auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), u * total);
  const std::size_t index = static_cast<std::size_t>(it - cumulative_.begin());
  return std::min(index, variants_.size() - 1);
}

bool Deployment::SampleCapture() const {
  if (!capture_ || !capture_->enable || capture_->initial_sampling_percentage <= 0)
    return false;
  const std::uint64_t p = static_cast<std::uint64_t>(capture_->initial_sampling_percentage);
  const std::uint64_t n = captures_.fetch_add(1, std::memory_order_relaxed);
  return (n + 1) * p / 100 > n * p / 100;
}

}  // namespace kiln
