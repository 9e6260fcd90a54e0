// AWS Signature Version 4, server and client side (see sigv4.h). Parsing is strict where a lax
// reading could change what is authenticated (credential scope, signed-header names, signature
// hex) and tolerant where clients differ harmlessly (spaces after commas, header-name case).
// The canonical request follows ../shared/research/sigv4_verify_reference.py, the oracle that
// verified every captured boto3 request; the tests replay such a capture.
#include "auth/sigv4.h"

// SHA256_Init/Update/Final work on a context on the stack; EVP allocates a provider context for
// every digest, and a request here takes three. OpenSSL 3 deprecates them but keeps them.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <mutex>

#include "auth/internal/sigv4_text.h"
#include "common/digest.h"

namespace kiln {
namespace {

using auth_internal::EqualsIgnoreCase;
using auth_internal::HeaderValue;
using auth_internal::StartsWithIgnoreCase;
using auth_internal::Trim;

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
constexpr std::int64_t kMaxPresignExpirySeconds = 604800;  // 7 days, as on AWS

constexpr std::string_view kUseSigV4 =
    "sign with Signature Version 4 instead, e.g. boto3 "
    "Config(signature_version=\"s3v4\") or `aws configure set default.s3.signature_version s3v4`";

// Headers a signer leaves out: hop-by-hop ones, and those botocore adds after signing.
constexpr std::string_view kUnsignedHeaders[] = {"authorization",
                                                 "connection",
                                                 "expect",
                                                 "keep-alive",
                                                 "proxy-authenticate",
                                                 "proxy-authorization",
                                                 "te",
                                                 "trailer",
                                                 "transfer-encoding",
                                                 "upgrade",
                                                 "user-agent",
                                                 "x-amzn-trace-id",
                                                 "amz-sdk-invocation-id",
                                                 "amz-sdk-request"};

AuthError Fail(AuthErrorKind kind, std::string message) { return {kind, std::move(message)}; }
AuthError Malformed(std::string message) { return {AuthErrorKind::kMalformed, std::move(message)}; }

// Client text quoted for an error message: bounded in length, control bytes masked.
std::string Shown(std::string_view s) {
  constexpr std::size_t kMax = 120;
  std::string out = "\"";
  for (char c : s.substr(0, kMax))
    out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c);
  if (s.size() > kMax)
    out += "...";
  out.push_back('"');
  return out;
}

bool IsHeaderNameChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
    return true;  // every name a client signs, in practice: no search of the symbol list
  return std::string_view("!#$%&'*+.^_`|~").find(c) != std::string_view::npos;
}

// "<akid>/<yyyymmdd>/<region>/<service>/aws4_request" into out's scope fields.
std::optional<AuthError> ParseCredential(std::string_view credential, SignatureInfo* out) {
  std::string_view parts[5];
  std::size_t count = 0;
  for (std::size_t start = 0;;) {
    std::size_t slash = credential.find('/', start);
    if (count == 5) {
      count = 6;  // too many
      break;
    }
    parts[count++] = credential.substr(start, slash - start);
    if (slash == std::string_view::npos)
      break;
    start = slash + 1;
  }
  const bool ok =
      count == 5 && parts[4] == "aws4_request" &&
      std::all_of(std::begin(parts), std::end(parts),
                  [](std::string_view p) { return !p.empty(); }) &&
      parts[1].size() == 8 &&
      std::all_of(parts[1].begin(), parts[1].end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!ok) {
    return Malformed("credential " + Shown(credential) +
                     " is not <access-key-id>/<yyyymmdd>/<region>/<service>/aws4_request");
  }
  out->access_key_id = parts[0];
  out->scope_date = parts[1];
  out->region = parts[2];
  out->service = parts[3];
  return std::nullopt;
}

