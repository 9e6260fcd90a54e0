// Test helpers for the SigV4 tests: a map-backed SecretLookup, a request that owns its strings,
// and sign/parse+verify shortcuts mirroring what the server does. Header-only, tests only.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "auth/internal/sigv4_text.h"
#include "auth/sigv4.h"
#include "common/digest.h"

namespace kiln::auth_testing {

using Time = std::chrono::system_clock::time_point;

class MapSecrets final : public SecretLookup {
 public:
  MapSecrets(std::initializer_list<std::pair<std::string, std::string>> keys)
      : m_(keys.begin(), keys.end()) {}
  std::optional<std::string> SecretFor(std::string_view id) const override {
    auto it = m_.find(id);
    return it == m_.end() ? std::nullopt : std::optional<std::string>(it->second);
  }

 private:
  std::map<std::string, std::string, std::less<>> m_;
};

inline Time At(std::string_view amz_date) { return auth_internal::ParseAmzDate(amz_date).value(); }

// A request that owns its strings, so the RequestHead views stay valid.
struct TestRequest {
  std::string method;
  std::string target;
  HeaderList headers;
  std::string body;
  RequestHead head() const { return {method, target, headers}; }
  void Set(std::string_view name, std::string value) {
    for (auto& [k, v] : headers) {
      if (auth_internal::EqualsIgnoreCase(k, name))
        v = std::move(value);
    }
  }
};

constexpr std::string_view kGoldenKey = "AKIDGOLDEN";
constexpr std::string_view kGoldenSecret = "golden-secret-0123456789";
constexpr std::string_view kGoldenDate = "20261124T180000Z";

inline SigningParams Params(std::string service, std::string_view date = kGoldenDate,
                            std::string_view key = kGoldenKey,
                            std::string_view secret = kGoldenSecret) {
  SigningParams p;
  p.access_key_id = key;
  p.secret_access_key = secret;
  p.service = std::move(service);
  p.now = At(date);
  return p;
}

// The payload hash a server passes to Verify: S3's header value, else the body's SHA-256.
inline std::string PayloadFor(const SignatureInfo& info, std::string_view body) {
  return info.payload_hash.empty() ? Sha256Hex(body) : info.payload_hash;
}

// Signs `r` in place: appends X-Amz-Date and Authorization.
inline void Sign(TestRequest* r, const SigningParams& p) {
  std::string payload = p.service == "s3"
                            ? auth_internal::HeaderValue(r->headers, "x-amz-content-sha256").value()
                            : Sha256Hex(r->body);
  for (auto& h : SignRequest(r->head(), payload, p))
    r->headers.push_back(h);
}

// ParseSignature then Verify; nullopt when the request is authentic.
inline std::optional<AuthError> Check(const TestRequest& r, const SecretLookup& keys,
                                      const Clock& clock) {
  SignatureInfo info;
  if (auto e = ParseSignature(r.head(), &info))
    return e;
  return SigV4Verifier(keys, clock).Verify(r.head(), info, PayloadFor(info, r.body));
}

inline std::optional<AuthErrorKind> KindOf(const std::optional<AuthError>& e) {
  return e.has_value() ? std::optional<AuthErrorKind>(e->kind) : std::nullopt;
}

inline std::string AuthorizationOf(const TestRequest& r) {
  return auth_internal::HeaderValue(r.headers, "authorization").value_or("");
}

// Decodes the trace's latin-1 bodies (JSON strings of code points 0-255) back to bytes.
inline std::string Latin1Bytes(const std::string& utf8) {
  std::string out;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      EXPECT_TRUE((c == 0xC2 || c == 0xC3) && i + 1 < utf8.size()) << "not latin-1";
      out.push_back(static_cast<char>(((c & 0x03) << 6) | (utf8[++i] & 0x3F)));
    }
  }
  return out;
}

inline std::vector<TestRequest> LoadTrace() {
  std::ifstream in(std::string(KILN_AUTH_TESTDATA_DIR) + "/boto3_wire_trace_moto.jsonl");
  EXPECT_TRUE(in.good()) << "missing testdata";
  std::vector<TestRequest> out;
  for (std::string line; std::getline(in, line);) {
    auto req = nlohmann::json::parse(line).at("request");
    TestRequest r{req.at("method"), req.at("target"), {}, Latin1Bytes(req.at("body"))};
    for (const auto& h : req.at("headers"))
      r.headers.emplace_back(h.at(0), h.at(1));
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace kiln::auth_testing
