#include "auth/internal/private_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/digest.h"

namespace kiln::auth_internal {
namespace {

Status ErrnoStatus(const std::string& what, const std::string& path) {
  const int e = errno;
  std::string msg = what + " \"" + path + "\": " + std::strerror(e);
  return e == ENOENT ? Status::NotFound(msg) : Status::IoError(msg);
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return ErrnoStatus("cannot write", path);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::Ok();
}

}  // namespace

Status WritePrivateFileAtomic(const std::string& path, std::string_view contents) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  fs::path dir = target.parent_path();
  if (dir.empty())
    dir = ".";
  const std::string tmp =
      (dir / ("." + target.filename().string() + ".tmp-" + HexEncode(RandomBytes(8)))).string();
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return ErrnoStatus("cannot create", tmp);
  Status s;
  if (::fchmod(fd, 0600) != 0)  // exact mode whatever the umask
    s = ErrnoStatus("cannot chmod", tmp);
  if (s.ok())
    s = WriteAll(fd, contents, tmp);
  if (s.ok() && ::fsync(fd) != 0)
    s = ErrnoStatus("cannot fsync", tmp);
  ::close(fd);
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0)
    s = ErrnoStatus("cannot rename to", path);
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::Ok();
}

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
