// KeyStore (see key_store.h). The file is
//   {"version": 1, "keys": [{"access_key_id": "KILN...", "secret_access_key": "...",
//                            "created_unix": 1764000000, "description": "..."}, ...]}
// Every change is a read-modify-write under an flock on `<path>.lock`, so the server and a
// concurrent `kiln keys create` never lose each other's key; the file itself is replaced
// atomically with mode 0600 from creation (WriteFileAtomic with a mode).
#include "auth/key_store.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>

#include "auth/internal/file_lock.h"
#include "common/digest.h"
#include "common/file_util.h"

namespace kiln {
namespace {

using json = nlohmann::json;
using auth_internal::FileLock;

constexpr std::string_view kIdAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr std::string_view kSecretAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// `n` characters drawn uniformly from `alphabet` (rejection sampling of random bytes).
std::string RandomChars(std::size_t n, std::string_view alphabet) {
  const unsigned m = static_cast<unsigned>(alphabet.size());
  const unsigned limit = 256 - 256 % m;  // bytes >= limit would bias the low symbols
  std::string out;
  while (out.size() < n) {
    for (char b : RandomBytes(n)) {
      const unsigned v = static_cast<unsigned char>(b);
      if (v < limit && out.size() < n)
        out.push_back(alphabet[v % m]);
    }
  }
  return out;
}

std::int64_t NowUnix() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Put's rules; an empty string when `key` satisfies them.
std::string KeyProblem(const AccessKey& key) {
  const std::string& id = key.access_key_id;
  const bool id_ok =
      id.size() >= 16 && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      });
  if (!id_ok)
    return "access key id \"" + id + "\" must be 16 to 128 characters of A-Z, a-z, 0-9";
  const std::string& secret = key.secret_access_key;
  if (secret.size() < 16 || secret.size() > 128) {
    return "the secret access key of " + id + " must be 16 to 128 characters long (it has " +
           std::to_string(secret.size()) + ")";
  }
  // Printable ASCII only: a stray newline from an environment variable would never match.
  if (!std::all_of(secret.begin(), secret.end(), [](char c) { return c >= 0x20 && c < 0x7f; }))
    return "the secret access key of " + id + " must be printable ASCII (no control characters)";
  return "";
}

Result<std::vector<AccessKey>> ParseKeyFile(const std::string& text, const std::string& path) {
  const std::string where = "key file \"" + path + "\"";
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    return Status::Corruption(where + " is not valid JSON (" + e.what() +
                              "); fix it or move it away to start with no keys");
  }
  if (!doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array())
    return Status::Corruption(where + " has no \"keys\" array");
  if (doc.contains("version") && doc["version"] != 1)
    return Status::Corruption(where + " has version " + doc["version"].dump() + "; expected 1");
  std::vector<AccessKey> keys;
  for (const json& k : doc["keys"]) {
    const std::string entry = where + ", key " + std::to_string(keys.size() + 1);
    if (!k.is_object() || !k.contains("access_key_id") || !k["access_key_id"].is_string() ||
        !k.contains("secret_access_key") || !k["secret_access_key"].is_string()) {
      return Status::Corruption(entry + ": needs string access_key_id and secret_access_key");
    }
    AccessKey key;
    key.access_key_id = k["access_key_id"].get<std::string>();
    key.secret_access_key = k["secret_access_key"].get<std::string>();
    if (k.contains("created_unix")) {
      if (!k["created_unix"].is_number_integer())
        return Status::Corruption(entry + ": created_unix is not an integer");
      key.created_unix = k["created_unix"].get<std::int64_t>();
    }
    if (k.contains("description")) {
      if (!k["description"].is_string())
        return Status::Corruption(entry + ": description is not a string");
      key.description = k["description"].get<std::string>();
    }
    if (std::string problem = KeyProblem(key); !problem.empty())
      return Status::Corruption(entry + ": " + problem);
    for (const AccessKey& other : keys) {
      if (other.access_key_id == key.access_key_id)
        return Status::Corruption(entry + ": access key id " + key.access_key_id + " repeats");
    }
    keys.push_back(std::move(key));
  }
  return keys;
}

std::string SerializeKeys(const std::vector<AccessKey>& keys) {
  json list = json::array();
  for (const AccessKey& k : keys) {
    list.push_back({{"access_key_id", k.access_key_id},
                    {"secret_access_key", k.secret_access_key},
                    {"created_unix", k.created_unix},
                    {"description", k.description}});
  }
  const json doc = {{"version", 1}, {"keys", std::move(list)}};
  // A description that is not UTF-8 is written with U+FFFD rather than failing the save.
  return doc.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

struct FileStamp {
  std::int64_t mtime_ns = -1;
  std::int64_t size = -1;
};

Result<FileStamp> StatFile(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    const int e = errno;
    std::string msg = "cannot stat key file \"" + path + "\": " + std::strerror(e);
    return e == ENOENT ? Status::NotFound(msg) : Status::IoError(msg);
  }
  return FileStamp{static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
                   static_cast<std::int64_t>(st.st_size)};
}

std::vector<AccessKey>::iterator FindKey(std::vector<AccessKey>& keys, std::string_view id) {
  return std::find_if(keys.begin(), keys.end(),
                      [&](const AccessKey& k) { return k.access_key_id == id; });
}

}  // namespace

