#include "store/internal/names.h"

#include <cstdint>
#include <string>

namespace kiln::store_internal {
namespace {

Status BadBucket(std::string_view name, const std::string& rule) {
  return Status::InvalidArgument("invalid bucket name \"" + std::string(name) + "\": " + rule)
      .WithReason("InvalidBucketName");
}

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// "192.168.5.4": four dot-separated runs of digits.
bool LooksLikeIpv4(std::string_view s) {
  int groups = 0;
  std::size_t i = 0;
  while (true) {
    std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9')
      ++i;
    if (i == start)
      return false;
    ++groups;
    if (i == s.size())
      return groups == 4;
    if (s[i] != '.')
      return false;
    ++i;
  }
}

}  // namespace

Status ValidateBucketName(std::string_view name) {
  if (name.size() < 3 || name.size() > 63)
    return BadBucket(name, "must be 3 to 63 characters long, not " + std::to_string(name.size()));
  for (char c : name) {
    if (!IsLowerAlnum(c) && c != '.' && c != '-')
      return BadBucket(name, "may contain only lower-case letters, digits, '.' and '-'");
  }
  if (!IsLowerAlnum(name.front()) || !IsLowerAlnum(name.back()))
    return BadBucket(name, "must start and end with a lower-case letter or a digit");
  if (name.find("..") != std::string_view::npos)
    return BadBucket(name, "must not contain two adjacent periods");
  if (LooksLikeIpv4(name))
    return BadBucket(name, "must not be formatted as an IP address");
  if (name.starts_with("xn--") || name.starts_with("sthree-"))
    return BadBucket(name, "must not start with \"xn--\" or \"sthree-\"");
  if (name.ends_with("-s3alias") || name.ends_with("--ol-s3"))
    return BadBucket(name, "must not end with \"-s3alias\" or \"--ol-s3\"");
  return Status::Ok();
}

Status ValidateObjectKey(std::string_view key) {
  if (key.empty())
    return Status::InvalidArgument("object key is empty").WithReason("InvalidArgument");
  if (key.size() > kMaxKeyBytes)
    return Status::InvalidArgument("object key is " + std::to_string(key.size()) +
                                   " bytes; the limit is " + std::to_string(kMaxKeyBytes))
        .WithReason("KeyTooLongError");
  if (!IsValidUtf8(key))
    return Status::InvalidArgument("object key is not valid UTF-8").WithReason("InvalidArgument");
  return Status::Ok();
}

bool IsValidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len;
    std::uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;  // continuation byte, overlong 2-byte lead (C0/C1), or F5..FF
    }
    if (n - i < len)
      return false;
    for (std::size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xC0) != 0x80)
        return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

}  // namespace kiln::store_internal
