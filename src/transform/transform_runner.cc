#include "transform/transform_runner.h"

#include <algorithm>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "jobs/job_log.h"
#include "serve/predictor.h"
#include "store/object_store.h"
#include "transform/batch_pipeline.h"
#include "transform/batch_transformer.h"
#include "transform/input_stream.h"
#include "transform/mini_batch.h"
#include "transform/progress_checkpoint.h"
#include "transform/record_processor.h"
#include "transform/record_splitter.h"

namespace kiln {
namespace {

constexpr std::uint64_t kMaxManifestBytes = 16ull << 20;

struct InputObject {
  std::string bucket;
  std::string key;
  std::string relative;  // names the output: <S3OutputPath>/<relative>.out
  std::uint64_t size = 0;
};

std::string Uri(const std::string& bucket, const std::string& key) {
  return "s3://" + bucket + "/" + key;
}

Status ClientError(const std::string& what) { return TransformClientError(what); }

Result<std::string> ReadSmallObject(ObjectStore& store, const std::string& bucket,
                                    const std::string& key, std::uint64_t max) {
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectReader> reader, store.OpenObject(bucket, key));
  const std::uint64_t size = reader->info().size;
  if (size > max) {
    return ClientError("the manifest " + Uri(bucket, key) + " is " + std::to_string(size) +
                       " bytes, more than the " + std::to_string(max) + " Kiln reads");
  }
  std::string bytes(size, '\0');
  std::uint64_t done = 0;
  while (done < size) {
    ASSIGN_OR_RETURN(std::size_t n, reader->ReadAt(done, bytes.data() + done, size - done));
    if (n == 0)
      break;
    done += n;
  }
  bytes.resize(done);
  return bytes;
}

Status MissingObject(const std::string& uri, const Status& error) {
  if (error.code() == StatusCode::kNotFound)
    return ClientError(uri + " does not exist (" + error.message() + ")");
  return error.WithContext(uri);
}

// The manifest's objects: [{"prefix": "s3://bucket/p/"}, "relative/key", ...].
Result<std::vector<InputObject>> ManifestObjects(ObjectStore& store, const TransformJobSpec& spec) {
  const std::string where = "the manifest " + spec.input.Uri();
  Result<std::string> text =
      ReadSmallObject(store, spec.input.bucket, spec.input.key, kMaxManifestBytes);
  if (!text.ok())
    return MissingObject(spec.input.Uri(), text.error());
  const nlohmann::json doc = nlohmann::json::parse(*text, nullptr, false);
  if (doc.is_discarded() || !doc.is_array() || doc.empty() || !doc[0].is_object() ||
      !doc[0].contains("prefix") || !doc[0]["prefix"].is_string()) {
    return ClientError(where +
                       " is not a SageMaker manifest: a JSON list [{\"prefix\": \"s3://bucket/"
                       "path/\"}, \"key1\", \"key2\", ...]");
  }
  const std::string prefix = doc[0]["prefix"].get<std::string>();
  if (prefix.rfind("s3://", 0) != 0)
    return ClientError(where + ": prefix \"" + prefix + "\" is not an s3:// URI");
  const std::string rest = prefix.substr(5);
  const std::size_t slash = rest.find('/');
  const std::string bucket = rest.substr(0, slash);
  const std::string base = slash == std::string::npos ? "" : rest.substr(slash + 1);
  std::vector<InputObject> out;
  for (std::size_t i = 1; i < doc.size(); ++i) {
    if (!doc[i].is_string() || doc[i].get_ref<const std::string&>().empty())
      return ClientError(where + ": entry " + std::to_string(i + 1) + " is not a key");
    InputObject o;
    o.bucket = bucket;
    o.relative = doc[i].get<std::string>();
    o.key = base + o.relative;
    Result<ObjectInfo> info = store.HeadObject(o.bucket, o.key);
    if (!info.ok())
      return MissingObject(Uri(o.bucket, o.key) + " (listed in " + where + ")", info.error());
    o.size = info->size;
    out.push_back(std::move(o));
  }
  return out;
}

Result<std::vector<InputObject>> ListInputs(ObjectStore& store, const TransformJobSpec& spec) {
  std::vector<InputObject> out;
  if (spec.data_type == S3DataType::kManifestFile) {
    ASSIGN_OR_RETURN(out, ManifestObjects(store, spec));
  } else if (spec.data_type == S3DataType::kS3Object) {
    Result<ObjectInfo> info = store.HeadObject(spec.input.bucket, spec.input.key);
    if (!info.ok())
      return MissingObject(spec.input.Uri(), info.error());
    out.push_back(
        {spec.input.bucket, spec.input.key, RelativeName(spec, spec.input.key), info->size});
  } else {
    ListObjectsQuery q;
    q.prefix = spec.input.key;
    while (true) {
      Result<ListObjectsResult> page = store.ListObjects(spec.input.bucket, q);
      if (!page.ok())
        return MissingObject(spec.input.Uri(), page.error());
      for (const ObjectInfo& o : page->contents) {
        if (!o.key.empty() && o.key.back() == '/')
          continue;  // a "folder" marker
        out.push_back({o.bucket, o.key, RelativeName(spec, o.key), o.size});
      }
      if (!page->truncated)
        break;
      q.start_after = page->next_start_after;
    }
  }
  if (out.empty())
    return ClientError("No S3 objects found under S3 URL \"" + spec.input.Uri() + "\"");
  return out;
}

// One input object -> its .out object.
class ObjectTransform {
 public:
  ObjectTransform(const TransformJobSpec& spec, const RecordProcessor& processor,
                  const TransformRunContext& ctx, const std::atomic<bool>& abort,
                  const InputObject& object, int threads)
      : spec_(spec),
        processor_(processor),
        ctx_(ctx),
        abort_(abort),
        object_(object),
        uri_(Uri(object.bucket, object.key)),
        keep_inputs_(processor.per_record_output() && spec.processing.join == JoinSource::kInput),
        transformer_(spec, processor, *ctx.predictor, uri_),
        threads_(threads) {}