std::optional<AuthError> ParseSignedHeaders(std::string_view list, SignatureInfo* out) {
  out->signed_headers.clear();
  out->signed_headers.reserve(static_cast<std::size_t>(std::count(list.begin(), list.end(), ';')) +
                              1);
  for (std::size_t start = 0;;) {
    std::size_t semi = list.find(';', start);
    std::string_view name = list.substr(start, semi - start);
    if (name.empty() || !std::all_of(name.begin(), name.end(), IsHeaderNameChar)) {
      return Malformed("SignedHeaders " + Shown(list) +
                       " must be lower-case header names separated by ';'");
    }
    out->signed_headers.emplace_back(name);
    if (semi == std::string_view::npos)
      break;
    start = semi + 1;
  }
  return std::nullopt;
}

std::optional<AuthError> ParseSignatureHex(std::string_view sig, SignatureInfo* out) {
  if (!auth_internal::IsLowerHex(sig, 64))
    return Malformed("Signature " + Shown(sig) + " is not 64 lower-case hex digits");
  out->signature = sig;
  return std::nullopt;
}

std::optional<AuthError> ParseDate(std::string_view date, std::string_view where,
                                   SignatureInfo* out) {
  if (!auth_internal::ParseAmzDate(date).has_value())
    return Malformed(std::string(where) + " " + Shown(date) + " is not yyyymmddThhmmssZ (UTC)");
  out->amz_date = date;
  return std::nullopt;
}

