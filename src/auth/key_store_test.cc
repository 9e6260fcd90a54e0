// Tests for KeyStore: the key round trip, the file's mode, visibility of changes made by another
// instance (as by `kiln keys create` while the server runs), corruption handling and validation.
#include "auth/key_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <regex>
#include <set>
#include <thread>

#include "common/file_util.h"

namespace kiln {
namespace {

std::string TempDir() {
  auto p = std::filesystem::temp_directory_path() /
           ("kiln-keys-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p);
  return p.string();
}

std::unique_ptr<KeyStore> OpenOrDie(const std::string& path) {
  Result<std::unique_ptr<KeyStore>> store = KeyStore::Open(path);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

unsigned ModeOf(const std::string& path) {
  struct stat st;
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

AccessKey Key(std::string id, std::string secret) {
  AccessKey k;
  k.access_key_id = std::move(id);
  k.secret_access_key = std::move(secret);
  return k;
}

TEST(KeyStoreTest, CreateListDeleteRoundTrip) {
  const std::string path = TempDir() + "/keys.json";
  auto store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_TRUE(store->List().value().empty());

  AccessKey a = store->Create("laptop").value();
  AccessKey b = store->Create("ci").value();
  EXPECT_TRUE(std::regex_match(a.access_key_id, std::regex("KILN[A-Z0-9]{16}")));
  EXPECT_TRUE(std::regex_match(a.secret_access_key, std::regex("[A-Za-z0-9+/]{40}")));
  EXPECT_NE(a.access_key_id, b.access_key_id);
  EXPECT_NE(a.secret_access_key, b.secret_access_key);
  EXPECT_GT(a.created_unix, 1700000000);
  EXPECT_EQ(store->SecretFor(a.access_key_id), a.secret_access_key);

  std::vector<AccessKey> listed = store->List().value();
  ASSERT_EQ(listed.size(), 2u);
  const bool a_first = a.created_unix != b.created_unix ? a.created_unix < b.created_unix
                                                        : a.access_key_id < b.access_key_id;
  EXPECT_EQ(listed[0].access_key_id, a_first ? a.access_key_id : b.access_key_id);
  EXPECT_EQ(listed[a_first ? 0 : 1].description, "laptop");

  ASSERT_TRUE(store->Delete(a.access_key_id).ok());
  EXPECT_EQ(store->SecretFor(a.access_key_id), std::nullopt);
  EXPECT_EQ(store->Delete(a.access_key_id).code(), StatusCode::kNotFound);
  ASSERT_EQ(store->List().value().size(), 1u);

  // The file is the source of truth: a fresh instance reads the same keys.
  auto reopened = OpenOrDie(path);
  EXPECT_EQ(reopened->SecretFor(b.access_key_id), b.secret_access_key);
  EXPECT_EQ(reopened->List().value()[0].description, "ci");
}

TEST(KeyStoreTest, KeyFileIsOwnerOnlyWhateverTheUmask) {
  const std::string dir = TempDir();
  const std::string path = dir + "/keys.json";
  const mode_t old_umask = ::umask(0);
  auto store = OpenOrDie(path);
  EXPECT_EQ(ModeOf(path), 0600u);
  ASSERT_TRUE(store->Create("x").ok());
  ::umask(old_umask);
  EXPECT_EQ(ModeOf(path), 0600u);
  // Only the key file and its lock file remain: no temporary copies with secrets in them.
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    names.insert(e.path().filename().string());
  EXPECT_EQ(names, (std::set<std::string>{"keys.json", "keys.json.lock"}));
}

TEST(KeyStoreTest, AnotherInstanceSeesKeysCreatedAndDeletedThroughTheFile) {
  const std::string path = TempDir() + "/keys.json";
  auto server = OpenOrDie(path);
  auto cli = OpenOrDie(path);
  EXPECT_EQ(server->SecretFor("KILNAAAAAAAAAAAAAAAA"), std::nullopt);  // caches the empty file
  AccessKey k = cli->Create("made by the CLI").value();
  EXPECT_EQ(server->SecretFor(k.access_key_id), k.secret_access_key);
  ASSERT_TRUE(cli->Delete(k.access_key_id).ok());
  // A known key is trusted for up to kRecheckInterval without looking at the file.
  std::this_thread::sleep_for(KeyStore::kRecheckInterval + std::chrono::milliseconds(20));
  EXPECT_EQ(server->SecretFor(k.access_key_id), std::nullopt);
}

TEST(KeyStoreTest, AKnownKeyIsServedWithoutRereadingTheFileWithinTheInterval) {
  const std::string path = TempDir() + "/keys.json";
  auto server = OpenOrDie(path);
  auto cli = OpenOrDie(path);
  AccessKey k = cli->Create("k").value();
  ASSERT_EQ(server->SecretFor(k.access_key_id), k.secret_access_key);
  ASSERT_TRUE(cli->Delete(k.access_key_id).ok());
  // Within the interval the cached key still answers (this is the cost saving), unless the
  // lookup took longer than the interval on a loaded machine.
  const auto start = std::chrono::steady_clock::now();
  const std::optional<std::string> cached = server->SecretFor(k.access_key_id);
  if (std::chrono::steady_clock::now() - start < KeyStore::kRecheckInterval / 2) {
    EXPECT_EQ(cached, k.secret_access_key);
  }
}

TEST(KeyStoreTest, ConcurrentWritersThroughSeparateInstancesLoseNoKey) {
  const std::string path = TempDir() + "/keys.json";
  auto first = OpenOrDie(path);
  auto second = OpenOrDie(path);
  auto create = [](KeyStore* s) {
    for (int i = 0; i < 10; ++i)
      EXPECT_TRUE(s->Create("k").ok());
  };
  {
    std::jthread t1(create, first.get());
    std::jthread t2(create, second.get());
  }
  EXPECT_EQ(first->List().value().size(), 20u);
  EXPECT_EQ(OpenOrDie(path)->List().value().size(), 20u);
}

TEST(KeyStoreTest, KeepsTheLastGoodKeysWhileTheFileIsBroken) {
  const std::string path = TempDir() + "/keys.json";
  auto store = OpenOrDie(path);
  AccessKey k = store->Create("x").value();
  const std::string good = ReadFile(path).value();
  ASSERT_TRUE(WriteFileAtomic(path, "{\"keys\": [").ok());  // half-written by an editor
  EXPECT_EQ(store->SecretFor(k.access_key_id), k.secret_access_key);
  EXPECT_EQ(store->List().status().code(), StatusCode::kCorruption);
  EXPECT_EQ(store->Create("y").status().code(), StatusCode::kCorruption);  // nothing overwritten
  ASSERT_TRUE(WriteFileAtomic(path, good).ok());
  EXPECT_EQ(store->List().value().size(), 1u);
}

TEST(KeyStoreTest, UnparseableFileOnOpenIsCorruptionNamingTheFile) {
  const std::string dir = TempDir();
  const std::vector<std::string> bad = {
      "{not json",
      R"({"keys": 3})",
      R"({"version": 2, "keys": []})",
      R"({"keys": [{"access_key_id": "KILN0000000000000000"}]})",
      R"({"keys": [{"access_key_id": "short", "secret_access_key": "0123456789abcdef"}]})",
      R"({"keys": [{"access_key_id": "KILN0000000000000000", "secret_access_key": "0123456789abcdef"},
                   {"access_key_id": "KILN0000000000000000", "secret_access_key": "0123456789abcdeg"}]})",
  };
  for (std::size_t i = 0; i < bad.size(); ++i) {
    const std::string path = dir + "/keys" + std::to_string(i) + ".json";
    ASSERT_TRUE(WriteFileAtomic(path, bad[i]).ok());
    Result<std::unique_ptr<KeyStore>> store = KeyStore::Open(path);
    ASSERT_FALSE(store.ok()) << bad[i];
    EXPECT_EQ(store.error().code(), StatusCode::kCorruption) << bad[i];
    EXPECT_NE(store.error().message().find(path), std::string::npos) << store.error().message();
  }
}

TEST(KeyStoreTest, PutValidatesThenAddsOrReplaces) {
  auto store = OpenOrDie(TempDir() + "/keys.json");
  const std::string id16 = "ROOTKEY000000001";
  const std::string secret16 = "0123456789abcdef";
  for (const AccessKey& bad :
       {Key("ROOTKEY00000001", secret16), Key(std::string(129, 'A'), secret16),
        Key("ROOT-KEY00000001", secret16), Key(id16, "0123456789abcde"),
        Key(id16, std::string(129, 's')), Key(id16, secret16 + "\n")}) {
    EXPECT_EQ(store->Put(bad).code(), StatusCode::kInvalidArgument)
        << bad.access_key_id << " / " << bad.secret_access_key;
  }
  EXPECT_TRUE(store->List().value().empty());

  ASSERT_TRUE(store->Put(Key(id16, secret16)).ok());
  ASSERT_TRUE(store->Put(Key(std::string(128, 'z'), std::string(128, '/'))).ok());
  EXPECT_EQ(store->SecretFor(id16), secret16);
  ASSERT_TRUE(store->Put(Key(id16, "a-replaced-secret/+=")).ok());
  EXPECT_EQ(store->SecretFor(id16), "a-replaced-secret/+=");
  EXPECT_EQ(store->List().value().size(), 2u);
}

TEST(KeyStoreTest, CreatedKeysUseTheWholeAlphabet) {
  auto store = OpenOrDie(TempDir() + "/keys.json");
  std::set<char> id_chars, secret_chars;
  for (int i = 0; i < 30; ++i) {
    AccessKey k = store->Create("").value();
    id_chars.insert(k.access_key_id.begin() + 4, k.access_key_id.end());
    secret_chars.insert(k.secret_access_key.begin(), k.secret_access_key.end());
  }
  // 480 id and 1200 secret characters: missing a whole class by chance is below 1e-8.
  auto has = [](const std::set<char>& s, char lo, char hi) {
    return std::any_of(s.begin(), s.end(), [&](char c) { return c >= lo && c <= hi; });
  };
  EXPECT_TRUE(has(id_chars, 'A', 'Z') && has(id_chars, '0', '9'));
  EXPECT_FALSE(has(id_chars, 'a', 'z'));
  EXPECT_TRUE(has(secret_chars, 'a', 'z') && has(secret_chars, 'A', 'Z'));
  EXPECT_TRUE(secret_chars.count('+') && secret_chars.count('/'));
}

}  // namespace
}  // namespace kiln
