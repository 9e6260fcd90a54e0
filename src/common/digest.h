// Message digests and encodings used across Kiln: MD5 (S3 ETags), SHA-256 (SigV4, data hashes),
// CRC32 (S3 checksums), HMAC-SHA256 (SigV4 signing keys), hex and base64.
//
// The incremental digests wrap OpenSSL's EVP and zlib's crc32 so large objects are hashed as they
// stream, in one pass, without holding them in memory. Each Digest object is owned by one thread at
// a time; the free functions are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace kiln {

// An incremental MD5 or SHA-256. Update any number of times, then Final() once.
class Digest {
 public:
  enum class Algorithm { kMd5, kSha256 };
  explicit Digest(Algorithm algorithm);
  ~Digest();
  Digest(Digest&&) noexcept;
  Digest& operator=(Digest&&) noexcept;

  void Update(std::string_view bytes);
  // The raw digest bytes (16 for MD5, 32 for SHA-256). The object is spent afterwards.
  std::string Final();

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

// An incremental CRC32 (the zlib/IEEE polynomial, as S3's x-amz-checksum-crc32).
class Crc32 {
 public:
  void Update(std::string_view bytes);
  std::uint32_t value() const { return crc_; }
  // Base64 of the 4 big-endian bytes, as S3 sends it ("1,2,3\n4,5,6\n" -> "25/BtA==").
  std::string Base64() const;

 private:
  std::uint32_t crc_ = 0;
};

std::string Md5(std::string_view bytes);     // raw 16 bytes
std::string Sha256(std::string_view bytes);  // raw 32 bytes
std::string Sha256Hex(std::string_view bytes);
std::string HmacSha256(std::string_view key, std::string_view message);  // raw 32 bytes

std::string HexEncode(std::string_view bytes);  // lower case
std::string Base64Encode(std::string_view bytes);
// Standard base64 with padding; nullopt when `text` is not valid base64.
std::optional<std::string> Base64Decode(std::string_view text);

// `n` cryptographically random bytes (OpenSSL RAND_bytes).
std::string RandomBytes(std::size_t n);

// Compares in time independent of where the first difference is.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace kiln
