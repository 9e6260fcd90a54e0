// FileBytes: a whole file read into memory for parsing. A regular file is read straight into one
// buffer of its size, with no bounce buffer and no zero-fill first (for a CSV of many megabytes,
// each costs as much as a pass of the parser); a large one into 2 MiB transparent huge pages where
// the kernel offers them (a 20 MB file then takes 10 page faults instead of 5,000), by several
// threads at once (the copy from the page cache is most of the time). Anything else
// (a pipe, a file that grows while read) goes through kiln::ReadFile. Errors are ReadFile's
// ("cannot open", "cannot read"); a directory is "cannot read ...: Is a directory".
// Not thread-safe; immutable once read.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "table/internal/worker_pool.h"

namespace kiln::table_internal {

class FileBytes {
 public:
  FileBytes() = default;
  FileBytes(FileBytes&& other) noexcept { *this = std::move(other); }
  FileBytes& operator=(FileBytes&& other) noexcept;
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;
  ~FileBytes() { Release(); }

  // NotFound if `path` does not exist, IoError on other failures. A large file is read in pieces
  // on the pool's threads.
  static Result<FileBytes> Read(const std::string& path, WorkerPool& pool);

  std::string_view view() const {
    return data_ != nullptr ? std::string_view(data_, size_) : std::string_view(fallback_);
  }

 private:
  // Room for `size` bytes, uninitialized, at data_.
  void Allocate(std::size_t size);
  void Release();

  std::unique_ptr<char[]> heap_;  // the buffer of a small file
  void* map_ = nullptr;           // the mapping holding a large file's buffer
  std::size_t map_bytes_ = 0;
  char* data_ = nullptr;
  std::size_t size_ = 0;
  std::string fallback_;  // the file as read by ReadFile
};

}  // namespace kiln::table_internal
