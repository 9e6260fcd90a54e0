#include "transform/batch_pipeline.h"

namespace kiln {

BatchPipeline::BatchPipeline(const BatchTransformer& transformer, int threads, Cancelled cancelled,
                             Sink sink)
    : transformer_(transformer),
      max_in_flight_(2 * static_cast<std::size_t>(std::max(1, threads))),
      cancelled_(std::move(cancelled)),
      sink_(std::move(sink)) {
  for (int i = 0; threads > 1 && i < threads; ++i)
    threads_.emplace_back([this](std::stop_token stop) { Work(stop); });
}

BatchPipeline::~BatchPipeline() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    todo_.clear();
  }
  threads_.clear();  // request_stop + join: a worker finishes the batch it holds
}

Status BatchPipeline::TransformOne(Slot& slot) const {
  if (cancelled_())
    return Status::Cancelled("the transform job was stopped");
  return transformer_.Transform(*slot.batch, &slot.out);
}

void BatchPipeline::Work(std::stop_token stop) {
  while (true) {
    Slot* slot = nullptr;
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (!cv_.wait(lock, stop, [&] { return !todo_.empty(); }) || stop.stop_requested())
        return;
      slot = todo_.front();
      todo_.pop_front();
    }
    Status status = TransformOne(*slot);
    {
      std::lock_guard<std::mutex> lock(mu_);
      slot->status = std::move(status);
      slot->done = true;
    }
    cv_.notify_all();
  }
}

Status BatchPipeline::Drain(bool wait_for_front) {
  while (!slots_.empty()) {
    Slot& front = *slots_.front();
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (!front.done) {
        if (!wait_for_front)
          return Status::Ok();
        cv_.wait(lock, [&] { return front.done; });
      }
    }
    wait_for_front = false;
    Status s = front.status.ok() ? sink_(*front.batch, front.out) : front.status;
    slots_.pop_front();
    if (!s.ok()) {
      failed_ = s;
      std::lock_guard<std::mutex> lock(mu_);
      todo_.clear();  // queued work after a failure is not done
      return s;
    }
  }
  return Status::Ok();
}

Status BatchPipeline::Submit(std::unique_ptr<MiniBatch> batch) {
  if (!failed_.ok())
    return failed_;
  if (threads_.empty()) {
    Slot slot;
    slot.batch = std::move(batch);
    Status s = TransformOne(slot);
    if (s.ok())
      s = sink_(*slot.batch, slot.out);
    failed_ = s;
    return s;
  }
  RETURN_IF_ERROR(Drain(false));
  while (slots_.size() >= max_in_flight_)
    RETURN_IF_ERROR(Drain(true));
  auto slot = std::make_unique<Slot>();
  slot->batch = std::move(batch);
  {
    std::lock_guard<std::mutex> lock(mu_);
    todo_.push_back(slot.get());
  }
  slots_.push_back(std::move(slot));
  cv_.notify_all();
  return Status::Ok();
}

Status BatchPipeline::Finish() {
  if (!failed_.ok())
    return failed_;
  while (!slots_.empty())
    RETURN_IF_ERROR(Drain(true));
  return Status::Ok();
}

}  // namespace kiln
