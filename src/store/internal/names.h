// Validation of S3 bucket names and object keys, with S3's error reason tokens.
//
// Keys are opaque byte strings to the store (never file names), so the only rules are S3's: 1 to
// 1024 bytes of valid UTF-8. Thread-safe (pure functions).
#pragma once

#include <cstddef>
#include <string_view>

#include "common/status.h"

namespace kiln::store_internal {

inline constexpr std::size_t kMaxKeyBytes = 1024;

// OK, or InvalidArgument with reason "InvalidBucketName" and a message naming the broken rule:
// 3-63 characters of a-z, 0-9, '.' and '-'; starts and ends with a letter or digit; no "..";
// not an IP address; no "xn--"/"sthree-" prefix, no "-s3alias"/"--ol-s3" suffix.
Status ValidateBucketName(std::string_view name);

// OK, or InvalidArgument with reason "KeyTooLongError" (over 1024 bytes) or "InvalidArgument"
// (empty, or not valid UTF-8).
Status ValidateObjectKey(std::string_view key);

// True for well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view text);

}  // namespace kiln::store_internal
