// Text and time helpers shared by the SigV4 verifier and signer: case-insensitive header lookup
// with SigV4's value canonicalisation, request-target and query splitting, the X-Amz-Date format,
// and the signing-key derivation of §1.1 step 5. Thread-safe: pure functions.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kiln::auth_internal {

using HeaderSpan = std::span<const std::pair<std::string, std::string>>;

std::string ToLower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix);
std::string_view Trim(std::string_view s);  // ASCII whitespace at both ends

// All values of the header named `name` (any case), in order, joined by ","; nullopt when absent.
// With `canonical`, each value is trimmed and its internal whitespace runs become one space, as
// the canonical headers of a SigV4 canonical request want.
std::optional<std::string> HeaderValue(HeaderSpan headers, std::string_view name,
                                       bool canonical = false);
// HeaderValue appended to `out` (nothing when absent) without a string of its own; false when the
// header is absent.
bool AppendHeaderValue(HeaderSpan headers, std::string_view name, bool canonical, std::string* out);

// "/p/a?x=1" -> path "/p/a", query "x=1". The path is "/" when the target has none.
struct SplitTarget {
  std::string_view path;
  std::string_view query;
};
SplitTarget SplitRequestTarget(std::string_view target);

// The query split on '&' and then on the first '='; both parts still percent-encoded.
std::vector<std::pair<std::string_view, std::string_view>> SplitQuery(std::string_view query);

// SigV4's canonical query: every parameter decoded and re-encoded strictly, sorted by key then
// value. `skip_signature` leaves out X-Amz-Signature (presigned URLs).
std::string CanonicalQuery(std::string_view query, bool skip_signature);

// yyyymmddThhmmssZ (UTC) <-> time point; nullopt when the text is not a valid such date.
std::optional<std::chrono::system_clock::time_point> ParseAmzDate(std::string_view s);
std::string FormatAmzDate(std::chrono::system_clock::time_point t);

// "<date>/<region>/<service>/aws4_request".
std::string CredentialScope(std::string_view date, std::string_view region,
                            std::string_view service);
void AppendCredentialScope(std::string_view date, std::string_view region, std::string_view service,
                           std::string* out);

// The hex signature of `canonical_request` under `secret` for the given scope (§1.1 steps 4-5).
std::string ComputeSignature(std::string_view secret, std::string_view amz_date,
                             std::string_view scope_date, std::string_view region,
                             std::string_view service, std::string_view canonical_request);

// True when `s` is exactly `n` lower-case hex digits.
bool IsLowerHex(std::string_view s, std::size_t n);

}  // namespace kiln::auth_internal
