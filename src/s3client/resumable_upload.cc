// The resumable single-object upload behind `kiln import` (see resumable_upload.h).
#include "s3client/resumable_upload.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "s3client/internal/part_pipeline.h"
#include "s3client/upload_state.h"

namespace kiln {
namespace {

std::string Mb(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f MB", static_cast<double>(bytes) / 1e6);
  return buf;
}

// One object's upload; see UploadObject.
class Upload {
 public:
  Upload(ObjectSource& source, S3Client& dest, const std::string& bucket, const std::string& key,
         const UploadObjectOptions& options)
      : source_(source), dest_(dest), bucket_(bucket), key_(key), options_(options) {
    resource_ = S3Resource(bucket, key);
    if (!options.state_dir.empty())
      state_path_ = UploadStatePath(options.state_dir, source.name(), options.destination_name);
  }

  Result<UploadOutcome> Run() {
    ASSIGN_OR_RETURN(info_, source_.Stat());
    if (options_.on_info)
      options_.on_info(info_);
    content_type_ = info_.content_type.empty() ? "application/octet-stream" : info_.content_type;
    RETURN_IF_ERROR(LoadState());
    if (state_) {
      part_size_ = state_->part_size;
    } else {
      ASSIGN_OR_RETURN(part_size_, ChoosePartSize(info_.size, options_.part_size));
      if (info_.size && *info_.size <= part_size_)
        return SinglePut();
    }
    Status s = info_.local_path.empty() ? StreamParts() : FileParts();
    if (s.ok())
      s = Complete();
    if (s.ok())
      return outcome_;
    if (state_ && (state_path_.empty() || !info_.resumable())) {
      // Nothing could check the source next time: don't leave an upload behind.
      (void)dest_.AbortMultipartUpload(bucket_, key_, state_->upload_id);
      if (!state_path_.empty())
        (void)RemoveUploadState(state_path_);
    } else if (state_) {
      const std::size_t n = state_->parts.size();
      std::string parts = std::to_string(n);
      if (info_.size)
        parts += " of " + std::to_string(PartCount(*info_.size, part_size_)) + " parts";
      else
        parts += n == 1 ? " part" : " parts";
      s = Status(s.code(), resource_ + ": " + s.message() + "; " + parts +
                               " uploaded: run the same command again to resume")
              .WithReason(s.reason());
    }
    return s;
  }

 private:
  void Message(const std::string& m) const {
    if (options_.on_message)
      options_.on_message(m);
  }

  // Adopts the state of an interrupted upload when the source and the server still agree with it.
  Status LoadState() {
    if (state_path_.empty())
      return Status::Ok();
    Result<std::optional<UploadState>> loaded = LoadUploadState(state_path_);
    if (!loaded.ok()) {
      Message("ignoring an unreadable resume file: " + loaded.error().message());
      return RemoveUploadState(state_path_);
    }
    if (!*loaded)
      return Status::Ok();
    UploadState old = std::move(**loaded);
    if (!info_.resumable() || old.source_identity != info_.identity) {
      Message(source_.name() +
              (info_.resumable() ? " changed since the interrupted import"
                                 : " has no ETag or Last-Modified to resume by") +
              "; starting over");
      (void)dest_.AbortMultipartUpload(bucket_, key_, old.upload_id);
      return RemoveUploadState(state_path_);
    }
    Result<std::vector<UploadedPart>> listed = dest_.ListParts(bucket_, key_, old.upload_id);
    if (!listed.ok()) {
      if (listed.error().code() != StatusCode::kNotFound)
        return listed.error().WithContext("checking the interrupted upload of " + resource_);
      Message("the interrupted upload of " + resource_ + " is gone from the server; starting over");
      return RemoveUploadState(state_path_);
    }
    std::sort(old.parts.begin(), old.parts.end(),
              [](const auto& a, const auto& b) { return a.number < b.number; });
    const int done = DonePrefix(old.parts, *listed, old.part_size, info_.size);
    old.parts.resize(static_cast<std::size_t>(done));
    std::uint64_t kept = 0;
    for (const UploadedPart& p : old.parts)
      kept += p.size;
    Message("resuming " + resource_ + ": " + std::to_string(done) +
            (done == 1 ? " part (" : " parts (") + Mb(kept) +
            ") already uploaded, continuing from part " + std::to_string(done + 1));
    outcome_.resumed_parts = done;
    if (options_.on_skipped)
      options_.on_skipped(kept);
    state_ = std::move(old);
    return Status::Ok();
  }

