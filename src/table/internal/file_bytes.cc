#include "table/internal/file_bytes.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <vector>

#include "common/file_util.h"
#include "table/internal/prefault.h"

namespace kiln::table_internal {
namespace {

// The error ReadFile returns for a failed system call.
Status ErrnoStatus(const char* what, const std::string& path) {
  int e = errno;
  std::string message = std::string(what) + " \"" + path + "\": " + std::strerror(e);
  if (e == ENOENT)
    return Status::NotFound(message);
  return Status::IoError(message);
}

// Closes the descriptor when it goes out of scope.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  ~FdCloser() { ::close(fd_); }

 private:
  int fd_;
};

// Files from this size on go to huge pages.
constexpr std::size_t kHugeFileBytes = 8 << 20;
constexpr std::size_t kHugePage = 2 << 20;

std::size_t RoundUp(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

}  // namespace

FileBytes& FileBytes::operator=(FileBytes&& other) noexcept {
  if (this == &other)
    return *this;
  Release();
  heap_ = std::move(other.heap_);
  map_ = other.map_;
  map_bytes_ = other.map_bytes_;
  data_ = other.data_;
  size_ = other.size_;
  fallback_ = std::move(other.fallback_);
  other.map_ = nullptr;
  other.map_bytes_ = 0;
  other.data_ = nullptr;
  other.size_ = 0;
  return *this;
}

void FileBytes::Release() {
  if (map_ != nullptr)
    ::munmap(map_, map_bytes_);
  map_ = nullptr;
  heap_.reset();
  data_ = nullptr;
}

void FileBytes::Allocate(std::size_t size) {
  if (size >= kHugeFileBytes) {
    // One huge page more than needed, to start the buffer at a huge page boundary.
    const std::size_t bytes = RoundUp(size, kHugePage) + kHugePage;
    void* map = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map != MAP_FAILED) {
      map_ = map;
      map_bytes_ = bytes;
      auto start = RoundUp(reinterpret_cast<std::uintptr_t>(map), kHugePage);
      data_ = reinterpret_cast<char*>(start);
#if defined(MADV_HUGEPAGE)
      // A hint: without transparent huge pages the buffer is plain pages.
      ::madvise(data_, RoundUp(size, kHugePage), MADV_HUGEPAGE);
#endif
      return;
    }
  }
  heap_ = std::make_unique_for_overwrite<char[]>(size);
  data_ = heap_.get();
  PrefaultPages(data_, size);
}

Result<FileBytes> FileBytes::Read(const std::string& path, WorkerPool& pool) {
  FileBytes bytes;
  auto read_file = [&]() -> Result<FileBytes> {
    bytes.Release();
    ASSIGN_OR_RETURN(bytes.fallback_, ReadFile(path));
    return std::move(bytes);
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return ErrnoStatus("cannot open", path);
  FdCloser closer(fd);
  struct stat st {};
  const bool known = ::fstat(fd, &st) == 0;
  if (known && S_ISDIR(st.st_mode)) {
    errno = EISDIR;  // what read() reports
    return ErrnoStatus("cannot read", path);
  }
  if (!known || !S_ISREG(st.st_mode) || st.st_size <= 0)
    return read_file();
  const auto size = static_cast<std::size_t>(st.st_size);
  bytes.Allocate(size);
  // Pieces start at huge page boundaries, so threads fault in pages of their own.
  const std::size_t pieces =
      size >= kHugeFileBytes ? static_cast<std::size_t>(std::max(1, pool.threads())) : 1;
  std::vector<std::size_t> bounds(pieces + 1, size);
  for (std::size_t k = 0; k < pieces; ++k)
    bounds[k] = std::min(size, RoundUp(size / pieces * k, kHugePage));
  struct Piece {
    bool complete = false;
    int error = 0;
  };
  std::vector<Piece> read(pieces);
  pool.Run(pieces, [&](std::size_t k) {
    std::size_t at = bounds[k];
    while (at < bounds[k + 1]) {
      ssize_t n = ::pread(fd, bytes.data_ + at, bounds[k + 1] - at, static_cast<off_t>(at));
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0) {
        read[k].error = errno;
        return;
      }
      if (n == 0)
        return;  // the file shrank
      at += static_cast<std::size_t>(n);
    }
    read[k].complete = true;
  });
  bool complete = true;
  for (const Piece& piece : read) {
    if (piece.error != 0) {
      errno = piece.error;
      return ErrnoStatus("cannot read", path);
    }
    complete = complete && piece.complete;
  }
  char probe;
  ssize_t n;
  while ((n = ::pread(fd, &probe, 1, static_cast<off_t>(size))) < 0 && errno == EINTR) {
  }
  if (!complete || n != 0)
    return read_file();  // the file changed while read (or the probe failed): read it again
  bytes.size_ = size;
  return bytes;
}

}  // namespace kiln::table_internal