Result<std::unique_ptr<KeyStore>> KeyStore::Open(const std::string& path) {
  std::unique_ptr<KeyStore> store(new KeyStore(path));  // private constructor
  std::lock_guard<std::mutex> lock(store->mu_);
  Result<FileStamp> stamp = StatFile(path);
  if (!stamp.ok() && stamp.error().code() == StatusCode::kNotFound) {
    ASSIGN_OR_RETURN(FileLock file_lock, FileLock::Acquire(path + ".lock"));
    if (!StatFile(path).ok())  // still missing now that we hold the lock
      RETURN_IF_ERROR(store->SaveLocked());
  }
  RETURN_IF_ERROR(store->RefreshLocked());
  return store;
}

Status KeyStore::RefreshLocked() const {
  ASSIGN_OR_RETURN(FileStamp stamp, StatFile(path_));
  if (stamp.mtime_ns == file_mtime_ns_ && stamp.size == file_size_)
    return Status::Ok();
  ASSIGN_OR_RETURN(std::string text, ReadFile(path_));
  ASSIGN_OR_RETURN(std::vector<AccessKey> keys, ParseKeyFile(text, path_));
  // The stamp was taken before the read: if the file changed in between, the next call re-reads.
  keys_ = std::move(keys);
  file_mtime_ns_ = stamp.mtime_ns;
  file_size_ = stamp.size;
  return Status::Ok();
}

Status KeyStore::SaveLocked() const {
  RETURN_IF_ERROR(WriteFileAtomic(path_, SerializeKeys(keys_), 0600));
  ASSIGN_OR_RETURN(FileStamp stamp, StatFile(path_));
  file_mtime_ns_ = stamp.mtime_ns;
  file_size_ = stamp.size;
  return Status::Ok();
}

Result<AccessKey> KeyStore::Create(std::string description) {
  AccessKey key;
  key.description = std::move(description);
  key.created_unix = NowUnix();
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(FileLock file_lock, FileLock::Acquire(path_ + ".lock"));
  RETURN_IF_ERROR(RefreshLocked());
  do {
    key.access_key_id = "KILN" + RandomChars(16, kIdAlphabet);
  } while (FindKey(keys_, key.access_key_id) != keys_.end());
  key.secret_access_key = RandomChars(40, kSecretAlphabet);
  keys_.push_back(key);
  if (Status s = SaveLocked(); !s.ok()) {
    keys_.pop_back();
    return s;
  }
  return key;
}

Status KeyStore::Put(const AccessKey& key) {
  if (std::string problem = KeyProblem(key); !problem.empty())
    return Status::InvalidArgument(problem);
  AccessKey stored = key;
  if (stored.created_unix == 0)
    stored.created_unix = NowUnix();
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(FileLock file_lock, FileLock::Acquire(path_ + ".lock"));
  RETURN_IF_ERROR(RefreshLocked());
  const std::vector<AccessKey> before = keys_;
  if (auto it = FindKey(keys_, stored.access_key_id); it != keys_.end())
    *it = std::move(stored);
  else
    keys_.push_back(std::move(stored));
  Status s = SaveLocked();
  if (!s.ok())
    keys_ = before;
  return s;
}

Status KeyStore::Delete(std::string_view access_key_id) {
  std::lock_guard<std::mutex> lock(mu_);
  ASSIGN_OR_RETURN(FileLock file_lock, FileLock::Acquire(path_ + ".lock"));
  RETURN_IF_ERROR(RefreshLocked());
  auto it = FindKey(keys_, access_key_id);
  if (it == keys_.end()) {
    return Status::NotFound("access key " + std::string(access_key_id) + " is not in \"" + path_ +
                            "\"; `kiln keys list` shows the keys");
  }
  const AccessKey removed = *it;
  const auto index = it - keys_.begin();
  keys_.erase(it);
  Status s = SaveLocked();
  if (!s.ok())
    keys_.insert(keys_.begin() + index, removed);
  return s;
}

Result<std::vector<AccessKey>> KeyStore::List() const {
  std::lock_guard<std::mutex> lock(mu_);
  RETURN_IF_ERROR(RefreshLocked());
  std::vector<AccessKey> out = keys_;
  std::sort(out.begin(), out.end(), [](const AccessKey& a, const AccessKey& b) {
    return a.created_unix != b.created_unix ? a.created_unix < b.created_unix
                                            : a.access_key_id < b.access_key_id;
  });
  return out;
}

std::optional<std::string> KeyStore::SecretFor(std::string_view access_key_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  const auto find = [&]() -> std::optional<std::string> {
    for (const AccessKey& k : keys_) {
      if (k.access_key_id == access_key_id)
        return k.secret_access_key;
    }
    return std::nullopt;
  };
  const auto now = std::chrono::steady_clock::now();
  const bool fresh = now - last_check_ < kRecheckInterval;
  if (fresh) {
    if (std::optional<std::string> secret = find())
      return secret;
  }
  // A file that is momentarily unreadable or half-edited leaves the last good keys in force.
  (void)RefreshLocked();
  last_check_ = now;
  return find();
}

}  // namespace kiln
