// An advisory inter-process lock, so two processes editing the key file (the server and a
// concurrent `kiln keys create`) do not lose each other's change. Thread-compatible: a FileLock is
// owned by one thread.
#pragma once

#include <string>

#include "common/status.h"

namespace kiln::auth_internal {

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
