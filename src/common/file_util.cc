#include "common/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

namespace kiln {

Status ErrnoStatus(const std::string& what, const std::string& path) {
  int e = errno;
  std::string msg = what + " \"" + path + "\": " + std::strerror(e);
  if (e == ENOENT)
    return Status::NotFound(msg);
  return Status::IoError(msg);
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return ErrnoStatus("cannot write", path);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status FsyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return ErrnoStatus("cannot open directory", dir);
  Status s;
  if (::fsync(fd) != 0)
    s = ErrnoStatus("cannot fsync directory", dir);
  ::close(fd);
  return s;
}

Result<std::string> ReadFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return ErrnoStatus("cannot open", path);
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::InvalidArgument("cannot read \"" + path + "\": it is a directory");
  }
  std::string out;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
    out.reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR)
        continue;
      Status s = ErrnoStatus("cannot read", path);
      ::close(fd);
      return s;
    }
    if (n == 0)
      break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

Status WriteFileAtomic(const std::string& path, std::string_view contents,
                       std::optional<unsigned> mode) {
  namespace fs = std::filesystem;
  fs::path target(path);
  fs::path dir = target.parent_path();
  if (dir.empty())
    dir = ".";
  std::random_device rd;
  std::string tmp =
      (dir / ("." + target.filename().string() + ".tmp-" + std::to_string(rd()))).string();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode.value_or(0644));
  if (fd < 0)
    return ErrnoStatus("cannot create", tmp);
  Status s;
  if (mode.has_value() && ::fchmod(fd, *mode) != 0)  // exactly `mode`, whatever the umask
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
  // Best effort: the new file is in place; a directory that cannot be fsync'd does not undo that.
  static_cast<void>(FsyncDirectory(dir.string()));
  return Status::Ok();
}

Status PrepareOutputDir(const std::string& dir, bool overwrite) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) {
      return Status::AlreadyExists("output path \"" + dir + "\" exists and is not a directory");
    }
    if (!fs::is_empty(dir, ec)) {
      if (!overwrite) {
        return Status::AlreadyExists("output directory \"" + dir +
                                     "\" is not empty; pass --overwrite to replace its contents");
      }
      for (const auto& entry : fs::directory_iterator(dir, ec)) {
        fs::remove_all(entry.path(), ec);
        if (ec)
          return Status::IoError("cannot remove \"" + entry.path().string() +
                                 "\": " + ec.message());
      }
    }
    return Status::Ok();
  }
  fs::create_directories(dir, ec);
  if (ec)
    return Status::IoError("cannot create directory \"" + dir + "\": " + ec.message());
  return Status::Ok();
}

}  // namespace kiln
