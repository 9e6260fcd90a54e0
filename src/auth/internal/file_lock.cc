#include "auth/internal/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>

#include "common/file_util.h"

namespace kiln::auth_internal {

Result<FileLock> FileLock::Acquire(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return ErrnoStatus("cannot open lock file", path);
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      Status s = ErrnoStatus("cannot lock", path);
      ::close(fd);
      return s;
    }
  }
  return FileLock(fd);
}

FileLock::~FileLock() {
  if (fd_ >= 0)
    ::close(fd_);  // releases the flock
}

}  // namespace kiln::auth_internal
