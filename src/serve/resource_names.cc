#include "serve/resource_names.h"

namespace kiln {
namespace {

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

Status CheckResourceName(std::string_view field, std::string_view name) {
  const auto error = [&](std::string_view constraint) {
    return Status::InvalidArgument("1 validation error detected: Value '" + std::string(name) +
                                   "' at '" + std::string(field) +
                                   "' failed to satisfy constraint: " + std::string(constraint));
  };
  if (name.empty() || name.size() > 63)
    return error("Member must have length between 1 and 63");
  bool ok = IsAlnum(name.front()) && IsAlnum(name.back());
  for (char c : name)
    ok = ok && (IsAlnum(c) || c == '-');
  if (!ok) {
    return error(
        "Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");
  }
  return Status::Ok();
}

std::string SageMakerArn(std::string_view region, std::string_view account, std::string_view type,
                         std::string_view name) {
  std::string arn = "arn:aws:sagemaker:" + std::string(region) + ":" + std::string(account) + ":" +
                    std::string(type) + "/";
  for (char c : name)
    arn += Lower(c);
  return arn;
}

Result<S3ObjectRef> ParseS3ObjectUrl(std::string_view field, std::string_view url) {
  constexpr std::string_view kScheme = "s3://";
  const auto bad = [&]() {
    return Status::InvalidArgument(std::string(field) + " \"" + std::string(url) +
                                   "\" is not an S3 object URL; use s3://bucket/key");
  };
  if (!url.starts_with(kScheme))
    return bad();
  const std::string_view rest = url.substr(kScheme.size());
  const std::size_t slash = rest.find('/');
  if (slash == 0 || slash == std::string_view::npos || slash + 1 == rest.size())
    return bad();
  return S3ObjectRef{std::string(rest.substr(0, slash)), std::string(rest.substr(slash + 1))};
}

}  // namespace kiln
