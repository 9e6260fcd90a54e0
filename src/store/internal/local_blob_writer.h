// LocalBlobWriter: the BlobWriter of the local object store — streams a body into a staging file
// through MD5, SHA-256 and CRC32 in one pass, and fsyncs it on Finish. Past the first MiB, SHA-256
// and CRC32 run on a helper thread beside the MD5 + write(2) of the caller's thread (a bounded
// queue of copies), so a large PUT hashes on two cores instead of one.
//
// The store later moves the finished file into blobs/ (Publish) and calls MarkPublished, after
// which the writer no longer owns a file; an unpublished writer deletes its staging file when
// destroyed. Owned by one thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/digest.h"
#include "store/internal/unique_fd.h"
#include "store/object_store.h"

namespace kiln::store_internal {

class SideHasher;

class LocalBlobWriter final : public BlobWriter {
 public:
  // `owner` identifies the store that made it, so a store accepts only its own writers.
  LocalBlobWriter(const void* owner, std::string path, UniqueFd fd);
  ~LocalBlobWriter() override;

  Status Append(std::string_view bytes) override;
  Status Finish() override;  // idempotent once it succeeded
  std::uint64_t size() const override { return size_; }
  std::string md5_hex() const override { return HexEncode(md5_); }
  std::string sha256_hex() const override { return HexEncode(sha256_); }
  std::string crc32_base64() const override { return crc32_.Base64(); }

  const void* owner() const { return owner_; }
  bool finished() const { return finished_; }
  const std::string& path() const { return path_; }
  const std::string& md5_raw() const { return md5_; }  // 16 bytes after Finish
  // The staging file was moved away; the destructor must not delete anything.
  void MarkPublished() { published_ = true; }

 private:
  Status Flush();

  const void* const owner_;
  const std::string path_;
  UniqueFd fd_;
  std::string buffer_;
  Digest md5_digest_{Digest::Algorithm::kMd5};
  Digest sha256_digest_{Digest::Algorithm::kSha256};
  Crc32 crc32_;
  std::unique_ptr<SideHasher> side_;  // SHA-256 + CRC32 off-thread once the body is large
  std::uint64_t size_ = 0;
  std::string md5_;
  std::string sha256_;
  Status error_;  // sticky: the first write failure
  bool finished_ = false;
  bool published_ = false;
};

}  // namespace kiln::store_internal
