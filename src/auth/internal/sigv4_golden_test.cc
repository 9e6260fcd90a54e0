// Golden tests for the SigV4 signer and verifier: a replay of real boto3 traffic, AWS's published
// examples, and goldens from the Python reference verifier and from botocore.
//
// Goldens marked "Python reference" were produced at test-writing time by signing the request with
// the canonicalisation functions of /work/shared/research/sigv4_verify_reference.py (canonical_uri,
// canonical_query, its header joining) under /usr/bin/python3, and confirmed by that file's
// verify(). Goldens marked "botocore" came from botocore 1.43.11's SigV4Auth / S3SigV4QueryAuth
// with the clock pinned to 2026-11-24T18:00:00Z. AWS's examples reproduce under the Python
// reference too.
#include <gtest/gtest.h>

#include <map>

#include "auth/internal/sigv4_test_util.h"
#include "auth/sigv4.h"

namespace kiln::auth_testing {
namespace {

using std::chrono::seconds;

TEST(TraceReplayTest, EveryCapturedBoto3RequestVerifiesWithTheSmokeSecret) {
  const MapSecrets keys({{"AKIDSMOKE", "smoke-secret"}});
  std::map<std::string, int> per_service;
  int truncated_bodies = 0;
  for (const TestRequest& r : LoadTrace()) {
    SignatureInfo info;
    ASSERT_FALSE(ParseSignature(r.head(), &info).has_value()) << r.target;
    ManualClock clock(At(info.amz_date));
    std::optional<AuthError> e =
        SigV4Verifier(keys, clock).Verify(r.head(), info, PayloadFor(info, r.body));
    EXPECT_FALSE(e.has_value()) << r.method << " " << r.target << ": " << e->message;
    ++per_service[info.service];
    // What the S3 handler checks after streaming the body (the recorder cut one 5 MiB part).
    if (auth_internal::IsLowerHex(info.payload_hash, 64)) {
      const std::string length =
          auth_internal::HeaderValue(r.headers, "content-length").value_or("0");
      if (length == std::to_string(r.body.size()))
        EXPECT_EQ(Sha256Hex(r.body), info.payload_hash) << r.target;
      else
        ++truncated_bodies;
    }
  }
  EXPECT_EQ(per_service, (std::map<std::string, int>{
                             {"application-autoscaling", 5}, {"s3", 12}, {"sagemaker", 20}}));
  EXPECT_EQ(truncated_bodies, 1);
}

TEST(TraceReplayTest, EveryCapturedRequestFailsUnderAnotherSecret) {
  const MapSecrets keys({{"AKIDSMOKE", "smoke-secreT"}});
  for (const TestRequest& r : LoadTrace()) {
    SignatureInfo info;
    ASSERT_FALSE(ParseSignature(r.head(), &info).has_value());
    ManualClock clock(At(info.amz_date));
    EXPECT_EQ(KindOf(Check(r, keys, clock)), AuthErrorKind::kSignatureMismatch) << r.target;
  }
}

// AWS's SigV4 test suite (get-vanilla, get-vanilla-query-order-key-case) and the IAM ListUsers
// example of the SigV4 documentation.
TEST(GoldenTest, AwsSigV4TestSuiteExamplesReproduce) {
  const std::string secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  const auto params = [&](std::string service) {
    return Params(std::move(service), "20150830T123600Z", "AKIDEXAMPLE", secret);
  };
  TestRequest vanilla{"GET", "/", {{"Host", "example.amazonaws.com"}}, ""};
  Sign(&vanilla, params("service"));
  EXPECT_EQ(AuthorizationOf(vanilla),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");

  TestRequest ordered{"GET", "/?Param2=value2&Param1=value1", {{"Host", "example.amazonaws.com"}}};
  Sign(&ordered, params("service"));
  EXPECT_TRUE(AuthorizationOf(ordered).ends_with(
      "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"));
  const std::string names[] = {"host", "x-amz-date"};
  EXPECT_EQ(CanonicalRequest(ordered.head(), "service", names, Sha256Hex(""), false),
            "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\n"
            "x-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

  TestRequest iam{"GET",
                  "/?Action=ListUsers&Version=2010-05-08",
                  {{"Host", "iam.amazonaws.com"},
                   {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}}};
  Sign(&iam, params("iam"));
  EXPECT_EQ(AuthorizationOf(iam),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
  const MapSecrets keys({{"AKIDEXAMPLE", secret}});
  ManualClock clock(At("20150830T123600Z"));
  EXPECT_FALSE(Check(iam, keys, clock).has_value());
}

// The S3 SigV4 documentation's GetObject, ListObjects and presigned-URL examples.
TEST(GoldenTest, AwsS3DocumentationExamplesReproduce) {
  const std::string empty = Sha256Hex("");
  auto params = Params("s3", "20130524T000000Z", "AKIAIOSFODNN7EXAMPLE",
                       "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  const std::string host = "examplebucket.s3.amazonaws.com";
  TestRequest get{"GET",
                  "/test.txt",
                  {{"Host", host}, {"Range", "bytes=0-9"}, {"x-amz-content-sha256", empty}}};
  Sign(&get, params);
  EXPECT_EQ(AuthorizationOf(get),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  TestRequest list{
      "GET", "/?max-keys=2&prefix=J", {{"Host", host}, {"x-amz-content-sha256", empty}}};
  Sign(&list, params);
  EXPECT_TRUE(AuthorizationOf(list).ends_with(
      "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"));

  const std::string target = PresignTarget("GET", "/test.txt", host, seconds(86400), params);
  EXPECT_EQ(target,
            "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F"
            "20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires="
            "86400&X-Amz-SignedHeaders=host&X-Amz-Signature="
            "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
  const MapSecrets keys({{params.access_key_id, params.secret_access_key}});
  ManualClock clock(params.now + std::chrono::hours(20));
  EXPECT_FALSE(Check({"GET", target, {{"Host", host}}}, keys, clock).has_value());
  EXPECT_FALSE(Check(get, keys, ManualClock(params.now)).has_value());
}

// Python reference: a non-S3 path is URI-encoded once more, so %2F signs as %252F.
TEST(GoldenTest, NonS3PathIsEncodedAgainBeforeSigning) {
  TestRequest r{"POST",
                "/endpoints/a%2Fb/invocations",
                {{"Host", "localhost:8080"},
                 {"Content-Type", "text/csv"},
                 {"User-Agent", "test"},
                 {"amz-sdk-request", "attempt=1"}},
                "1,2\n"};
  Sign(&r, Params("sagemaker"));
  EXPECT_EQ(AuthorizationOf(r),
            "AWS4-HMAC-SHA256 Credential=AKIDGOLDEN/20261124/us-east-1/sagemaker/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=14e8dcef3024125c79d6a213d6190f4886b299fca429be4a23cab05ea1c773cb");
  const std::string names[] = {"content-type", "host", "x-amz-date"};
  EXPECT_EQ(CanonicalRequest(r.head(), "sagemaker", names, Sha256Hex(r.body), false),
            "POST\n/endpoints/a%252Fb/invocations\n\ncontent-type:text/csv\nhost:localhost:8080\n"
            "x-amz-date:20261124T180000Z\n\ncontent-type;host;x-amz-date\n"
            "52186c933993da4082b3cdc7c40bb4bf735b391ff54a2ef78c037dda6c38a680");
  const MapSecrets keys({{std::string(kGoldenKey), std::string(kGoldenSecret)}});
  const ManualClock clock(At(kGoldenDate));
  EXPECT_FALSE(Check(r, keys, clock).has_value());
  TestRequest decoded = r;
  decoded.target = "/endpoints/a/b/invocations";
  EXPECT_EQ(KindOf(Check(decoded, keys, clock)), AuthErrorKind::kSignatureMismatch);
}

// Python reference: S3 keeps the raw path; the query is decoded, re-encoded ('+' stays a literal
// plus), given empty values and sorted; repeated headers join with ',' and whitespace collapses.
TEST(GoldenTest, S3QueryAndRepeatedHeadersCanonicaliseLikeTheReference) {
  TestRequest r{"GET",
                "/bucket/dir%20a/%C3%BCn%2Bx%3Dy.csv?prefix=a%2Fb&list-type=2&marker=x+y&empty=&"
                "uploads&a=%7e",
                {{"Host", "127.0.0.1:9000"},
                 {"X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD"},
                 {"X-Meta", "  a   b  "},
                 {"x-meta", "c\td"},
                 {"Expect", "100-continue"}}};
  Sign(&r, Params("s3"));
  EXPECT_TRUE(AuthorizationOf(r).ends_with(
      "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-meta, "
      "Signature=a76790b1f288c89b115d7c90767fdd9a41d0e173f9d7b6c68197d7a00e51f713"));
  const std::string names[] = {"host", "x-amz-content-sha256", "x-amz-date", "x-meta"};
  EXPECT_EQ(CanonicalRequest(r.head(), "s3", names, "UNSIGNED-PAYLOAD", false),
            "GET\n/bucket/dir%20a/%C3%BCn%2Bx%3Dy.csv\n"
            "a=~&empty=&list-type=2&marker=x%2By&prefix=a%2Fb&uploads=\n"
            "host:127.0.0.1:9000\nx-amz-content-sha256:UNSIGNED-PAYLOAD\n"
            "x-amz-date:20261124T180000Z\nx-meta:a b,c d\n\n"
            "host;x-amz-content-sha256;x-amz-date;x-meta\nUNSIGNED-PAYLOAD");
  const MapSecrets keys({{std::string(kGoldenKey), std::string(kGoldenSecret)}});
  EXPECT_FALSE(Check(r, keys, ManualClock(At(kGoldenDate))).has_value());
}

// Python reference (Application Auto Scaling) and botocore (SageMaker): JSON services sign the
// body's SHA-256.
TEST(GoldenTest, JsonServiceSignaturesMatchTheReferenceAndBotocore) {
  TestRequest aas{"POST",
                  "/",
                  {{"Host", "localhost:8080"},
                   {"Content-Type", "application/x-amz-json-1.1"},
                   {"X-Amz-Target", "AnyScaleFrontendService.DescribeScalableTargets"}},
                  R"({"ServiceNamespace":"sagemaker"})"};
  Sign(&aas, Params("application-autoscaling"));
  EXPECT_TRUE(AuthorizationOf(aas).ends_with(
      "Signature=9e69ed86233c366a81126519399a0c0726b9e2960ef323244639c975851e8bab"));
  TestRequest sm{"POST",
                 "/",
                 {{"Content-Type", "application/x-amz-json-1.1"},
                  {"X-Amz-Target", "SageMaker.DescribeEndpoint"},
                  {"User-Agent", "x"},
                  {"Host", "localhost:8080"}},
                 R"({"EndpointName":"e1"})"};
  Sign(&sm, Params("sagemaker"));
  EXPECT_EQ(AuthorizationOf(sm),
            "AWS4-HMAC-SHA256 Credential=AKIDGOLDEN/20261124/us-east-1/sagemaker/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
            "Signature=481daeef786bb728e0cb6b61f1e54ac039c1cf503a616d403d6b872314b6e9fc");
}

// botocore: S3SigV4QueryAuth(expires=3600) on http://127.0.0.1:9000/bucket/my%20key.csv.
TEST(GoldenTest, PresignTargetMatchesBotocore) {
  EXPECT_EQ(
      PresignTarget("GET", "/bucket/my%20key.csv", "127.0.0.1:9000", seconds(3600), Params("s3")),
      "/bucket/my%20key.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDGOLDEN%2F"
      "20261124%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20261124T180000Z&X-Amz-Expires="
      "3600&X-Amz-SignedHeaders=host&X-Amz-Signature="
      "d8bf5b0f5754d704868660d694b149ede243a6fa4157faa6d7663bdbb1f3b5b2");
}

}  // namespace
}  // namespace kiln::auth_testing
