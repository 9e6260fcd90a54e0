#include "store/internal/local_blob_writer.h"

#include <unistd.h>

#include <utility>

#include "store/internal/blob_files.h"

namespace kiln::store_internal {
namespace {

// Appends smaller than this are gathered before a write(2); larger ones go straight through.
constexpr std::size_t kBufferSize = 256 << 10;

}  // namespace

LocalBlobWriter::LocalBlobWriter(const void* owner, std::string path, UniqueFd fd)
    : owner_(owner), path_(std::move(path)), fd_(std::move(fd)) {}

LocalBlobWriter::~LocalBlobWriter() {
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
  sha256_digest_.Update(bytes);
  crc32_.Update(bytes);
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
  md5_ = md5_digest_.Final();
  sha256_ = sha256_digest_.Final();
  finished_ = true;
  return Status::Ok();
}

}  // namespace kiln::store_internal
