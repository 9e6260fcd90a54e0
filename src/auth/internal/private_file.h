// Owner-only files for secrets: an atomic write whose file is mode 0600 from the moment it exists
// (common's WriteFileAtomic creates 0644, which would expose a secret until a later chmod), and
// an advisory inter-process lock so two processes editing the key file do not lose each other's
// change. Thread-compatible: a FileLock is owned by one thread.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace kiln::auth_internal {

// Atomically replaces `path` with `contents` (temporary file beside it, fsync, rename, directory
// fsync); the file is created with mode 0600 and keeps it.
Status WritePrivateFileAtomic(const std::string& path, std::string_view contents);

// An exclusive flock(2) on `path` (created 0600 if missing), held until destruction.
class FileLock {
 public:
  static Result<FileLock> Acquire(const std::string& path);
  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace kiln::auth_internal
