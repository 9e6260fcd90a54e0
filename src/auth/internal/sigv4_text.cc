#include "auth/internal/sigv4_text.h"

#include <algorithm>
#include <cstdio>

#include "auth/sigv4.h"
#include "common/digest.h"

namespace kiln::auth_internal {
namespace {

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Trims and collapses internal whitespace runs to one space.
void AppendCollapsed(std::string_view v, std::string* out) {
  v = Trim(v);
  bool in_space = false;
  for (char c : v) {
    if (IsSpace(c)) {
      in_space = true;
      continue;
    }
    if (in_space)
      out->push_back(' ');
    in_space = false;
    out->push_back(c);
  }
}

bool ParseDigits(std::string_view s, int* out) {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9')
      return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = AsciiLower(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    // Equal bytes need no case folding (the common case: names sent as signed, in lower case).
    if (a[i] != b[i] && AsciiLower(a[i]) != AsciiLower(b[i]))
      return false;
  }
  return true;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front()))
    s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back()))
    s.remove_suffix(1);
  return s;
}

bool AppendHeaderValue(HeaderSpan headers, std::string_view name, bool canonical,
                       std::string* out) {
  bool found = false;
  for (const auto& [k, v] : headers) {
    if (!EqualsIgnoreCase(k, name))
      continue;
    if (found)
      out->push_back(',');
    found = true;
    if (canonical)
      AppendCollapsed(v, out);
    else
      out->append(v);
  }
  return found;
}

std::optional<std::string> HeaderValue(HeaderSpan headers, std::string_view name, bool canonical) {
  std::string out;
  if (!AppendHeaderValue(headers, name, canonical, &out))
    return std::nullopt;
  return out;
}

SplitTarget SplitRequestTarget(std::string_view target) {
  SplitTarget out;
  std::size_t q = target.find('?');
  out.path = target.substr(0, q);
  if (q != std::string_view::npos)
    out.query = target.substr(q + 1);
  if (out.path.empty())
    out.path = "/";
  return out;
}

std::vector<std::pair<std::string_view, std::string_view>> SplitQuery(std::string_view query) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  if (query.empty())
    return out;
  while (true) {
    std::size_t amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    std::size_t eq = part.find('=');
    if (eq == std::string_view::npos)
      out.emplace_back(part, std::string_view());
    else
      out.emplace_back(part.substr(0, eq), part.substr(eq + 1));
    if (amp == std::string_view::npos)
      break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

std::string CanonicalQuery(std::string_view query, bool skip_signature) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& [k, v] : SplitQuery(query)) {
    std::string key = UriDecode(k);
    if (skip_signature && key == "X-Amz-Signature")
      continue;
    pairs.emplace_back(UriEncode(key, false), UriEncode(UriDecode(v), false));
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [k, v] : pairs) {
    if (!out.empty())
      out.push_back('&');
    out += k;
    out.push_back('=');
    out += v;
  }
  return out;
}

std::optional<std::chrono::system_clock::time_point> ParseAmzDate(std::string_view s) {
  using namespace std::chrono;
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z')
    return std::nullopt;
  int y, mo, d, h, mi, sec;
  if (!ParseDigits(s.substr(0, 4), &y) || !ParseDigits(s.substr(4, 2), &mo) ||
      !ParseDigits(s.substr(6, 2), &d) || !ParseDigits(s.substr(9, 2), &h) ||
      !ParseDigits(s.substr(11, 2), &mi) || !ParseDigits(s.substr(13, 2), &sec)) {
    return std::nullopt;
  }
  year_month_day ymd{year(y), month(static_cast<unsigned>(mo)), day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 59)
    return std::nullopt;
  return time_point_cast<system_clock::duration>(sys_days(ymd) + hours(h) + minutes(mi) +
                                                 seconds(sec));
}

std::string FormatAmzDate(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  auto secs = floor<seconds>(t);
  auto days = floor<std::chrono::days>(secs);
  year_month_day ymd(days);
  hh_mm_ss<seconds> hms(secs - days);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

void AppendCredentialScope(std::string_view date, std::string_view region, std::string_view service,
                           std::string* out) {
  out->append(date);
  out->push_back('/');
  out->append(region);
  out->push_back('/');
  out->append(service);
  out->append("/aws4_request");
}

std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service) {
  std::string out;
  AppendCredentialScope(date, region, service, &out);
  return out;
}

std::string ComputeSignature(std::string_view secret, std::string_view amz_date,
                             std::string_view scope_date, std::string_view region,
                             std::string_view service, std::string_view canonical_request) {
  std::string string_to_sign = "AWS4-HMAC-SHA256\n";
  string_to_sign += amz_date;
  string_to_sign.push_back('\n');
  string_to_sign += CredentialScope(scope_date, region, service);
  string_to_sign.push_back('\n');
  string_to_sign += Sha256Hex(canonical_request);

  std::string key = HmacSha256("AWS4" + std::string(secret), scope_date);
  key = HmacSha256(key, region);
  key = HmacSha256(key, service);
  key = HmacSha256(key, "aws4_request");
  return HexEncode(HmacSha256(key, string_to_sign));
}

bool IsLowerHex(std::string_view s, std::size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace kiln::auth_internal