// S3's payload hash: the X-Amz-Content-SHA256 header, which S3 requires on SigV4 requests.
std::optional<AuthError> ParseS3PayloadHash(const RequestHead& head, SignatureInfo* out) {
  std::optional<std::string> v = HeaderValue(head.headers, "x-amz-content-sha256");
  if (!v.has_value()) {
    return Malformed(
        "the X-Amz-Content-SHA256 header is missing: S3 requests signed with SigV4 must send the "
        "hex SHA-256 of the body (or UNSIGNED-PAYLOAD) in it");
  }
  if (v->starts_with("STREAMING-AWS4-")) {
    return Fail(AuthErrorKind::kUnsupported,
                "X-Amz-Content-SHA256 " + Shown(*v) +
                    ": signed payload chunks are not supported; send the body whole with its hex "
                    "SHA-256, or unsigned-chunked (STREAMING-UNSIGNED-PAYLOAD-TRAILER)");
  }
  if (*v != kUnsignedPayload && *v != "STREAMING-UNSIGNED-PAYLOAD-TRAILER" &&
      !auth_internal::IsLowerHex(*v, 64)) {
    return Malformed("X-Amz-Content-SHA256 " + Shown(*v) +
                     " is not a lower-case hex SHA-256, UNSIGNED-PAYLOAD or "
                     "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
  }
  out->payload_hash = std::move(*v);
  return std::nullopt;
}

// "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=..." plus X-Amz-Date.
std::optional<AuthError> ParseHeaderForm(const RequestHead& head, std::string_view auth,
                                         SignatureInfo* out) {
  std::string_view rest = auth.substr(kAlgorithm.size());
  if (rest.empty() || (rest.front() != ' ' && rest.front() != '\t'))
    return Malformed("Authorization header " + Shown(auth) + " has no fields after " +
                     std::string(kAlgorithm));
  std::optional<std::string_view> credential, signed_headers, signature;
  for (std::size_t start = 0;;) {
    std::size_t comma = rest.find(',', start);
    std::string_view field = Trim(rest.substr(start, comma - start));
    std::size_t eq = field.find('=');
    std::string_view key = field.substr(0, eq);
    std::optional<std::string_view>* slot = key == "Credential"      ? &credential
                                            : key == "SignedHeaders" ? &signed_headers
                                            : key == "Signature"     ? &signature
                                                                     : nullptr;
    if (eq == std::string_view::npos || slot == nullptr || slot->has_value()) {
      return Malformed("Authorization header field " + Shown(field) +
                       " is not one of Credential=, SignedHeaders=, Signature= (each once)");
    }
    *slot = field.substr(eq + 1);
    if (comma == std::string_view::npos)
      break;
    start = comma + 1;
  }
  if (!credential || !signed_headers || !signature) {
    return Malformed("Authorization header " + Shown(auth) +
                     " needs Credential=, SignedHeaders= and Signature=");
  }
  if (auto e = ParseCredential(*credential, out))
    return e;
  if (auto e = ParseSignedHeaders(*signed_headers, out))
    return e;
  if (auto e = ParseSignatureHex(*signature, out))
    return e;
  std::optional<std::string> date = HeaderValue(head.headers, "x-amz-date");
  if (!date.has_value())
    return Malformed("the X-Amz-Date header is missing (SigV4 requests must carry it)");
  if (auto e = ParseDate(*date, "X-Amz-Date", out))
    return e;
  out->presigned = false;
  out->expires_seconds = 0;
  if (out->service == "s3")
    return ParseS3PayloadHash(head, out);
  out->payload_hash.clear();
  return std::nullopt;
}

// The X-Amz-* parameters of a presigned URL, decoded.
struct PresignParams {
  std::optional<std::string> algorithm, credential, date, expires, signed_headers, signature;
};

std::optional<AuthError> ParsePresignedForm(const PresignParams& p, SignatureInfo* out) {
  if (!p.algorithm || !p.credential || !p.date || !p.expires || !p.signed_headers || !p.signature) {
    return Malformed(
        "a presigned URL needs all of X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, "
        "X-Amz-Expires, X-Amz-SignedHeaders and X-Amz-Signature");
  }
  if (*p.algorithm != kAlgorithm) {
    return Fail(AuthErrorKind::kUnsupported, "X-Amz-Algorithm " + Shown(*p.algorithm) +
                                                 " is not supported; use AWS4-HMAC-SHA256");
  }
  if (auto e = ParseCredential(*p.credential, out))
    return e;
  if (auto e = ParseSignedHeaders(*p.signed_headers, out))
    return e;
  if (auto e = ParseSignatureHex(*p.signature, out))
    return e;
  if (auto e = ParseDate(*p.date, "X-Amz-Date", out))
    return e;
  std::int64_t expires = 0;
  const std::string& x = *p.expires;
  auto [end, ec] = std::from_chars(x.data(), x.data() + x.size(), expires);
  if (ec != std::errc() || end != x.data() + x.size() || expires < 1 ||
      expires > kMaxPresignExpirySeconds) {
    return Malformed("X-Amz-Expires " + Shown(x) + " must be a number of seconds from 1 to " +
                     std::to_string(kMaxPresignExpirySeconds));
  }
  out->presigned = true;
  out->expires_seconds = expires;
  out->payload_hash = kUnsignedPayload;
  return std::nullopt;
}

}  // namespace

namespace {

void AppendUriEncoded(std::string_view s, bool keep_slash, std::string& out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~' || (c == '/' && keep_slash)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
}

}  // namespace

std::string UriEncode(std::string_view s, bool keep_slash) {
  std::string out;
  out.reserve(s.size());
  AppendUriEncoded(s, keep_slash, out);
  return out;
}

