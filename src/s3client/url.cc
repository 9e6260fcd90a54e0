// Url and S3Uri parsing (see url.h). Pure functions, thread-safe.
#include "s3client/url.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "auth/sigv4.h"

namespace kiln {
namespace {

std::uint16_t DefaultPort(const std::string& scheme) { return scheme == "https" ? 443 : 80; }

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::string Url::HostHeader() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != DefaultPort(scheme))
    h += ":" + std::to_string(port);
  return h;
}

std::string Url::Origin() const { return scheme + "://" + HostHeader(); }

std::string Url::Path() const { return target.substr(0, target.find('?')); }

Result<Url> ParseUrl(std::string_view text) {
  const auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("\"" + std::string(text) + "\" is not a valid URL: " + why);
  };
  const std::size_t colon = text.find("://");
  if (colon == std::string_view::npos)
    return bad("expected http://host[:port]/path or https://...");
  Url url;
  url.scheme = Lower(text.substr(0, colon));
  if (url.scheme != "http" && url.scheme != "https")
    return bad("the scheme must be http or https");
  std::string_view rest = text.substr(colon + 3);
  const std::size_t slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  std::string_view target = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (const std::size_t hash = target.find('#'); hash != std::string_view::npos)
    target = target.substr(0, hash);
  if (authority.find('@') != std::string_view::npos)
    return bad("user:password@ in URLs is not supported");
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos)
      return bad("unterminated [IPv6] host");
    url.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return bad("junk after the [IPv6] host");
      port_text = after.substr(1);
    }
  } else {
    const std::size_t pc = authority.rfind(':');
    url.host = std::string(authority.substr(0, pc));
    if (pc != std::string_view::npos) {
      port_text = authority.substr(pc + 1);
      if (port_text.empty())
        return bad("the port is empty");
    }
  }
  if (url.host.empty())
    return bad("the host is empty");
  url.port = DefaultPort(url.scheme);
  if (!port_text.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || value == 0 ||
        value > 65535)
      return bad("the port must be a number from 1 to 65535");
    url.port = static_cast<std::uint16_t>(value);
  }
  url.target = target.empty() ? "/" : std::string(target);
  if (url.target.front() == '?')
    url.target.insert(url.target.begin(), '/');
  return url;
}

Result<Url> ResolveUrl(const Url& base, std::string_view location) {
  if (location.find("://") != std::string_view::npos)
    return ParseUrl(location);
  if (location.rfind("//", 0) == 0)
    return ParseUrl(base.scheme + ":" + std::string(location));
  Url url = base;
  if (!location.empty() && location.front() == '/') {
    url.target = std::string(location);
  } else {
    std::string path = base.Path();
    url.target = path.substr(0, path.rfind('/') + 1) + std::string(location);
  }
  return url;
}

Result<S3Uri> ParseS3Uri(std::string_view text) {
  if (text.rfind("s3://", 0) != 0)
    return Status::InvalidArgument("\"" + std::string(text) + "\" is not an s3://bucket/key URI");
  std::string_view rest = text.substr(5);
  const std::size_t slash = rest.find('/');
  S3Uri uri;
  uri.bucket = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos)
    uri.key = std::string(rest.substr(slash + 1));
  if (uri.bucket.empty())
    return Status::InvalidArgument("\"" + std::string(text) + "\" has no bucket name");
  return uri;
}

std::string LastPathSegment(std::string_view path) {
  path = path.substr(0, path.find('?'));
  return UriDecode(path.substr(path.rfind('/') + 1));
}

}  // namespace kiln
