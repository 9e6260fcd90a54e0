// The local-file ObjectSource: stat for the identity, pread for the bytes. Not thread-safe.
#include "s3client/object_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kiln {
namespace {

std::string FileIdentity(const struct stat& st) {
  return "size=" + std::to_string(st.st_size) + ";mtime_ns=" +
         std::to_string(static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000LL +
                        st.st_mtim.tv_nsec);
}

class LocalFileSource final : public ObjectSource {
 public:
  explicit LocalFileSource(std::string path) : path_(std::move(path)) {}

  std::string name() const override { return path_; }

  Result<SourceInfo> Stat() override {
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) {
      const int err = errno;
      if (err == ENOENT || err == ENOTDIR)
        return Status::NotFound(path_ + ": no such file");
      return Status::IoError(path_ + ": " + std::strerror(err));
    }
    if (!S_ISREG(st.st_mode))
      return Status::InvalidArgument(path_ + " is not a regular file");
    SourceInfo info;
    info.size = static_cast<std::uint64_t>(st.st_size);
    info.identity = FileIdentity(st);
    info.local_path = path_;
    identity_ = info.identity;
    return info;
  }

  Status ReadFrom(std::uint64_t offset, const BodySink& sink) override {
    const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return Status::IoError("cannot open " + path_ + ": " + std::strerror(errno));
    struct Closer {
      int fd;
      ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0 || (!identity_.empty() && FileIdentity(st) != identity_))
      return Status::FailedPrecondition(path_ + " changed while it was being imported")
          .WithReason("SourceChanged");
    std::string buf(1 << 20, '\0');
    while (true) {
      const ssize_t n = ::pread(fd, buf.data(), buf.size(), static_cast<off_t>(offset));
      if (n < 0) {
        if (errno == EINTR)
          continue;
        return Status::IoError("cannot read " + path_ + ": " + std::strerror(errno));
      }
      if (n == 0)
        return Status::Ok();
      offset += static_cast<std::uint64_t>(n);
      RETURN_IF_ERROR(sink(std::string_view(buf.data(), static_cast<std::size_t>(n))));
    }
  }

 private:
  std::string path_;
  std::string identity_;
};

}  // namespace

std::unique_ptr<ObjectSource> NewLocalFileSource(std::string path) {
  return std::make_unique<LocalFileSource>(std::move(path));
}

}  // namespace kiln
