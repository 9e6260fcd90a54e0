// Whole-file reads and atomic, durable writes, and the POSIX helpers under them.
//
// WriteFileAtomic writes to a temporary file beside the target, fsyncs it, renames it over the
// target and fsyncs the directory, so a reader sees either the old file or the complete new one,
// never a torn write, even if the process dies midway. Thread-compatible: concurrent writers of one
// path race on which complete version wins.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace kiln {

// Reads the whole file. NotFound if it does not exist, IoError on other failures.
Result<std::string> ReadFile(const std::string& path);

// Atomically replaces `path` with `contents` (see the header comment). Without `mode` the file is
// created 0644 less the process umask, as open(2) does; with it, the file has exactly that mode
// from the moment it exists, whatever the umask (e.g. 0600 for a file of secrets).
Status WriteFileAtomic(const std::string& path, std::string_view contents,
                       std::optional<unsigned> mode = std::nullopt);

// fsyncs the directory `dir`, so the renames and unlinks in it are durable.
Status FsyncDirectory(const std::string& dir);

// Writes all of `data` to `fd`, retrying short writes and EINTR; IoError naming `path` on failure.
Status WriteAll(int fd, std::string_view data, const std::string& path);

// The current errno as `<what> "<path>": <strerror(errno)>`: NotFound for ENOENT, else IoError.
Status ErrnoStatus(const std::string& what, const std::string& path);

// Creates `dir` (and parents). With must_be_empty, an existing non-empty directory is AlreadyExists
// unless `overwrite`, in which case its contents are removed first.
Status PrepareOutputDir(const std::string& dir, bool overwrite);

}  // namespace kiln