  Status Run() {
    Result<std::unique_ptr<ObjectReader>> reader =
        ctx_.store->OpenObject(object_.bucket, object_.key);
    if (!reader.ok())
      return MissingObject(uri_, reader.error());
    std::unique_ptr<InputStream> stream = ObjectInputStream(**reader);
    if (spec_.gzip)
      stream = GzipInputStream(std::move(stream), "the object");
    stream_ = stream.get();
    RecordSplitter splitter(*stream, spec_.split, spec_.max_payload_bytes(), ctx_.read_chunk_bytes);
    ASSIGN_OR_RETURN(blob_, ctx_.store->NewBlob());
    BatchPipeline pipeline(
        transformer_, threads_,
        [this] { return abort_.load() || ctx_.control->Check() != StopCause::kNone; },
        [this](const MiniBatch& batch, const std::string& out) { return Sink(batch, out); });
    std::unique_ptr<MiniBatch> batch = NewBatch();
    Record record;
    std::string model_text;
    while (true) {
      Result<bool> more = splitter.Next(&record);
      if (!more.ok()) {
        if (more.error().code() == StatusCode::kInvalidArgument)
          return ClientError(AtLine(uri_, 0, more.error().message(), true));
        return more.error().WithContext(uri_);
      }
      if (!*more)
        break;
      model_text.clear();
      Status filtered = processor_.AppendModelInput(record.text, &model_text);
      if (!filtered.ok())
        return ClientError(AtLine(uri_, record.line, filtered.message(), false));
      if (model_text.size() > spec_.max_payload_bytes()) {
        return ClientError(uri_ + ", line " + std::to_string(record.line) + ": the record is " +
                           std::to_string(model_text.size()) + " bytes, above MaxPayloadInMB (" +
                           std::to_string(spec_.max_payload_mb) + " MB)");
      }
      if (batch->MustFlushBefore(model_text.size())) {
        RETURN_IF_ERROR(pipeline.Submit(std::move(batch)));
        batch = NewBatch();
      }
      batch->Add(record.line, model_text, record.text);
    }
    if (!batch->empty())
      RETURN_IF_ERROR(pipeline.Submit(std::move(batch)));
    RETURN_IF_ERROR(pipeline.Finish());
    AddBytes();
    RETURN_IF_ERROR(blob_->Finish());
    ObjectAttributes attributes;
    attributes.content_type = MediaTypeName(spec_.accept);
    const std::string out_key = OutputKey(spec_, object_.relative);
    Result<ObjectInfo> put =
        ctx_.store->PutObject(spec_.output.bucket, out_key, std::move(blob_), attributes);
    if (!put.ok())
      return put.error().WithContext("writing " + Uri(spec_.output.bucket, out_key));
    if (ctx_.log != nullptr) {
      ctx_.log->Line(uri_ + ": " + std::to_string(records_) + " records -> " +
                     Uri(spec_.output.bucket, out_key));
    }
    return Status::Ok();
  }