  Result<UploadOutcome> SinglePut() {
    const std::uint64_t size = *info_.size;
    if (!info_.local_path.empty()) {
      ASSIGN_OR_RETURN(outcome_.etag,
                       dest_.PutObject(bucket_, key_, RequestBody::File(info_.local_path, 0, size),
                                       content_type_));
      RETURN_IF_ERROR(CheckUnchanged());
    } else {
      buffer_.reserve(static_cast<std::size_t>(size));
      RETURN_IF_ERROR(source_.ReadFrom(0, [&](std::string_view chunk) -> Status {
        if (buffer_.size() + chunk.size() > size)
          return Status::FailedPrecondition(source_.name() + " is longer than the " +
                                            std::to_string(size) + " bytes it announced")
              .WithReason("SourceChanged");
        buffer_.append(chunk);
        return Status::Ok();
      }));
      RETURN_IF_ERROR(CheckLength(buffer_.size()));
      ASSIGN_OR_RETURN(outcome_.etag,
                       dest_.PutObject(bucket_, key_, RequestBody::Memory(buffer_), content_type_));
    }
    if (options_.on_bytes)
      options_.on_bytes(size);
    outcome_.size = size;
    return outcome_;
  }

  Status CheckLength(std::uint64_t got) const {
    if (info_.size && got != *info_.size)
      return Status::IoError(source_.name() + " delivered " + std::to_string(got) + " of " +
                             std::to_string(*info_.size) + " bytes");
    return Status::Ok();
  }

  Status CheckUnchanged() {
    if (info_.local_path.empty())
      return Status::Ok();
    ASSIGN_OR_RETURN(SourceInfo now, source_.Stat());
    if (now.identity != info_.identity)
      return Status::FailedPrecondition(source_.name() + " changed while it was being imported")
          .WithReason("SourceChanged");
    return Status::Ok();
  }

  Status EnsureUpload() {
    if (state_)
      return Status::Ok();
    ASSIGN_OR_RETURN(std::string id, dest_.CreateMultipartUpload(bucket_, key_, content_type_));
    state_ =
        UploadState{source_.name(), options_.destination_name, id, part_size_, info_.identity, {}};
    return SaveState();
  }

  Status SaveState() {
    if (state_path_.empty())
      return Status::Ok();
    return SaveUploadState(state_path_, *state_);
  }

  Status Record(std::string etag, std::uint64_t size) {
    state_->parts.push_back(
        UploadedPart{static_cast<int>(state_->parts.size()) + 1, std::move(etag), size});
    return SaveState();
  }

  // Local files: each missing part straight from its file range.
  Status FileParts() {
    const std::uint64_t size = *info_.size;
    const int count = PartCount(size, part_size_);
    RETURN_IF_ERROR(EnsureUpload());
    for (int n = static_cast<int>(state_->parts.size()) + 1; n <= count; ++n) {
      const PartRange r = PartAt(size, part_size_, n);
      ASSIGN_OR_RETURN(std::string etag,
                       dest_.UploadPart(bucket_, key_, state_->upload_id, n,
                                        RequestBody::File(info_.local_path, r.offset, r.length)));
      RETURN_IF_ERROR(Record(std::move(etag), r.length));
      if (options_.on_bytes)
        options_.on_bytes(r.length);
    }
    outcome_.size = size;
    return CheckUnchanged();
  }

  // Uploads `part` as the next part (creating the upload first if needed) and records it.
  Status UploadNextPart(const std::string& part) {
    RETURN_IF_ERROR(EnsureUpload());
    const int n = static_cast<int>(state_->parts.size()) + 1;
    if (n > kMaxParts)
      return Status::InvalidArgument(source_.name() + " is longer than 10,000 parts of " +
                                     std::to_string(part_size_ / kMiB) +
                                     " MiB; pass a larger --part-size");
    ASSIGN_OR_RETURN(std::string etag, dest_.UploadPart(bucket_, key_, state_->upload_id, n,
                                                        RequestBody::Memory(part)));
    return Record(std::move(etag), part.size());
  }

