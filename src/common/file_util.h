// Whole-file reads and atomic, durable writes.
//
// WriteFileAtomic writes to a temporary file beside the target, fsyncs it, renames it over the
// target and fsyncs the directory, so a reader sees either the old file or the complete new one,
// never a torn write, even if the process dies midway. Thread-compatible: concurrent writers of one
// path race on which complete version wins.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace kiln {

// Reads the whole file. NotFound if it does not exist, IoError on other failures.
Result<std::string> ReadFile(const std::string& path);

// Atomically replaces `path` with `contents` (see the header comment).
Status WriteFileAtomic(const std::string& path, std::string_view contents);

// Creates `dir` (and parents). With must_be_empty, an existing non-empty directory is AlreadyExists
// unless `overwrite`, in which case its contents are removed first.
Status PrepareOutputDir(const std::string& dir, bool overwrite);

}  // namespace kiln
