#include "serve/live_variant.h"

#include <algorithm>
#include <limits>

namespace kiln {

LiveVariant::LiveVariant(std::string name, PredictorFactory factory,
                         std::shared_ptr<VariantStats> stats, const Clock& clock,
                         LiveVariantOptions options, std::function<void()> request_reconcile)
    : name_(std::move(name)),
      factory_(std::move(factory)),
      stats_(std::move(stats)),
      clock_(clock),
      options_(options),
      request_reconcile_(std::move(request_reconcile)),
      instances_(std::make_shared<const InstanceSet>()) {
  stats_->history.Record(clock_.Now(), 0);
}

namespace {

// The least-loaded instance of `set` other than `skip`, scanning from `start`.
const std::shared_ptr<ModelInstance>* LeastLoaded(const LiveVariant::InstanceSet& set,
                                                  std::uint64_t start, const ModelInstance* skip) {
  const std::shared_ptr<ModelInstance>* best = nullptr;
  std::int64_t best_load = std::numeric_limits<std::int64_t>::max();
  const std::size_t n = set.size();
  for (std::size_t k = 0; k < n; ++k) {
    const std::shared_ptr<ModelInstance>& candidate = set[(start + k) % n];
    if (candidate.get() == skip)
      continue;
    const std::int64_t load = candidate->in_flight.load(std::memory_order_relaxed);
    if (load < best_load) {
      best = &candidate;
      best_load = load;
      if (load == 0)
        break;
    }
  }
  return best;
}

}  // namespace

Result<LiveVariant::Lease> LiveVariant::Acquire() {
  {
    const std::shared_ptr<const InstanceSet> set = instances_.load(std::memory_order_acquire);
    if (!set->empty()) {
      if (set->size() == 1)
        return Lease(set->front());
      return Lease(*LeastLoaded(*set, turn_.fetch_add(1, std::memory_order_relaxed), nullptr));
    }
  }
  // Cold start: hold the request until an instance is live.
  const auto start = clock_.Now();
  struct Waiting {
    std::atomic<std::int64_t>& n;
    explicit Waiting(std::atomic<std::int64_t>& count) : n(count) {
      n.fetch_add(1, std::memory_order_relaxed);
    }
    ~Waiting() { n.fetch_sub(1, std::memory_order_relaxed); }
  } waiting(waiting_);
  std::unique_lock<std::mutex> lock(mu_);
  if (desired_ == 0)
    desired_ = 1;  // scaled to zero: start one on demand
  const std::uint64_t failures_before = load_failures_;
  request_reconcile_();
  for (;;) {
    const std::shared_ptr<const InstanceSet> set = instances_.load(std::memory_order_acquire);
    if (!set->empty())
      return Lease(*LeastLoaded(*set, turn_.fetch_add(1, std::memory_order_relaxed), nullptr));
    if (retired_)
      return Status::Cancelled("variant " + name_ + " was retired");
    if (load_failures_ != failures_before) {
      return Status::DeadlineExceeded(
          "variant " + name_ +
          " has no live instance and starting one failed: " + last_load_error_);
    }
    if (clock_.Now() - start >= options_.cold_start_timeout) {
      return Status::DeadlineExceeded(
          "variant " + name_ + " has no live instance and none started within " +
          std::to_string(options_.cold_start_timeout.count()) + " ms; retry the request");
    }
    // Real time bounds each wait so a ManualClock moved by a test is noticed too.
    ready_.wait_for(lock, std::chrono::milliseconds(20));
  }
}

std::optional<LiveVariant::Lease> LiveVariant::AcquireOther(const ModelInstance& failed) {
  const std::shared_ptr<const InstanceSet> set = instances_.load(std::memory_order_acquire);
  const std::shared_ptr<ModelInstance>* other =
      LeastLoaded(*set, turn_.fetch_add(1, std::memory_order_relaxed), &failed);
  if (other == nullptr)
    return std::nullopt;
  return Lease(*other);
}

void LiveVariant::Replace(const ModelInstance& instance) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    const std::shared_ptr<const InstanceSet> set = instances_.load(std::memory_order_acquire);
    InstanceSet next;
    for (const std::shared_ptr<ModelInstance>& i : *set) {
      if (i.get() != &instance)
        next.push_back(i);
      else
        stats_->RetireCounters(i->shared_counters);
    }
    if (next.size() == set->size())
      return;  // already replaced (two requests saw it fail)
    ++replacements_;
    PublishLocked(std::move(next));
  }
  request_reconcile_();
}

void LiveVariant::Retire() {
  std::lock_guard<std::mutex> lock(mu_);
  if (retired_)
    return;
  retired_ = true;
  // Its instances drain; their counters go on in the variant's totals.
  for (const std::shared_ptr<ModelInstance>& i : *instances_.load())
    stats_->RetireCounters(i->shared_counters);
  ready_.notify_all();
}

void LiveVariant::SetDesired(int count) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    count = std::max(0, count);
    if (count == desired_ && live() == count)
      return;
    desired_ = count;
  }
  request_reconcile_();
}

void LiveVariant::PublishLocked(InstanceSet set) {
  const int size = static_cast<int>(set.size());
  instances_.store(std::make_shared<const InstanceSet>(std::move(set)), std::memory_order_release);
  live_count_.store(size, std::memory_order_release);
  stats_->history.Record(clock_.Now(), size);
  ready_.notify_all();
}

Status LiveVariant::Reconcile() {
  std::lock_guard<std::mutex> serial(reconcile_mu_);
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      const std::shared_ptr<const InstanceSet> set = instances_.load(std::memory_order_acquire);
      const std::size_t want = static_cast<std::size_t>(desired_);
      if (set->size() == want)
        return Status::Ok();
      if (set->size() > want) {
        for (std::size_t i = want; i < set->size(); ++i)
          stats_->RetireCounters((*set)[i]->shared_counters);
        PublishLocked(InstanceSet(set->begin(), set->begin() + static_cast<std::ptrdiff_t>(want)));
        return Status::Ok();
      }
    }
    Result<std::shared_ptr<const Predictor>> loaded = factory_();
    std::lock_guard<std::mutex> lock(mu_);
    if (!loaded.ok()) {
      ++load_failures_;
      last_load_error_ = loaded.error().message();
      ready_.notify_all();
      return loaded.error();
    }
    const std::shared_ptr<const InstanceSet> set = instances_.load(std::memory_order_acquire);
    if (set->size() >= static_cast<std::size_t>(desired_))
      continue;  // the desired count dropped while loading
    InstanceSet next = *set;
    next.push_back(std::make_shared<ModelInstance>(name_ + "-" + std::to_string(next_id_++),
                                                   std::move(loaded).value()));
    PublishLocked(std::move(next));
  }
}

int LiveVariant::live() const { return live_count_.load(std::memory_order_acquire); }

int LiveVariant::desired() const {
  std::lock_guard<std::mutex> lock(mu_);
  return desired_;
}

std::uint64_t LiveVariant::load_failures() const {
  std::lock_guard<std::mutex> lock(mu_);
  return load_failures_;
}

std::uint64_t LiveVariant::replacements() const {
  std::lock_guard<std::mutex> lock(mu_);
  return replacements_;
}

std::string LiveVariant::last_load_error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_load_error_;
}

}  // namespace kiln
