// RunTransformJob: one batch-transform job's work, run by a TransformJobService worker — list the
// input objects (S3Prefix, S3Object or ManifestFile), then for each one stream its records
// (RecordSplitter), apply InputFilter, pack mini-batches (MiniBatch), predict them with the loaded
// Predictor, join and filter the outputs (RecordProcessor) and write `<S3OutputPath>/<relative
// key>.out`. The output streams into a store blob that becomes visible only when the whole object
// is done, so a failure or stop never leaves a partial .out (objects finished earlier stay, as on
// AWS). Memory is bounded by MaxPayloadInMB and the read chunk, whatever the object's size.
//
// The job makes up to min(MaxConcurrentTransforms x InstanceCount, max_workers) requests at once:
// over several objects first, and over one object's mini-batches (batch_pipeline.h) when there are
// fewer objects than that; outputs stay in input order. The first failure stops the others.
//
// Errors (the job's FailureReason): "ClientError: <uri>, line <n>: <what>" for bad input (a
// malformed row, a record above MaxPayloadInMB, a filter that does not fit), "ClientError: No S3
// objects found under S3 URL ..." for an empty input, "AlgorithmError: ..." when the model fails,
// Cancelled when the job's JobControl asks it to stop.
//
// Thread-safety: a function; the context's members must be thread-safe (they are).
#pragma once

#include <atomic>
#include <cstdint>

#include "common/status.h"
#include "jobs/job_control.h"
#include "transform/transform_job.h"
#include "transform/transform_request.h"

namespace kiln {

class JobLog;
class ObjectStore;
class Predictor;
class ProgressCheckpoint;

struct TransformRunContext {
  ObjectStore* store = nullptr;
  const Predictor* predictor = nullptr;
  JobControl* control = nullptr;
  JobLog* log = nullptr;  // may be null
  TransformCounters* counters = nullptr;
  // Told when the inputs are listed, after each mini-batch and each finished object; may be null.
  ProgressCheckpoint* checkpoint = nullptr;
  int max_workers = 4;  // threads per job at most
  std::size_t read_chunk_bytes = 1 << 20;
};

Status RunTransformJob(const TransformJobSpec& spec, const TransformRunContext& ctx);

}  // namespace kiln