std::string UriDecode(std::string_view s) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9')
      return c - '0';
    if (c >= 'a' && c <= 'f')
      return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
      return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::optional<AuthError> ParseSignature(const RequestHead& head, SignatureInfo* out) {
  std::optional<std::string> auth = HeaderValue(head.headers, "authorization");

  PresignParams presign;
  bool presigned = false, sigv2_query = false;
  for (const auto& [raw_key, raw_value] :
       auth_internal::SplitQuery(auth_internal::SplitRequestTarget(head.target).query)) {
    std::string key = UriDecode(raw_key);
    std::optional<std::string>* slot = key == "X-Amz-Algorithm"       ? &presign.algorithm
                                       : key == "X-Amz-Credential"    ? &presign.credential
                                       : key == "X-Amz-Date"          ? &presign.date
                                       : key == "X-Amz-Expires"       ? &presign.expires
                                       : key == "X-Amz-SignedHeaders" ? &presign.signed_headers
                                       : key == "X-Amz-Signature"     ? &presign.signature
                                                                      : nullptr;
    if (key == "AWSAccessKeyId")
      sigv2_query = true;
    if (slot == nullptr)
      continue;
    presigned = true;
    if (slot->has_value())
      return Malformed("query parameter " + key + " appears more than once");
    *slot = UriDecode(raw_value);
  }

  if (auth.has_value()) {
    if (presigned) {
      return Malformed(
          "the request carries both an Authorization header and X-Amz-* presigned query "
          "parameters; use only one");
    }
    if (StartsWithIgnoreCase(*auth, "AWS ")) {
      return Fail(AuthErrorKind::kUnsupported,
                  "AWS Signature Version 2 (Authorization: AWS <key>:<signature>) is not "
                  "supported; " +
                      std::string(kUseSigV4));
    }
    if (!auth->starts_with(kAlgorithm)) {
      std::string_view scheme = std::string_view(*auth).substr(0, auth->find(' '));
      return Fail(AuthErrorKind::kUnsupported, "Authorization scheme " + Shown(scheme) +
                                                   " is not supported; Kiln accepts only "
                                                   "AWS Signature Version 4 (AWS4-HMAC-SHA256)");
    }
    return ParseHeaderForm(head, *auth, out);
  }
  if (presigned)
    return ParsePresignedForm(presign, out);
  if (sigv2_query) {
    return Fail(AuthErrorKind::kUnsupported,
                "presigned URLs with AWS Signature Version 2 (AWSAccessKeyId=, Signature=, "
                "Expires=) are not supported; " +
                    std::string(kUseSigV4));
  }
  return Fail(AuthErrorKind::kMissing,
              "the request is not signed: it has no Authorization header and no X-Amz-Credential "
              "query parameter; send it with AWS credentials (SigV4)");
}

std::string CanonicalRequest(const RequestHead& head, std::string_view service,
                             std::span<const std::string> signed_headers,
                             std::string_view payload_hash, bool presigned) {
  auto [path, query] = auth_internal::SplitRequestTarget(head.target);
  // Built in one buffer: no string per part (this runs for every signed request).
  std::string out;
  out.reserve(512);
  out += head.method;
  out.push_back('\n');
  if (service == "s3")
    out += path;
  else
    AppendUriEncoded(path, /*keep_slash=*/true, out);
  out.push_back('\n');
  if (!query.empty())
    out += auth_internal::CanonicalQuery(query, /*skip_signature=*/presigned);
  out.push_back('\n');
  for (const std::string& name : signed_headers) {
    out += name;
    out.push_back(':');
    auth_internal::AppendHeaderValue(head.headers, name, /*canonical=*/true, &out);
    out.push_back('\n');
  }
  out.push_back('\n');
  for (std::size_t i = 0; i < signed_headers.size(); ++i) {
    if (i > 0)
      out.push_back(';');
    out += signed_headers[i];
  }
  out.push_back('\n');
  out += payload_hash;
  return out;
}

namespace {

constexpr std::size_t kSha256Bytes = 32;
constexpr std::size_t kSha256Block = 64;

void HexInto(const unsigned char (&digest)[kSha256Bytes], char (&hex)[2 * kSha256Bytes]) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < kSha256Bytes; ++i) {
    hex[2 * i] = kHex[digest[i] >> 4];
    hex[2 * i + 1] = kHex[digest[i] & 15];
  }
}

void AppendHex(const unsigned char (&digest)[kSha256Bytes], std::string& out) {
  char hex[2 * kSha256Bytes];
  HexInto(digest, hex);
  out.append(hex, sizeof(hex));
}

