// Behaviour tests for the SigV4 verifier: what ParseSignature accepts and refuses, and each way
// Verify fails (unknown key, skew, expiry, tampering, unsigned extras). Byte-exact goldens and the
// boto3 trace replay are in internal/sigv4_golden_test.cc.
#include "auth/sigv4.h"

#include <gtest/gtest.h>

#include "auth/internal/sigv4_test_util.h"

namespace kiln::auth_testing {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const MapSecrets& GoldenKeys() {
  static const MapSecrets keys({{std::string(kGoldenKey), std::string(kGoldenSecret)}});
  return keys;
}

// A signed S3 PUT with a query, as botocore sends it.
TestRequest SignedS3Put() {
  TestRequest r{"PUT",
                "/bucket/data/a%20b.csv?partNumber=1&uploadId=u1",
                {{"Host", "localhost:9000"},
                 {"Content-Type", "text/csv"},
                 {"X-Amz-Content-SHA256", Sha256Hex("1,2\n")},
                 {"Expect", "100-continue"}},
                "1,2\n"};
  Sign(&r, Params("s3"));
  return r;
}

// A signed SageMaker JSON call.
TestRequest SignedSageMakerCall() {
  TestRequest r{"POST",
                "/",
                {{"Host", "localhost:9000"},
                 {"X-Amz-Target", "SageMaker.ListModels"},
                 {"Content-Type", "application/x-amz-json-1.1"}},
                "{}"};
  Sign(&r, Params("sagemaker"));
  return r;
}

TestRequest WithAuthorization(std::string auth, std::string service = "sagemaker") {
  TestRequest r{"POST", "/", {{"Host", "h"}, {"X-Amz-Date", std::string(kGoldenDate)}}};
  if (service == "s3")
    r.headers.emplace_back("X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD");
  r.headers.emplace_back("Authorization", std::move(auth));
  return r;
}

std::optional<AuthError> Parse(const TestRequest& r, SignatureInfo* info = nullptr) {
  SignatureInfo scratch;
  return ParseSignature(r.head(), info ? info : &scratch);
}

const std::string kSig(64, 'a');

// --- ParseSignature -------------------------------------------------------------------------

TEST(ParseSignatureTest, ReadsTheHeaderFormAndS3PayloadHash) {
  TestRequest r = SignedS3Put();
  SignatureInfo info;
  ASSERT_FALSE(Parse(r, &info).has_value());
  EXPECT_EQ(info.access_key_id, kGoldenKey);
  EXPECT_EQ(info.scope_date, "20261124");
  EXPECT_EQ(info.region, "us-east-1");
  EXPECT_EQ(info.service, "s3");
  EXPECT_EQ(info.amz_date, kGoldenDate);
  EXPECT_EQ(info.signed_headers, (std::vector<std::string>{"content-type", "host",
                                                           "x-amz-content-sha256", "x-amz-date"}));
  EXPECT_EQ(info.payload_hash, Sha256Hex("1,2\n"));
  EXPECT_FALSE(info.presigned);
  ASSERT_FALSE(Parse(SignedSageMakerCall(), &info).has_value());
  EXPECT_EQ(info.service, "sagemaker");
  EXPECT_EQ(info.payload_hash, "");
}

TEST(ParseSignatureTest, ToleratesSpacingAndHeaderNameCase) {
  TestRequest r = SignedSageMakerCall();
  std::string auth = AuthorizationOf(r);
  // "..., SignedHeaders=..., Signature=..." -> no spaces, then several.
  std::string tight, loose;
  for (char c : auth) {
    tight += c == ' ' && !tight.ends_with("SHA256") ? "" : std::string(1, c);
    loose += c == ',' ? std::string(",   ") : std::string(1, c);
  }
  for (const std::string& variant : {tight, loose}) {
    TestRequest v = r;
    v.headers.pop_back();
    v.headers.emplace_back("authorization", variant);
    for (auto& [k, value] : v.headers)
      k = auth_internal::ToLower(k);
    EXPECT_FALSE(Check(v, GoldenKeys(), ManualClock(At(kGoldenDate))).has_value()) << variant;
  }
}

TEST(ParseSignatureTest, SigV2IsUnsupportedAndTellsHowToSwitch) {
  std::optional<AuthError> header = Parse(WithAuthorization("AWS AKID:c2lnbmF0dXJl"));
  ASSERT_EQ(KindOf(header), AuthErrorKind::kUnsupported);
  EXPECT_NE(header->message.find("Config(signature_version=\"s3v4\")"), std::string::npos);
  std::optional<AuthError> query = Parse(
      {"GET", "/b/k?AWSAccessKeyId=AKID&Signature=abc%3D&Expires=1700000000", {{"Host", "h"}}});
  ASSERT_EQ(KindOf(query), AuthErrorKind::kUnsupported);
  EXPECT_NE(query->message.find("Config(signature_version=\"s3v4\")"), std::string::npos);
}

TEST(ParseSignatureTest, SignedPayloadChunksAndOtherAlgorithmsAreUnsupported) {
  TestRequest chunked = SignedS3Put();
  chunked.Set("X-Amz-Content-SHA256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
  EXPECT_EQ(KindOf(Parse(chunked)), AuthErrorKind::kUnsupported);
  EXPECT_EQ(KindOf(Parse(WithAuthorization("AWS4-ECDSA-P256-SHA256 Credential=a/b"))),
            AuthErrorKind::kUnsupported);
  EXPECT_EQ(KindOf(Parse(WithAuthorization("Bearer token"))), AuthErrorKind::kUnsupported);
}

TEST(ParseSignatureTest, UnsignedStreamingPayloadIsAccepted) {
  TestRequest r = SignedS3Put();
  r.Set("X-Amz-Content-SHA256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
  SignatureInfo info;
  ASSERT_FALSE(Parse(r, &info).has_value());
  EXPECT_EQ(info.payload_hash, "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
}

TEST(ParseSignatureTest, S3WithoutContentSha256IsMalformed) {
  TestRequest r = SignedS3Put();
  std::erase_if(r.headers, [](const auto& h) { return h.first == "X-Amz-Content-SHA256"; });
  std::optional<AuthError> e = Parse(r);
  ASSERT_EQ(KindOf(e), AuthErrorKind::kMalformed);
  EXPECT_NE(e->message.find("X-Amz-Content-SHA256"), std::string::npos);
  r.headers.emplace_back("X-Amz-Content-SHA256", "not-a-hash");
  EXPECT_EQ(KindOf(Parse(r)), AuthErrorKind::kMalformed);
}

TEST(ParseSignatureTest, NoCredentialsAtAllIsMissing) {
  EXPECT_EQ(KindOf(Parse({"GET", "/b/k?list-type=2", {{"Host", "h"}}})), AuthErrorKind::kMissing);
}

TEST(ParseSignatureTest, BrokenAuthorizationHeadersAreMalformed) {
  const std::string cred = "Credential=AKID/20261124/us-east-1/sagemaker/aws4_request";
  const std::string sh = "SignedHeaders=host;x-amz-date";
  const std::string sig = "Signature=" + kSig;
  ASSERT_FALSE(Parse(WithAuthorization("AWS4-HMAC-SHA256 " + cred + ", " + sh + ", " + sig)));
  const std::vector<std::string> bad = {
      "AWS4-HMAC-SHA256",
      "AWS4-HMAC-SHA256 " + cred + ", " + sh,
      "AWS4-HMAC-SHA256 " + cred + ", " + sh + ", " + sig + ", Extra=1",
      "AWS4-HMAC-SHA256 " + cred + ", " + cred + ", " + sh + ", " + sig,
      "AWS4-HMAC-SHA256 Credential=AKID/20261124/us-east-1/aws4_request, " + sh + ", " + sig,
      "AWS4-HMAC-SHA256 Credential=AKID/2026112/us-east-1/s3/aws4_request, " + sh + ", " + sig,
      "AWS4-HMAC-SHA256 Credential=AKID/20261124/us-east-1/s3/aws5_request, " + sh + ", " + sig,
      "AWS4-HMAC-SHA256 Credential=/20261124/us-east-1/s3/aws4_request, " + sh + ", " + sig,
      "AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=Host;x-amz-date, " + sig,
      "AWS4-HMAC-SHA256 " + cred + ", SignedHeaders=host;;x-amz-date, " + sig,
      "AWS4-HMAC-SHA256 " + cred + ", " + sh + ", Signature=" + std::string(63, 'a'),
      "AWS4-HMAC-SHA256 " + cred + ", " + sh + ", Signature=" + std::string(64, 'A'),
      "AWS4-HMAC-SHA256X " + cred + ", " + sh + ", " + sig,
  };
  for (const std::string& auth : bad)
    EXPECT_EQ(KindOf(Parse(WithAuthorization(auth))), AuthErrorKind::kMalformed) << auth;

  TestRequest no_date = WithAuthorization("AWS4-HMAC-SHA256 " + cred + ", " + sh + ", " + sig);
  no_date.headers.erase(no_date.headers.begin() + 1);
  EXPECT_EQ(KindOf(Parse(no_date)), AuthErrorKind::kMalformed);
  TestRequest bad_date = WithAuthorization("AWS4-HMAC-SHA256 " + cred + ", " + sh + ", " + sig);
  bad_date.Set("X-Amz-Date", "2026-11-24T18:00:00Z");
  EXPECT_EQ(KindOf(Parse(bad_date)), AuthErrorKind::kMalformed);
}

TEST(ParseSignatureTest, HeaderAndPresignedQueryTogetherAreMalformed) {
  TestRequest r = SignedSageMakerCall();
  r.target = "/?X-Amz-Credential=x";
  EXPECT_EQ(KindOf(Parse(r)), AuthErrorKind::kMalformed);
}

// --- Verify ---------------------------------------------------------------------------------

TEST(VerifyTest, WrongSecretIsAMismatchThatNamesTheKeyButNotTheSecret) {
  const MapSecrets other({{std::string(kGoldenKey), "another-secret-0123456789"}});
  std::optional<AuthError> e = Check(SignedS3Put(), other, ManualClock(At(kGoldenDate)));
  ASSERT_EQ(KindOf(e), AuthErrorKind::kSignatureMismatch);
  EXPECT_NE(e->message.find(kGoldenKey), std::string::npos);
  EXPECT_NE(e->message.find("secret"), std::string::npos);
  EXPECT_EQ(e->message.find("another-secret"), std::string::npos);
  EXPECT_EQ(e->message.find(kGoldenSecret), std::string::npos);
}

// A key store whose secret can change between requests (key rotation).
class RotatingSecret final : public SecretLookup {
 public:
  explicit RotatingSecret(std::string secret) : secret_(std::move(secret)) {}
  void Set(std::string secret) { secret_ = std::move(secret); }
  std::optional<std::string> SecretFor(std::string_view id) const override {
    if (id != kGoldenKey)
      return std::nullopt;
    return secret_;
  }

 private:
  std::string secret_;
};

std::optional<AuthError> VerifyWith(const SigV4Verifier& verifier, const TestRequest& r) {
  SignatureInfo info;
  if (auto e = ParseSignature(r.head(), &info))
    return e;
  return verifier.Verify(r.head(), info, PayloadFor(info, r.body));
}

TEST(VerifyTest, CachedSigningKeysFollowSecretRotationAndManyScopes) {
  RotatingSecret keys{std::string(kGoldenSecret)};
  const ManualClock clock(At(kGoldenDate));
  const SigV4Verifier verifier(keys, clock);
  const TestRequest old_secret = SignedSageMakerCall();
  EXPECT_FALSE(VerifyWith(verifier, old_secret).has_value());
  EXPECT_FALSE(VerifyWith(verifier, old_secret).has_value());  // from the cache
  keys.Set("rotated-secret-0123456789");
  EXPECT_EQ(KindOf(VerifyWith(verifier, old_secret)), AuthErrorKind::kSignatureMismatch);
  TestRequest new_secret{"POST",
                         "/",
                         {{"Host", "localhost:9000"},
                          {"X-Amz-Target", "SageMaker.ListModels"},
                          {"Content-Type", "application/x-amz-json-1.1"}},
                         "{}"};
  Sign(&new_secret, Params("sagemaker", kGoldenDate, kGoldenKey, "rotated-secret-0123456789"));
  EXPECT_FALSE(VerifyWith(verifier, new_secret).has_value());
  // More scopes (regions) than the cache holds: each still verifies, and a forged one does not.
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 40; ++i) {
      TestRequest r{"POST", "/", {{"Host", "h"}, {"X-Amz-Target", "SageMaker.ListModels"}}, "{}"};
      SigningParams p = Params("sagemaker", kGoldenDate, kGoldenKey, "rotated-secret-0123456789");
      p.region = "region-" + std::to_string(i);
      Sign(&r, p);
      EXPECT_FALSE(VerifyWith(verifier, r).has_value()) << p.region;
      r.body = "{\"x\":1}";
      EXPECT_EQ(KindOf(VerifyWith(verifier, r)), AuthErrorKind::kSignatureMismatch) << p.region;
    }
  }
}

TEST(VerifyTest, UnknownAccessKeyIsReportedAsSuch) {
  const MapSecrets none({{"SOMEONEELSE", "x"}});
  EXPECT_EQ(KindOf(Check(SignedS3Put(), none, ManualClock(At(kGoldenDate)))),
            AuthErrorKind::kUnknownAccessKey);
}

TEST(VerifyTest, ClockSkewBeyondFifteenMinutesIsRefusedAndReplayWithinIsAllowed) {
  const TestRequest r = SignedSageMakerCall();
  ManualClock clock(At(kGoldenDate) + minutes(16));
  EXPECT_EQ(KindOf(Check(r, GoldenKeys(), clock)), AuthErrorKind::kSkewed);
  clock.Set(At(kGoldenDate) - minutes(16));
  EXPECT_EQ(KindOf(Check(r, GoldenKeys(), clock)), AuthErrorKind::kSkewed);
  clock.Set(At(kGoldenDate) + minutes(14));
  EXPECT_FALSE(Check(r, GoldenKeys(), clock).has_value());
  EXPECT_FALSE(Check(r, GoldenKeys(), clock).has_value());  // the same request again
  clock.Set(At(kGoldenDate) - minutes(14));
  EXPECT_FALSE(Check(r, GoldenKeys(), clock).has_value());
}

TEST(VerifyTest, TamperedHeaderQueryPathOrBodyIsAMismatch) {
  const ManualClock clock(At(kGoldenDate));
  ASSERT_FALSE(Check(SignedS3Put(), GoldenKeys(), clock).has_value());
  TestRequest header = SignedS3Put();
  header.Set("Content-Type", "text/plain");
  EXPECT_EQ(KindOf(Check(header, GoldenKeys(), clock)), AuthErrorKind::kSignatureMismatch);
  TestRequest query = SignedS3Put();
  query.target = "/bucket/data/a%20b.csv?partNumber=2&uploadId=u1";
  EXPECT_EQ(KindOf(Check(query, GoldenKeys(), clock)), AuthErrorKind::kSignatureMismatch);
  TestRequest added = SignedS3Put();
  added.target += "&x-id=PutObject";
  EXPECT_EQ(KindOf(Check(added, GoldenKeys(), clock)), AuthErrorKind::kSignatureMismatch);
  TestRequest path = SignedS3Put();
  path.target = "/bucket/data/a+b.csv?partNumber=1&uploadId=u1";
  EXPECT_EQ(KindOf(Check(path, GoldenKeys(), clock)), AuthErrorKind::kSignatureMismatch);
  TestRequest method = SignedS3Put();
  method.method = "POST";
  EXPECT_EQ(KindOf(Check(method, GoldenKeys(), clock)), AuthErrorKind::kSignatureMismatch);
  TestRequest body = SignedSageMakerCall();
  body.body = R"({"MaxResults":1})";
  EXPECT_EQ(KindOf(Check(body, GoldenKeys(), clock)), AuthErrorKind::kSignatureMismatch);
}

TEST(VerifyTest, HeadersAddedAfterSigningDoNotMatter) {
  TestRequest r = SignedSageMakerCall();
  r.headers.emplace_back("amz-sdk-request", "attempt=2; max=3");
  r.headers.emplace_back("amz-sdk-invocation-id", "7c1c6f3e");
  r.headers.emplace_back("User-Agent", "Boto3/1.43.11");
  EXPECT_FALSE(Check(r, GoldenKeys(), ManualClock(At(kGoldenDate))).has_value());
  // ...unless they are signed: a second Host value changes the canonical host line.
  r.headers.emplace_back("host", "evil");
  EXPECT_EQ(KindOf(Check(r, GoldenKeys(), ManualClock(At(kGoldenDate)))),
            AuthErrorKind::kSignatureMismatch);
}

TEST(VerifyTest, MissingSignedHeaderOrUnsignedHostIsMalformed) {
  const ManualClock clock(At(kGoldenDate));
  TestRequest missing = SignedSageMakerCall();
  std::erase_if(missing.headers, [](const auto& h) { return h.first == "X-Amz-Target"; });
  EXPECT_EQ(KindOf(Check(missing, GoldenKeys(), clock)), AuthErrorKind::kMalformed);

  TestRequest no_host{"POST", "/", {{"Content-Type", "application/x-amz-json-1.1"}}, "{}"};
  Sign(&no_host, Params("sagemaker"));
  no_host.headers.emplace_back("Host", "localhost:9000");
  std::optional<AuthError> e = Check(no_host, GoldenKeys(), clock);
  ASSERT_EQ(KindOf(e), AuthErrorKind::kMalformed);
  EXPECT_NE(e->message.find("host"), std::string::npos);
}

TEST(VerifyTest, DateOutsideTheCredentialScopeIsMalformed) {
  TestRequest r{"POST", "/", {{"Host", "h"}}, "{}"};
  Sign(&r, Params("sagemaker", "20261124T235959Z"));
  r.Set("X-Amz-Date", "20261125T000001Z");
  EXPECT_EQ(KindOf(Check(r, GoldenKeys(), ManualClock(At("20261125T000001Z")))),
            AuthErrorKind::kMalformed);
}

TEST(VerifyTest, PresignedUrlWorksUntilItExpires) {
  const std::string target =
      PresignTarget("GET", "/bucket/k%2Bey", "localhost:9000", seconds(3600), Params("s3"));
  const TestRequest r{"GET", target, {{"Host", "localhost:9000"}, {"User-Agent", "curl"}}};
  SignatureInfo info;
  ASSERT_FALSE(Parse(r, &info).has_value());
  EXPECT_TRUE(info.presigned);
  EXPECT_EQ(info.expires_seconds, 3600);
  EXPECT_EQ(info.payload_hash, "UNSIGNED-PAYLOAD");
  ManualClock clock(At(kGoldenDate) + minutes(50));  // older than the header-form window
  EXPECT_FALSE(Check(r, GoldenKeys(), clock).has_value());
  clock.Set(At(kGoldenDate) + seconds(3600));
  EXPECT_FALSE(Check(r, GoldenKeys(), clock).has_value());
  clock.Set(At(kGoldenDate) + seconds(3601));
  EXPECT_EQ(KindOf(Check(r, GoldenKeys(), clock)), AuthErrorKind::kExpired);
  clock.Set(At(kGoldenDate) - minutes(16));  // signed "in the future"
  EXPECT_EQ(KindOf(Check(r, GoldenKeys(), clock)), AuthErrorKind::kSkewed);
}

TEST(VerifyTest, PresignedUrlTamperingIsRefused) {
  const ManualClock clock(At(kGoldenDate));
  const std::string target =
      PresignTarget("GET", "/bucket/key", "localhost:9000", seconds(60), Params("s3"));
  const auto check = [&](std::string t, std::string host = "localhost:9000") {
    return KindOf(Check({"GET", std::move(t), {{"Host", std::move(host)}}}, GoldenKeys(), clock));
  };
  ASSERT_EQ(check(target), std::nullopt);
  EXPECT_EQ(check(target, "localhost:9001"), AuthErrorKind::kSignatureMismatch);
  std::string longer = target;
  longer.replace(longer.find("Expires=60"), 10, "Expires=600");
  EXPECT_EQ(check(longer), AuthErrorKind::kSignatureMismatch);
  std::string zero = target;
  zero.replace(zero.find("Expires=60"), 10, "Expires=0");
  EXPECT_EQ(check(zero), AuthErrorKind::kMalformed);
  std::string week = target;
  week.replace(week.find("Expires=60"), 10, "Expires=604801");
  EXPECT_EQ(check(week), AuthErrorKind::kMalformed);
  EXPECT_EQ(check(target.substr(0, target.find("&X-Amz-Signature"))), AuthErrorKind::kMalformed);
  EXPECT_EQ(check(target + "&X-Amz-Signature=" + kSig), AuthErrorKind::kMalformed);
}

TEST(UriEncodingTest, OnlyUnreservedCharactersStayLiteral) {
  EXPECT_EQ(UriEncode("a b/c~d+e%-_.", false), "a%20b%2Fc~d%2Be%25-_.");
  EXPECT_EQ(UriEncode("a b/c", true), "a%20b/c");
  EXPECT_EQ(UriEncode("\xC3\xBC", false), "%C3%BC");
  EXPECT_EQ(UriDecode("a+b%2Fc%c3%BC%zz%4"), "a+b/c\xC3\xBC%zz%4");
}

TEST(UriEncodingTest, AmzDatesRoundTripAndInvalidDatesAreRejected) {
  EXPECT_EQ(auth_internal::FormatAmzDate(At("20240229T235959Z")), "20240229T235959Z");
  EXPECT_FALSE(auth_internal::ParseAmzDate("20261131T000000Z").has_value());
  EXPECT_FALSE(auth_internal::ParseAmzDate("20261124T240000Z").has_value());
  EXPECT_FALSE(auth_internal::ParseAmzDate("2026-11-24T18:00:00Z").has_value());
}

}  // namespace
}  // namespace kiln::auth_testing
