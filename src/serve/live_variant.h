// LiveVariant: one production variant of a serving endpoint as a set of live ModelInstances whose
// size changes while it serves. The instance set is an immutable vector swapped atomically, so a
// request picks an instance with one atomic load and no lock (the least-loaded instance, ties
// broken by turn); changes (scale out or in, replacing a failed instance) build a new set.
//
// Capacity. `desired` is what the endpoint asks for (its record,
// UpdateEndpointWeightsAndCapacities, the autoscaler through SetVariantCapacity); Reconcile, run
// off the request path by the service's instance worker, loads one instance at a time until the set
// reaches it (each takes traffic as soon as it is loaded) or drops the newest ones (they drain:
// in-flight requests finish on them).
//
// Scale to zero. With no live instance, Acquire holds the request (it is not failed) and, if the
// variant was scaled to 0, asks for one instance; it waits until one is live, a load fails (the
// error says why), or the cold-start timeout passes on the injected Clock. Held requests block the
// thread that calls Acquire (an I/O thread for built-in models), so the timeout bounds them.
//
// Faults. A Predict that fails on one instance is retried on another (AcquireOther); if that one
// succeeds, the first instance is faulty and Replace removes it (a replacement loads). An instance
// that fails `max_consecutive_faults` times in a row with nothing to compare against is replaced
// too. A load that fails is counted (load_failures) and retried on the next Reconcile.
//
// Thread-safety: thread-safe. The data path (Acquire, Lease) is lock-free unless it must hold.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "serve/model_instance.h"
#include "serve/variant_stats.h"

namespace kiln {

// Loads one more copy of the variant's model (reading the artifact, building the Predictor).
using PredictorFactory = std::function<Result<std::shared_ptr<const Predictor>>()>;

struct LiveVariantOptions {
  std::chrono::milliseconds cold_start_timeout{60000};  // how long a held request waits
  int max_consecutive_faults = 3;
};

class LiveVariant {
 public:
  using InstanceSet = std::vector<std::shared_ptr<ModelInstance>>;

  // `request_reconcile` asks the owner to call Reconcile soon on another thread (it must not call
  // it inline). `clock` must outlive the variant.
  LiveVariant(std::string name, PredictorFactory factory, std::shared_ptr<VariantStats> stats,
              const Clock& clock, LiveVariantOptions options,
              std::function<void()> request_reconcile);
  LiveVariant(const LiveVariant&) = delete;
  LiveVariant& operator=(const LiveVariant&) = delete;

  // A request's claim on one instance: counts in its in_flight until destroyed.
  class Lease {
   public:
    explicit Lease(std::shared_ptr<ModelInstance> instance) : instance_(std::move(instance)) {
      instance_->in_flight.fetch_add(1, std::memory_order_relaxed);
    }
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease() {
      if (instance_ != nullptr)
        instance_->in_flight.fetch_sub(1, std::memory_order_relaxed);
    }
    ModelInstance& instance() const { return *instance_; }

   private:
    std::shared_ptr<ModelInstance> instance_;
  };

  // The least-loaded live instance; with none, holds as the header comment says. DeadlineExceeded
  // when no instance came up in time or its load failed; Cancelled when the variant is retired
  // while the request is held.
  Result<Lease> Acquire();
  // A live instance other than `failed`, never holding; nullopt when there is none.
  std::optional<Lease> AcquireOther(const ModelInstance& failed);
  // `instance` is faulty: it leaves the set (draining) and a replacement loads.
  void Replace(const ModelInstance& instance);

  // Runs `predict(const Predictor&)` -> Status on `*lease`'s instance. If it fails, runs it once on
  // another instance: when that succeeds the first instance is replaced and `*lease` moves to the
  // other one (the request does not fail); with no other instance, the failure counts towards
  // max_consecutive_faults. Returns the last Status. A template, so the hot path makes no
  // std::function.
  template <typename PredictFn>
  Status PredictWithFailover(std::optional<Lease>* lease, PredictFn&& predict);

  // The variant no longer serves new requests (an update replaced it, or its endpoint was
  // deleted): held requests return Cancelled at once (the caller starts over); leased ones finish.
  void Retire();

  // Sets the desired count (>= 0) and asks for a Reconcile if it changed.
  void SetDesired(int count);
  // Loads or drops instances until the live count is the desired one; the first load error (the
  // instances loaded before it stay). Serialized with itself.
  Status Reconcile();

  const std::string& name() const { return name_; }
  int live() const;
  int desired() const;
  std::int64_t waiting() const { return waiting_.load(std::memory_order_relaxed); }
  std::uint64_t load_failures() const;
  std::uint64_t replacements() const;
  std::string last_load_error() const;
  std::shared_ptr<const InstanceSet> instances() const {
    return instances_.load(std::memory_order_acquire);
  }
  VariantStats& stats() const { return *stats_; }

 private:
  // Publishes `set` and records its size. REQUIRES mu_.
  void PublishLocked(InstanceSet set);

  const std::string name_;
  const PredictorFactory factory_;
  const std::shared_ptr<VariantStats> stats_;
  const Clock& clock_;
  const LiveVariantOptions options_;
  const std::function<void()> request_reconcile_;
  const int max_faults_ = options_.max_consecutive_faults;

  std::atomic<std::shared_ptr<const InstanceSet>> instances_;
  std::atomic<int> live_count_{0};  // instances_->size(), readable without a shared_ptr copy
  std::atomic<std::uint64_t> turn_{0};
  std::atomic<std::int64_t> waiting_{0};

  std::mutex reconcile_mu_;          // one Reconcile at a time
  mutable std::mutex mu_;            // guards the fields below and changes to instances_
  std::condition_variable ready_;    // an instance went live or a load failed
  int desired_ = 0;                  // GUARDED_BY(mu_)
  bool retired_ = false;             // GUARDED_BY(mu_)
  int next_id_ = 1;                  // GUARDED_BY(mu_)
  std::uint64_t load_failures_ = 0;  // GUARDED_BY(mu_)
  std::uint64_t replacements_ = 0;   // GUARDED_BY(mu_)
  std::string last_load_error_;      // GUARDED_BY(mu_)
};

template <typename PredictFn>
Status LiveVariant::PredictWithFailover(std::optional<Lease>* lease, PredictFn&& predict) {
  ModelInstance& first = (*lease)->instance();
  Status status = predict(first.predictor());
  if (status.ok()) {
    if (first.consecutive_faults.load(std::memory_order_relaxed) != 0)
      first.consecutive_faults.store(0, std::memory_order_relaxed);
    return status;
  }
  if (std::optional<Lease> other = AcquireOther(first)) {
    Status retried = predict(other->instance().predictor());
    if (retried.ok()) {
      Replace(first);
      lease->emplace(std::move(*other));
    }
    return retried;
  }
  if (first.consecutive_faults.fetch_add(1, std::memory_order_relaxed) + 1 >= max_faults_)
    Replace(first);
  return status;
}

}  // namespace kiln
