// KeyStore: the access keys that may sign requests to a Kiln server, kept in the data dir.
//
// One JSON file (`<data-dir>/keys.json`, mode 0600, written atomically). The server and the
// `kiln keys` command share it: SecretFor re-reads the file when it changed on disk, so a key
// created while the server runs works on its first request and a deleted one stops working within
// kRecheckInterval. SecretFor is on every request's path, so it looks at the file at most once per
// interval (and again before answering "unknown key"), not on every call. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/sigv4.h"
#include "common/status.h"

namespace kiln {

struct AccessKey {
  std::string access_key_id;      // "KILN" + 16 upper-case letters/digits
  std::string secret_access_key;  // 40 characters, [A-Za-z0-9+/]
  std::int64_t created_unix = 0;
  std::string description;
};

class KeyStore final : public SecretLookup {
 public:
  // Opens (or creates, empty) the key file at `path`. Corruption if it does not parse.
  static Result<std::unique_ptr<KeyStore>> Open(const std::string& path);

  // Creates a random key and saves it.
  Result<AccessKey> Create(std::string description);
  // Adds or replaces a key with a chosen id and secret (e.g. KILN_ROOT_ACCESS_KEY_ID/_SECRET_...).
  // InvalidArgument if the id is not 16-128 characters of [A-Za-z0-9] or the secret is shorter
  // than 16 or longer than 128 characters.
  Status Put(const AccessKey& key);
  Status Delete(std::string_view access_key_id);  // NotFound if absent
  Result<std::vector<AccessKey>> List() const;    // sorted by creation time, then id

  std::optional<std::string> SecretFor(std::string_view access_key_id) const override;

  // How stale SecretFor's view of the file may be for a key it already knows.
  static constexpr std::chrono::milliseconds kRecheckInterval{100};

 private:
  explicit KeyStore(std::string path) : path_(std::move(path)) {}
  // Reloads keys_ when the file's mtime or size changed. REQUIRES mu_ held.
  Status RefreshLocked() const;
  Status SaveLocked() const;

  const std::string path_;
  mutable std::mutex mu_;
  mutable std::vector<AccessKey> keys_;  // GUARDED_BY(mu_)
  mutable std::int64_t file_mtime_ns_ = -1;
  mutable std::int64_t file_size_ = -1;
  // When SecretFor last looked at the file. GUARDED_BY(mu_)
  mutable std::chrono::steady_clock::time_point last_check_{};
};

}  // namespace kiln
