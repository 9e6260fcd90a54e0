#include "store/internal/local_blob_writer.h"

#include <unistd.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

#include "common/file_util.h"
#include "store/internal/blob_files.h"

namespace kiln::store_internal {
namespace {

// Appends smaller than this are gathered before a write(2); larger ones go straight through.
constexpr std::size_t kBufferSize = 256 << 10;
// Bodies up to this size are hashed inline (a thread would cost more than it saves).
constexpr std::uint64_t kInlineHashBytes = 1 << 20;
// Bytes copied for the side thread but not yet hashed, at most (backpressure).
constexpr std::size_t kMaxQueuedBytes = 8 << 20;

}  // namespace

// Hashes a byte stream with SHA-256 and CRC32 on its own thread, in the order pushed.
class SideHasher {
 public:
  SideHasher(Digest& sha256, Crc32& crc32)
      : sha256_(sha256), crc32_(crc32), thread_([this] { Run(); }) {}
  ~SideHasher() { Drain(); }

  // Copies `bytes` for the thread (handing over 1 MiB at a time); waits while too much is queued.
  void Push(std::string_view bytes) {
    pending_.append(bytes);
    if (pending_.size() >= kHandOffBytes)
      HandOff();
  }

  // Returns once everything pushed is hashed; the thread is joined.
  void Drain() {
    if (!pending_.empty())
      HandOff();
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
      ready_.notify_one();
    }
    if (thread_.joinable())
      thread_.join();
  }

 private:
  static constexpr std::size_t kHandOffBytes = 1 << 20;

  // Moves pending_ to the queue and takes a spent buffer (if any) as the next pending_, so
  // buffers are reused and bytes are copied once.
  void HandOff() {
    std::unique_lock<std::mutex> lock(mu_);
    space_.wait(lock, [&] { return queued_ < kMaxQueuedBytes; });
    queued_ += pending_.size();
    queue_.push_back(std::move(pending_));
    pending_ = std::string();
    if (!free_.empty()) {
      pending_ = std::move(free_.back());
      free_.pop_back();
    }
    ready_.notify_one();
    lock.unlock();
    pending_.clear();
    pending_.reserve(kHandOffBytes + (256 << 10));
  }

  void Run() {
    while (true) {
      std::string chunk;
      {
        std::unique_lock<std::mutex> lock(mu_);
        ready_.wait(lock, [&] { return !queue_.empty() || closed_; });
        if (queue_.empty())
          return;
        chunk = std::move(queue_.front());
        queue_.pop_front();
      }
      sha256_.Update(chunk);
      crc32_.Update(chunk);
      std::lock_guard<std::mutex> lock(mu_);
      queued_ -= chunk.size();
      free_.push_back(std::move(chunk));
      space_.notify_one();
    }
  }

  Digest& sha256_;
  Crc32& crc32_;
  std::mutex mu_;
  std::condition_variable ready_;
  std::condition_variable space_;
  std::deque<std::string> queue_;  // GUARDED_BY(mu_)
  std::vector<std::string> free_;  // GUARDED_BY(mu_): hashed buffers kept for reuse
  std::size_t queued_ = 0;         // GUARDED_BY(mu_)
  bool closed_ = false;            // GUARDED_BY(mu_)
  std::string pending_;            // owned by the pushing thread: bytes not handed over yet
  std::thread thread_;
};

LocalBlobWriter::LocalBlobWriter(const void* owner, std::string path, UniqueFd fd)
    : owner_(owner), path_(std::move(path)), fd_(std::move(fd)) {}

LocalBlobWriter::~LocalBlobWriter() {
  side_.reset();
  fd_.Reset();
  if (!published_)
    (void)::unlink(path_.c_str());
}

Status LocalBlobWriter::Flush() {
  if (buffer_.empty())
    return Status::Ok();
  Status s = WriteAll(fd_.get(), buffer_, path_);
  buffer_.clear();
  return s;
}

Status LocalBlobWriter::Append(std::string_view bytes) {
  if (finished_)
    return Status::FailedPrecondition("Append after Finish on \"" + path_ + "\"");
  RETURN_IF_ERROR(error_);
  md5_digest_.Update(bytes);
  if (!side_ && size_ + bytes.size() > kInlineHashBytes)
    side_ = std::make_unique<SideHasher>(sha256_digest_, crc32_);
  if (side_) {
    side_->Push(bytes);
  } else {
    sha256_digest_.Update(bytes);
    crc32_.Update(bytes);
  }
  size_ += bytes.size();
  if (buffer_.size() + bytes.size() <= kBufferSize) {
    buffer_.append(bytes);
    return Status::Ok();
  }
  error_ = Flush();
  if (!error_.ok())
    return error_;
  if (bytes.size() >= kBufferSize)
    error_ = WriteAll(fd_.get(), bytes, path_);
  else
    buffer_.append(bytes);
  return error_;
}

Status LocalBlobWriter::Finish() {
  if (finished_)
    return Status::Ok();
  RETURN_IF_ERROR(error_);
  error_ = Flush();
  if (error_.ok() && ::fsync(fd_.get()) != 0)
    error_ = ErrnoStatus("cannot fsync", path_);
  if (error_.ok() && fd_.Reset() != 0)
    error_ = ErrnoStatus("cannot close", path_);
  RETURN_IF_ERROR(error_);
  if (side_) {
    side_->Drain();
    side_.reset();
  }
  md5_ = md5_digest_.Final();
  sha256_ = sha256_digest_.Final();
  finished_ = true;
  return Status::Ok();
}

}  // namespace kiln::store_internal