// HMAC-SHA256 under one key with the inner and outer pad blocks hashed once (RFC 2104), so a
// message costs the two final compressions. Immutable after construction; thread-safe.
class PreparedHmac {
 public:
  explicit PreparedHmac(std::string_view key) {
    unsigned char pad[kSha256Block] = {};
    std::memcpy(pad, key.data(), std::min(key.size(), kSha256Block));  // keys here are 32 bytes
    unsigned char ipad[kSha256Block], opad[kSha256Block];
    for (std::size_t i = 0; i < kSha256Block; ++i) {
      ipad[i] = pad[i] ^ 0x36;
      opad[i] = pad[i] ^ 0x5c;
    }
    SHA256_Init(&inner_);
    SHA256_Update(&inner_, ipad, sizeof(ipad));
    SHA256_Init(&outer_);
    SHA256_Update(&outer_, opad, sizeof(opad));
    OPENSSL_cleanse(pad, sizeof(pad));
    OPENSSL_cleanse(ipad, sizeof(ipad));
    OPENSSL_cleanse(opad, sizeof(opad));
  }
  ~PreparedHmac() {
    OPENSSL_cleanse(&inner_, sizeof(inner_));
    OPENSSL_cleanse(&outer_, sizeof(outer_));
  }

  void Sign(std::string_view message, unsigned char (&out)[kSha256Bytes]) const {
    SHA256_CTX ctx = inner_;
    SHA256_Update(&ctx, message.data(), message.size());
    SHA256_Final(out, &ctx);
    ctx = outer_;
    SHA256_Update(&ctx, out, kSha256Bytes);
    SHA256_Final(out, &ctx);
    OPENSSL_cleanse(&ctx, sizeof(ctx));
  }

 private:
  SHA256_CTX inner_;
  SHA256_CTX outer_;
};

}  // namespace

struct SigV4Verifier::Crypto {
  static void Sha256(std::string_view bytes, unsigned char (&out)[kSha256Bytes]) {
    SHA256_CTX ctx;  // not SHA256(), which OpenSSL 3 routes through EVP
    SHA256_Init(&ctx);
    SHA256_Update(&ctx, bytes.data(), bytes.size());
    SHA256_Final(out, &ctx);
  }

  // The signing key of `secret` for the scope of `info`: cached, else derived (four HMACs).
  std::shared_ptr<const PreparedHmac> SigningKey(const std::string& secret,
                                                 const SignatureInfo& info) {
    {
      std::lock_guard<std::mutex> lock(mu);
      for (const Entry& e : cache) {
        if (e.scope_date == info.scope_date && e.region == info.region &&
            e.service == info.service && e.secret == secret)
          return e.key;
      }
    }
    std::string key = HmacSha256("AWS4" + secret, info.scope_date);
    key = HmacSha256(key, info.region);
    key = HmacSha256(key, info.service);
    key = HmacSha256(key, "aws4_request");
    auto prepared = std::make_shared<const PreparedHmac>(key);
    OPENSSL_cleanse(key.data(), key.size());
    std::lock_guard<std::mutex> lock(mu);
    Entry entry{secret, info.scope_date, info.region, info.service, prepared};
    if (cache.size() < kCacheSize) {
      cache.push_back(std::move(entry));
    } else {
      cache[next_evict] = std::move(entry);
      next_evict = (next_evict + 1) % kCacheSize;
    }
    return prepared;
  }

  struct Entry {
    std::string secret, scope_date, region, service;
    std::shared_ptr<const PreparedHmac> key;
  };
  static constexpr std::size_t kCacheSize = 16;

  std::mutex mu;
  std::vector<Entry> cache;    // GUARDED_BY(mu), at most kCacheSize
  std::size_t next_evict = 0;  // GUARDED_BY(mu), round robin
};

SigV4Verifier::SigV4Verifier(const SecretLookup& keys, const Clock& clock)
    : keys_(keys), clock_(clock), crypto_(std::make_unique<Crypto>()) {}

