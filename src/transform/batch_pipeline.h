// BatchPipeline: the mini-batches of one input object transformed on several threads while the
// caller goes on reading, with the outputs handed back in input order — SageMaker's
// MaxConcurrentTransforms (parallel requests to the model) for one object, without reordering its
// records.
//
// At most 2 × threads batches are in flight, so memory stays bounded by MaxPayloadInMB. The sink
// runs on the caller's thread, in order; the first error in input order (a bad record, the model
// failing, the sink failing, a cancellation) is what Submit or Finish returns, and nothing after it
// is sunk. With one thread everything runs on the caller's thread.
//
// Thread-safety: Submit and Finish are called by one thread (the owner); the worker threads are
// owned and joined by the destructor.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "transform/batch_transformer.h"
#include "transform/mini_batch.h"

namespace kiln {

class BatchPipeline {
 public:
  // Writes a batch's output (e.g. to the .out blob); called in input order on the owner's thread.
  using Sink = std::function<Status(const MiniBatch& batch, const std::string& out)>;
  // True when the job must stop (checked before each batch is transformed).
  using Cancelled = std::function<bool()>;

  // `transformer` outlives the pipeline; `threads` ≥ 1.
  BatchPipeline(const BatchTransformer& transformer, int threads, Cancelled cancelled, Sink sink);
  ~BatchPipeline();
  BatchPipeline(const BatchPipeline&) = delete;
  BatchPipeline& operator=(const BatchPipeline&) = delete;

  // Queues `batch` (non-empty), first sinking finished outputs and waiting while too many are in
  // flight. An error stops the pipeline: later calls return it again.
  Status Submit(std::unique_ptr<MiniBatch> batch);
  // Waits for every queued batch and sinks it.
  Status Finish();

 private:
  struct Slot {
    std::unique_ptr<MiniBatch> batch;
    std::string out;
    Status status;
    bool done = false;  // GUARDED_BY(mu_)
  };

  Status TransformOne(Slot& slot) const;
  void Work(std::stop_token stop);
  // Sinks finished slots from the front; with `wait_for_front`, waits for the front one first.
  Status Drain(bool wait_for_front);

  const BatchTransformer& transformer_;
  const std::size_t max_in_flight_;
  const Cancelled cancelled_;
  const Sink sink_;
  Status failed_;  // the first error; owner's thread only

  std::mutex mu_;
  std::condition_variable_any cv_;           // todo_ grew or a slot finished
  std::deque<Slot*> todo_;                   // GUARDED_BY(mu_): not yet taken by a worker
  std::deque<std::unique_ptr<Slot>> slots_;  // in input order; owner's thread only
  std::vector<std::jthread> threads_;        // last: joined before the slots go
};

}  // namespace kiln
