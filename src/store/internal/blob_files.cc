#include "store/internal/blob_files.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>
#include <vector>

#include "common/digest.h"
#include "common/file_util.h"

namespace kiln::store_internal {
namespace {

namespace fs = std::filesystem;

constexpr char kHex[] = "0123456789abcdef";

bool IsHexName(const std::string& name, std::size_t len) {
  if (name.size() != len)
    return false;
  for (char c : name) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  }
  return true;
}

Status MakeDir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
    return ErrnoStatus("cannot create directory", dir);
  return Status::Ok();
}

// Names of the entries of `dir` (not "." or "..").
Result<std::vector<std::string>> ListDir(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec))
    names.push_back(it->path().filename().string());
  if (ec)
    return Status::IoError("cannot list \"" + dir + "\": " + ec.message());
  return names;
}

}  // namespace

Result<std::unique_ptr<BlobFiles>> BlobFiles::Open(const std::string& root) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec)
    return Status::IoError("cannot create store directory \"" + root + "\": " + ec.message());
  RETURN_IF_ERROR(MakeDir(root + "/staging"));
  RETURN_IF_ERROR(MakeDir(root + "/blobs"));
  // All shards exist up front, so publishing a blob never creates a directory whose own entry
  // would need another fsync.
  for (int i = 0; i < 256; ++i) {
    std::string shard = root + "/blobs/" + kHex[i >> 4] + kHex[i & 15];
    RETURN_IF_ERROR(MakeDir(shard));
  }
  RETURN_IF_ERROR(FsyncDirectory(root + "/blobs"));
  RETURN_IF_ERROR(FsyncDirectory(root));

  std::string lock_path = root + "/LOCK";
  UniqueFd lock(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!lock.valid())
    return ErrnoStatus("cannot open lock file", lock_path);
  bool exclusive = ::flock(lock.get(), LOCK_EX | LOCK_NB) == 0;
  if (!exclusive) {
    while (::flock(lock.get(), LOCK_SH) != 0) {
      if (errno != EINTR)
        return ErrnoStatus("cannot lock", lock_path);
    }
  }
  return std::make_unique<BlobFiles>(root, std::move(lock), exclusive);
}

Status BlobFiles::ShareLock() {
  if (!exclusive_)
    return Status::Ok();
  while (::flock(lock_.get(), LOCK_SH) != 0) {
    if (errno != EINTR)
      return ErrnoStatus("cannot lock", root_ + "/LOCK");
  }
  exclusive_ = false;
  return Status::Ok();
}

Result<UniqueFd> BlobFiles::CreateStagingFile(std::string* path) const {
  *path = root_ + "/staging/" + HexEncode(RandomBytes(16)) + ".tmp";
  UniqueFd fd(::open(path->c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!fd.valid())
    return ErrnoStatus("cannot create staging file", *path);
  return fd;
}

std::string BlobFiles::NewBlobId() { return HexEncode(RandomBytes(16)); }

std::string BlobFiles::BlobPath(std::string_view blob_id) const {
  return root_ + "/blobs/" + std::string(blob_id.substr(0, 2)) + "/" + std::string(blob_id);
}

Status BlobFiles::Publish(const std::string& staging_path, std::string_view blob_id) const {
  std::string target = BlobPath(blob_id);
  if (::rename(staging_path.c_str(), target.c_str()) != 0)
    return ErrnoStatus("cannot move staging file to", target);
  return FsyncDirectory(root_ + "/blobs/" + std::string(blob_id.substr(0, 2)));
}

Result<UniqueFd> BlobFiles::OpenBlob(std::string_view blob_id) const {
  std::string path = BlobPath(blob_id);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid())
    return ErrnoStatus("cannot open blob", path);
  return fd;
}

void BlobFiles::Remove(std::string_view blob_id) const {
  std::string path = BlobPath(blob_id);
  (void)::unlink(path.c_str());
}

Status BlobFiles::ClearStaging() const {
  std::string dir = root_ + "/staging";
  ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(dir));
  for (const std::string& name : names) {
    std::string path = dir + "/" + name;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
      return ErrnoStatus("cannot delete staging file", path);
  }
  return Status::Ok();
}

Status BlobFiles::SweepBlobs(
    const std::function<Result<bool>(const std::string& blob_id)>& referenced) const {
  for (int i = 0; i < 256; ++i) {
    std::string shard = root_ + "/blobs/" + kHex[i >> 4] + kHex[i & 15];
    ASSIGN_OR_RETURN(std::vector<std::string> names, ListDir(shard));
    for (const std::string& name : names) {
      // Only files named like our blobs, in their own shard; anything else is not ours to delete.
      if (!IsHexName(name, 32) || name.compare(0, 2, shard.substr(shard.size() - 2)) != 0)
        continue;
      ASSIGN_OR_RETURN(bool used, referenced(name));
      if (!used)
        Remove(name);
    }
  }
  return Status::Ok();
}

}  // namespace kiln::store_internal