  // Remote sources: read from the first missing part on; each full part buffer goes to the
  // pipeline's worker (which alone touches dest_ and state_ until Drain) while reading goes on.
  Status StreamParts() {
    Status s = StreamInto();
    if (s.ok() && state_ && (!buffer_.empty() || state_->parts.empty()))
      s = UploadNextPart(buffer_);
    return s;
  }

  Status StreamInto() {
    std::uint64_t start = 0;
    if (state_) {
      for (const UploadedPart& p : state_->parts)
        start += p.size;
    }
    PartPipeline pipeline([this](const std::string& part) { return UploadNextPart(part); });
    std::uint64_t read = start;
    buffer_.reserve(static_cast<std::size_t>(part_size_));
    Status read_status = source_.ReadFrom(start, [&](std::string_view chunk) -> Status {
      read += chunk.size();
      if (options_.on_bytes)
        options_.on_bytes(chunk.size());
      while (!chunk.empty()) {
        // A full buffer is sent only once more bytes arrive: the last part is never empty.
        if (buffer_.size() == part_size_) {
          RETURN_IF_ERROR(pipeline.Push(buffer_));
          buffer_.reserve(static_cast<std::size_t>(part_size_));
        }
        const std::size_t n = static_cast<std::size_t>(
            std::min<std::uint64_t>(chunk.size(), part_size_ - buffer_.size()));
        buffer_.append(chunk.substr(0, n));
        chunk.remove_prefix(n);
      }
      return Status::Ok();
    });
    // Let the part in flight finish (and be recorded) before reporting anything.
    const Status upload_status = pipeline.Drain();
    RETURN_IF_ERROR(upload_status);
    RETURN_IF_ERROR(read_status);
    RETURN_IF_ERROR(CheckLength(read));
    outcome_.size = read;
    if (!state_) {
      // The stream fit in one part: no multipart upload was needed.
      ASSIGN_OR_RETURN(outcome_.etag,
                       dest_.PutObject(bucket_, key_, RequestBody::Memory(buffer_), content_type_));
    }
    return Status::Ok();
  }

  Status Complete() {
    if (!outcome_.etag.empty())
      return Status::Ok();  // StreamParts sent it with a single PutObject
    outcome_.parts = static_cast<int>(state_->parts.size());
    Result<std::string> etag =
        dest_.CompleteMultipartUpload(bucket_, key_, state_->upload_id, state_->parts);
    if (!etag.ok() && etag.error().reason() == "NoSuchUpload") {
      // A retried Complete whose first attempt succeeded: the object is there with our parts.
      const std::string suffix = "-" + std::to_string(outcome_.parts) + "\"";
      Result<S3ObjectInfo> head = dest_.HeadObject(bucket_, key_);
      if (head.ok() && head->size == outcome_.size && head->etag.size() > suffix.size() &&
          head->etag.compare(head->etag.size() - suffix.size(), suffix.size(), suffix) == 0)
        etag = head->etag;
    }
    if (!etag.ok())
      return etag.error();
    outcome_.etag = *etag;
    if (!state_path_.empty())
      RETURN_IF_ERROR(RemoveUploadState(state_path_));
    return Status::Ok();
  }

  ObjectSource& source_;
  S3Client& dest_;
  const std::string& bucket_;
  const std::string& key_;
  const UploadObjectOptions& options_;
  std::string resource_;
  std::string state_path_;
  SourceInfo info_;
  std::string content_type_;
  std::uint64_t part_size_ = 0;
  std::optional<UploadState> state_;
  std::string buffer_;
  UploadOutcome outcome_;
};

}  // namespace

Result<UploadOutcome> UploadObject(ObjectSource& source, S3Client& dest, const std::string& bucket,
                                   const std::string& key, const UploadObjectOptions& options) {
  return Upload(source, dest, bucket, key, options).Run();
}

}  // namespace kiln
