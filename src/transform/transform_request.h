// TransformJobSpec: a validated CreateTransformJob request (botocore's CreateTransformJobRequest,
// research note §2.6) with Kiln's defaults, and the parser that builds it. The server owns what
// botocore does not check (enums, patterns, ranges), so every member is validated here with a
// message naming it, in SageMaker's ValidationException wording.
//
// Defaults: SplitType None, CompressionType None, ContentType text/csv, Accept = ContentType,
// AssembleWith None, BatchStrategy MultiRecord when SplitType is Line (else SingleRecord),
// MaxPayloadInMB 6 (0 means SageMaker's "no limit", which Kiln caps at the 100 MB maximum),
// MaxConcurrentTransforms 1. Thread-safety: plain values and a pure function.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "serve/request_payload.h"
#include "transform/mini_batch.h"
#include "transform/record_processor.h"
#include "transform/record_splitter.h"

namespace kiln {

enum class S3DataType { kS3Prefix, kManifestFile, kS3Object };
enum class AssembleWith { kNone, kLine };

struct S3Location {
  std::string bucket;
  std::string key;  // a prefix, object key or manifest key; may be empty for a whole bucket
  std::string Uri() const { return "s3://" + bucket + "/" + key; }
};

struct TransformJobSpec {
  std::string name;
  std::string model_name;
  S3DataType data_type = S3DataType::kS3Prefix;
  S3Location input;
  MediaType content_type = MediaType::kCsv;
  bool gzip = false;
  SplitType split = SplitType::kNone;
  S3Location output;  // key = the output prefix, without a trailing '/'
  MediaType accept = MediaType::kCsv;
  AssembleWith assemble = AssembleWith::kNone;
  BatchStrategy strategy = BatchStrategy::kSingleRecord;
  int max_payload_mb = 6;
  int max_concurrent = 1;
  DataProcessingSpec processing;
  std::string instance_type;
  int instance_count = 1;
  std::vector<std::pair<std::string, std::string>> environment;
  std::vector<std::pair<std::string, std::string>> tags;

  std::size_t max_payload_bytes() const { return static_cast<std::size_t>(max_payload_mb) << 20; }
};

// Parses and validates `request`. With `normalized`, also returns the request with the defaults
// above filled in (what DescribeTransformJob echoes). InvalidArgument naming the member.
Result<TransformJobSpec> ParseTransformJobRequest(const nlohmann::json& request,
                                                  nlohmann::json* normalized);

// The name of input object `key` relative to the input's "directory" (S3Uri's key up to its last
// '/'): s3://b/data/ and s3://b/data/x.csv both make data/x.csv "x.csv".
std::string RelativeName(const TransformJobSpec& spec, const std::string& key);
// `<output prefix>/<relative>.out`.
std::string OutputKey(const TransformJobSpec& spec, const std::string& relative);

}  // namespace kiln