SigV4Verifier::~SigV4Verifier() = default;

std::string SigV4Verifier::PayloadHash(std::string_view body) const {
  unsigned char digest[kSha256Bytes];
  crypto_->Sha256(body, digest);
  std::string out;
  out.reserve(2 * kSha256Bytes);
  AppendHex(digest, out);
  return out;
}

std::optional<AuthError> SigV4Verifier::Verify(const RequestHead& head, const SignatureInfo& info,
                                               std::string_view payload_hash) const {
  using std::chrono::duration_cast;
  using std::chrono::seconds;
  std::optional<std::string> secret = keys_.SecretFor(info.access_key_id);
  if (!secret.has_value()) {
    return Fail(AuthErrorKind::kUnknownAccessKey,
                "access key id " + Shown(info.access_key_id) +
                    " is not known to this server; create a key with `kiln keys create` and "
                    "configure the client with its id and secret");
  }
  if (!info.amz_date.starts_with(info.scope_date) || info.scope_date.size() != 8) {
    return Malformed("X-Amz-Date " + Shown(info.amz_date) + " is not on the credential's date " +
                     Shown(info.scope_date));
  }
  auto signed_at = auth_internal::ParseAmzDate(info.amz_date);
  if (!signed_at.has_value())
    return Malformed("X-Amz-Date " + Shown(info.amz_date) + " is not yyyymmddThhmmssZ (UTC)");
  const auto now = clock_.Now();
  auto server_time = [&now] { return auth_internal::FormatAmzDate(now); };
  if (info.presigned) {
    // A presigned URL is used long after it was made; only a date in the future is skew.
    if (*signed_at - now > kMaxSkew) {
      return Fail(AuthErrorKind::kSkewed, "presigned URL's X-Amz-Date " + info.amz_date +
                                              " is more than 15 minutes ahead of server time " +
                                              server_time() + "; check the signer's clock");
    }
    if (now > *signed_at + seconds(info.expires_seconds)) {
      return Fail(AuthErrorKind::kExpired,
                  "Request has expired: the presigned URL was signed at " + info.amz_date +
                      " for " + std::to_string(info.expires_seconds) +
                      " seconds, and server time is " + server_time() + "; presign it again");
    }
  } else {
    auto skew = now > *signed_at ? now - *signed_at : *signed_at - now;
    if (skew > kMaxSkew) {
      return Fail(AuthErrorKind::kSkewed,
                  "X-Amz-Date " + info.amz_date + " differs from server time " + server_time() +
                      " by " + std::to_string(duration_cast<seconds>(skew).count()) +
                      " seconds, more than 15 minutes; set the client's clock (e.g. with NTP)");
    }
  }
  if (std::find(info.signed_headers.begin(), info.signed_headers.end(), "host") ==
      info.signed_headers.end()) {
    return Malformed("the Host header must be signed (SignedHeaders lacks host)");
  }
  for (const std::string& name : info.signed_headers) {
    bool present = std::any_of(head.headers.begin(), head.headers.end(),
                               [&](const auto& h) { return EqualsIgnoreCase(h.first, name); });
    if (!present)
      return Malformed("signed header " + Shown(name) + " is not in the request");
  }
  const std::string canonical =
      CanonicalRequest(head, info.service, info.signed_headers, payload_hash, info.presigned);
  unsigned char digest[kSha256Bytes];
  crypto_->Sha256(canonical, digest);
  std::string string_to_sign;
  string_to_sign.reserve(kAlgorithm.size() + 160);
  string_to_sign += kAlgorithm;
  string_to_sign += '\n';
  string_to_sign += info.amz_date;
  string_to_sign += '\n';
  auth_internal::AppendCredentialScope(info.scope_date, info.region, info.service, &string_to_sign);
  string_to_sign += '\n';
  AppendHex(digest, string_to_sign);
  crypto_->SigningKey(*secret, info)->Sign(string_to_sign, digest);
  char expected[2 * kSha256Bytes];
  HexInto(digest, expected);
  if (!ConstantTimeEquals(std::string_view(expected, sizeof(expected)), info.signature)) {
    std::string names;
    for (const std::string& name : info.signed_headers)
      names += (names.empty() ? "" : ";") + name;
    return Fail(AuthErrorKind::kSignatureMismatch,
                "signature does not match for access key " + Shown(info.access_key_id) +
                    ": either the client's secret key differs from the one this server has for "
                    "that key, or the signed content changed on the way (method, path, query, "
                    "or the signed headers " +
                    names +
                    "; a proxy must keep Host as sent). The server's canonical request "
                    "has SHA-256 " +
                    Sha256Hex(canonical) +
                    "; compare it with the last line of the client's StringToSign");
  }
  return std::nullopt;
}

