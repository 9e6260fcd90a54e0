// BlobFiles: the files of an object store directory — `staging/` for bodies being received,
// `blobs/<2 hex>/<32 hex id>` for finished immutable content, and the `LOCK` file.
//
// Publishing a blob is fsync'd-file (done by the writer) + rename + fsync of the directory, so a
// published blob survives power loss before its SQLite row is committed. The LOCK file tells
// whether this is the only store instance (in any process) using the directory: only then is it
// safe to delete crash leftovers (staging files and blobs no row refers to), which another live
// instance could still be about to commit. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "store/internal/unique_fd.h"

namespace kiln::store_internal {

class BlobFiles {
 public:
  // Creates `root`, `root/staging` and the 256 blob shard directories as needed, and takes the
  // directory lock: exclusively when no other instance holds it (exclusive() is then true; call
  // ShareLock() after the cleanup), otherwise shared.
  static Result<std::unique_ptr<BlobFiles>> Open(const std::string& root);

  bool exclusive() const { return exclusive_; }
  // Turns the exclusive lock into a shared one so other instances may open the directory.
  Status ShareLock();

  // A new, empty staging file, open for writing; `*path` receives its name.
  Result<UniqueFd> CreateStagingFile(std::string* path) const;
  // A fresh random blob id (32 lower-case hex digits).
  static std::string NewBlobId();
  std::string BlobPath(std::string_view blob_id) const;
  // Moves a finished (fsync'd) staging file to blob `blob_id`, durably.
  Status Publish(const std::string& staging_path, std::string_view blob_id) const;
  // Opens a blob for reading; NotFound when the file does not exist.
  Result<UniqueFd> OpenBlob(std::string_view blob_id) const;
  // Deletes a blob file; best effort (a leftover is swept at the next exclusive Open).
  void Remove(std::string_view blob_id) const;

  // Cleanup after a crash; call only while exclusive(). ClearStaging deletes every staging file;
  // SweepBlobs deletes every blob for which `referenced(id)` is false, and fails on its error.
  Status ClearStaging() const;
  Status SweepBlobs(
      const std::function<Result<bool>(const std::string& blob_id)>& referenced) const;

  BlobFiles(std::string root, UniqueFd lock, bool exclusive)
      : root_(std::move(root)), lock_(std::move(lock)), exclusive_(exclusive) {}

 private:
  const std::string root_;
  UniqueFd lock_;
  bool exclusive_;
};

}  // namespace kiln::store_internal
