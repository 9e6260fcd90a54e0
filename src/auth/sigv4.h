// AWS Signature Version 4: the server-side verifier every API request passes through, and the
// signer Kiln's own clients (import from an external S3, tests) use.
//
// Verification is split in two so the server can route and refuse a request before reading its
// body: ParseSignature reads the Authorization header (or the presigned query) and says which
// service signed it; Verify then checks the signature against the secret, the clock window
// (±15 minutes, replay inside it allowed, as on AWS) and the payload hash. For S3 the payload hash
// is the X-Amz-Content-SHA256 header (the body is compared with it after streaming, by the caller);
// for the JSON services it is the hex SHA-256 of the body. See
// ../shared/research/sagemaker-api-subset.md §1.1 for the exact canonicalisation.
//
// A request costs one SHA-256 (the canonical request) and one HMAC (the string to sign): the
// signing key derived from (secret, date, region, service), four HMACs, is cached.
//
// Thread-safe: SigV4Verifier holds references to thread-safe collaborators and a small key cache
// behind a mutex.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"

namespace kiln {

// What was wrong with a request's credentials; the HTTP edge maps each kind to the protocol's code.
enum class AuthErrorKind {
  kMissing,              // no Authorization header, no presigned query (S3 AccessDenied;
                         // JSON MissingAuthenticationTokenException)
  kMalformed,            // unparseable header/query (S3 AuthorizationHeaderMalformed or
                         // AuthorizationQueryParametersError; JSON IncompleteSignatureException)
  kUnsupported,          // SigV2, signed streaming chunks, other algorithms (S3 NotImplemented)
  kUnknownAccessKey,     // S3 InvalidAccessKeyId; JSON UnrecognizedClientException
  kSkewed,               // X-Amz-Date outside ±15 min (S3 RequestTimeTooSkewed; JSON
                         // InvalidSignatureException)
  kExpired,              // presigned URL past X-Amz-Expires (S3 AccessDenied "Request has expired")
  kSignatureMismatch,    // S3 SignatureDoesNotMatch; JSON InvalidSignatureException
  kPayloadHashMismatch,  // body != X-Amz-Content-SHA256 (S3 XAmzContentSHA256Mismatch, 400)
};

struct AuthError {
  AuthErrorKind kind;
  std::string message;  // says what and how to fix, e.g. "signature does not match: check the
                        // secret key for access key KILN..."
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// A request's head exactly as received.
struct RequestHead {
  std::string_view method;  // "GET", "PUT", ...
  std::string_view target;  // raw request-target: path + optional "?query", encoding untouched
  std::span<const std::pair<std::string, std::string>> headers;  // names in any case, in order
};

// A parsed SigV4 signature: from the Authorization header or from a presigned URL's query.
struct SignatureInfo {
  std::string access_key_id;
  std::string scope_date;  // yyyymmdd
  std::string region;
  std::string service;                      // "s3", "sagemaker", "application-autoscaling", ...
  std::string amz_date;                     // yyyymmddThhmmssZ (X-Amz-Date header or query)
  std::vector<std::string> signed_headers;  // lower case, as listed
  std::string signature;                    // 64 hex
  // S3: the X-Amz-Content-SHA256 value (hex, UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER);
  // presigned: "UNSIGNED-PAYLOAD"; other services: empty (the caller hashes the body).
  std::string payload_hash;
  bool presigned = false;
  std::int64_t expires_seconds = 0;  // presigned only
};

// Parses the signature; no key lookup, no clock. kMissing when the request carries none.
std::optional<AuthError> ParseSignature(const RequestHead& head, SignatureInfo* out);

// Looks up the secret of an access key. Implementations must be thread-safe.
class SecretLookup {
 public:
  virtual ~SecretLookup() = default;
  virtual std::optional<std::string> SecretFor(std::string_view access_key_id) const = 0;
};

class SigV4Verifier {
 public:
  static constexpr std::chrono::minutes kMaxSkew{15};

  // Both must outlive the verifier.
  SigV4Verifier(const SecretLookup& keys, const Clock& clock);
  ~SigV4Verifier();

  // Verifies `info` (from ParseSignature on the same head) using `payload_hash` as the canonical
  // request's last line: for S3 pass info.payload_hash, for other services the hex SHA-256 of the
  // body. Returns nullopt when the request is authentic.
  std::optional<AuthError> Verify(const RequestHead& head, const SignatureInfo& info,
                                  std::string_view payload_hash) const;

  // The hex SHA-256 of a body (the payload hash of the JSON services): Sha256Hex without EVP's
  // per-digest allocations.
  std::string PayloadHash(std::string_view body) const;

 private:
  // The cache of signing keys derived from (secret, date, region, service), each with its HMAC
  // pads already hashed (sigv4.cc).
  struct Crypto;
  const SecretLookup& keys_;
  const Clock& clock_;
  std::unique_ptr<Crypto> crypto_;
};

// The canonical request of §1.1 step 3 (exposed for tests and the signer).
std::string CanonicalRequest(const RequestHead& head, std::string_view service,
                             std::span<const std::string> signed_headers,
                             std::string_view payload_hash, bool presigned);

// Client side: what to sign and with which key.
struct SigningParams {
  std::string access_key_id;
  std::string secret_access_key;
  std::string region = "us-east-1";
  std::string service = "s3";
  std::chrono::system_clock::time_point now;
};

// Signs a request: given the head (its headers must already include Host, and for S3
// X-Amz-Content-SHA256), returns the headers to add: X-Amz-Date and Authorization. Every header in
// head.headers is signed except the ones botocore leaves out (user-agent, expect, ...).
HeaderList SignRequest(const RequestHead& head, std::string_view payload_hash,
                       const SigningParams& params);

// A SigV4 presigned URL target (path + query) for `method` on `raw_path` (already encoded), valid
// for `expires` from params.now; `host` is the Host header the request will carry.
std::string PresignTarget(std::string_view method, std::string_view raw_path, std::string_view host,
                          std::chrono::seconds expires, const SigningParams& params);

// RFC 3986 percent-encoding as SigV4 wants it: A-Z a-z 0-9 - _ . ~ stay literal; '/' too when
// keep_slash.
std::string UriEncode(std::string_view s, bool keep_slash);
// Percent-decoding; '+' stays '+'. Invalid escapes are kept literally.
std::string UriDecode(std::string_view s);

}  // namespace kiln