HeaderList SignRequest(const RequestHead& head, std::string_view payload_hash,
                       const SigningParams& params) {
  const std::string amz_date = auth_internal::FormatAmzDate(params.now);
  const std::string scope_date = amz_date.substr(0, 8);
  // Any X-Amz-Date already in the head is replaced by ours.
  HeaderList headers;
  std::vector<std::string> names;
  for (const auto& [k, v] : head.headers) {
    std::string lower = auth_internal::ToLower(k);
    if (lower == "x-amz-date" || std::find(std::begin(kUnsignedHeaders), std::end(kUnsignedHeaders),
                                           lower) != std::end(kUnsignedHeaders)) {
      continue;
    }
    headers.emplace_back(k, v);
    names.push_back(std::move(lower));
  }
  headers.emplace_back("X-Amz-Date", amz_date);
  names.emplace_back("x-amz-date");
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());

  const RequestHead signed_head{head.method, head.target, headers};
  const std::string canonical =
      CanonicalRequest(signed_head, params.service, names, payload_hash, /*presigned=*/false);
  const std::string signature = auth_internal::ComputeSignature(
      params.secret_access_key, amz_date, scope_date, params.region, params.service, canonical);
  std::string auth = std::string(kAlgorithm) + " Credential=" + params.access_key_id + "/" +
                     auth_internal::CredentialScope(scope_date, params.region, params.service) +
                     ", SignedHeaders=";
  for (std::size_t i = 0; i < names.size(); ++i)
    auth += (i ? ";" : "") + names[i];
  auth += ", Signature=" + signature;
  return {{"X-Amz-Date", amz_date}, {"Authorization", std::move(auth)}};
}

std::string PresignTarget(std::string_view method, std::string_view raw_path, std::string_view host,
                          std::chrono::seconds expires, const SigningParams& params) {
  const std::string amz_date = auth_internal::FormatAmzDate(params.now);
  const std::string scope_date = amz_date.substr(0, 8);
  const std::string credential =
      params.access_key_id + "/" +
      auth_internal::CredentialScope(scope_date, params.region, params.service);
  std::string target(raw_path);
  target += target.find('?') == std::string::npos ? "?" : "&";
  target += "X-Amz-Algorithm=" + std::string(kAlgorithm) +
            "&X-Amz-Credential=" + UriEncode(credential, false) + "&X-Amz-Date=" + amz_date +
            "&X-Amz-Expires=" + std::to_string(expires.count()) + "&X-Amz-SignedHeaders=host";
  const std::pair<std::string, std::string> host_header[] = {{"host", std::string(host)}};
  const std::string names[] = {"host"};
  const std::string canonical = CanonicalRequest(RequestHead{method, target, host_header},
                                                 params.service, names, kUnsignedPayload,
                                                 /*presigned=*/true);
  target += "&X-Amz-Signature=" +
            auth_internal::ComputeSignature(params.secret_access_key, amz_date, scope_date,
                                            params.region, params.service, canonical);
  return target;
}

}  // namespace kiln