 private:
  std::unique_ptr<MiniBatch> NewBatch() const {
    return std::make_unique<MiniBatch>(spec_.strategy, spec_.max_payload_bytes(), keep_inputs_);
  }

  void AddBytes() {
    const std::uint64_t now = stream_->consumed();
    ctx_.counters->bytes_done += now - bytes_reported_;
    bytes_reported_ = now;
  }

  // Appends one batch's output to the blob, in input order.
  Status Sink(const MiniBatch& batch, const std::string& out) {
    RETURN_IF_ERROR(blob_->Append(out));
    records_ += batch.size();
    ctx_.counters->records_done += batch.size();
    AddBytes();
    if (ctx_.checkpoint != nullptr)
      ctx_.checkpoint->Tick();
    return Status::Ok();
  }

  const TransformJobSpec& spec_;
  const RecordProcessor& processor_;
  const TransformRunContext& ctx_;
  const std::atomic<bool>& abort_;
  const InputObject& object_;
  const std::string uri_;
  const bool keep_inputs_;
  const BatchTransformer transformer_;
  const int threads_;
  InputStream* stream_ = nullptr;
  std::unique_ptr<BlobWriter> blob_;
  std::uint64_t records_ = 0;
  std::uint64_t bytes_reported_ = 0;
};

}  // namespace

Status RunTransformJob(const TransformJobSpec& spec, const TransformRunContext& ctx) {
  ASSIGN_OR_RETURN(RecordProcessor processor,
                   RecordProcessor::Make(spec.content_type, spec.accept, spec.processing));
  ASSIGN_OR_RETURN(std::vector<InputObject> objects, ListInputs(*ctx.store, spec));
  std::uint64_t total = 0;
  for (const InputObject& o : objects)
    total += o.size;
  ctx.counters->objects_total = objects.size();
  ctx.counters->bytes_total = total;
  if (ctx.checkpoint != nullptr)
    ctx.checkpoint->SaveNow();
  if (ctx.log != nullptr) {
    ctx.log->Line(std::to_string(objects.size()) + " input objects, " + std::to_string(total) +
                  " bytes, under " + spec.input.Uri());
  }

  // The job's parallel requests: spread over objects first, then over each object's batches.
  const int budget =
      std::clamp(spec.max_concurrent * spec.instance_count, 1, std::max(1, ctx.max_workers));
  const std::size_t workers = std::min<std::size_t>(objects.size(), budget);
  const int per_object = std::max(1, budget / static_cast<int>(workers));
  std::atomic<std::size_t> next{0};
  std::atomic<bool> abort{false};
  std::mutex mu;
  Status first_error;           // GUARDED_BY(mu)
  std::size_t first_index = 0;  // GUARDED_BY(mu): the object first_error is about
  auto work = [&] {
    while (true) {
      const std::size_t i = next.fetch_add(1);
      if (i >= objects.size() || abort.load())
        return;
      Status s = ObjectTransform(spec, processor, ctx, abort, objects[i], per_object).Run();
      if (s.ok()) {
        ctx.counters->objects_done += 1;
        if (ctx.checkpoint != nullptr)
          ctx.checkpoint->SaveNow();
        continue;
      }
      std::lock_guard<std::mutex> lock(mu);
      // A stop or another worker's failure shows as Cancelled; a real failure wins over it.
      const bool cancelled = s.code() == StatusCode::kCancelled;
      const bool have_real = !first_error.ok() && first_error.code() != StatusCode::kCancelled;
      if (first_error.ok() || (!cancelled && (!have_real || i < first_index))) {
        first_error = s;
        first_index = i;
      }
      if (!cancelled)
        abort = true;
      return;
    }
  };
  {
    std::vector<std::jthread> threads;
    for (std::size_t t = 1; t < workers; ++t)
      threads.emplace_back(work);
    work();
  }  // joins
  return first_error;
}

}  // namespace kiln
