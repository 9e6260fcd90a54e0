// PartPipeline: one worker thread uploading the parts a reader pushes (see part_pipeline.h).
#include "s3client/internal/part_pipeline.h"

#include <utility>

namespace kiln {

PartPipeline::PartPipeline(std::function<Status(const std::string& part)> upload)
    : upload_(std::move(upload)), worker_([this](std::stop_token stop) { Work(stop); }) {}

PartPipeline::~PartPipeline() {
  worker_.request_stop();
  cv_.notify_all();
}

Status PartPipeline::Push(std::string& buffer) {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return (!pending_ && !busy_) || !error_.ok(); });
  if (!error_.ok())
    return error_;
  pending_.emplace(std::move(buffer));
  buffer = std::move(spare_);
  buffer.clear();
  spare_ = std::string();
  cv_.notify_all();
  return Status::Ok();
}

Status PartPipeline::Drain() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !pending_ && !busy_; });
  return error_;
}

void PartPipeline::Work(std::stop_token stop) {
  while (true) {
    std::string part;
    {
      std::unique_lock lock(mu_);
      if (!cv_.wait(lock, stop, [&] { return pending_.has_value(); }))
        return;  // stop requested with nothing pending
      part = std::move(*pending_);
      pending_.reset();
      busy_ = true;
    }
    Status s = upload_(part);
    {
      std::lock_guard lock(mu_);
      busy_ = false;
      if (!s.ok() && error_.ok())
        error_ = std::move(s);
      spare_ = std::move(part);
    }
    cv_.notify_all();
  }
}

}  // namespace kiln
