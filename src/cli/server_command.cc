#include "cli/server_command.h"

#include <signal.h>
#include <sys/resource.h>

#include <cstdio>
#include <ctime>
#include <filesystem>

#include "api/api_router.h"
#include "api/autoscaling_api.h"
#include "api/job_logs_route.h"
#include "api/runtime_api.h"
#include "api/s3_api.h"
#include "api/sagemaker_api.h"
#include "api/sagemaker_endpoints.h"
#include "api/sagemaker_transform.h"
#include "auth/key_store.h"
#include "auth/sigv4.h"
#include "autoscale/autoscaling_service.h"
#include "autoscale/endpoint_scaling_target.h"
#include "common/clock.h"
#include "common/file_util.h"
#include "http/http_server.h"
#include "jobs/training_job_service.h"
#include "meta/database.h"
#include "serve/endpoint_service.h"
#include "store/object_store.h"
#include "transform/transform_job_service.h"

namespace kiln {

namespace {

void RaiseFileLimit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
}

// The key clients should use: the root key from the environment, else the only/first one; a new
// one when there are none (printed once, with its secret).
Result<AccessKey> BootstrapKeys(KeyStore& keys, const ServerCommandArgs& args, bool* created) {
  *created = false;
  if (!args.root_access_key_id.empty() || !args.root_secret_access_key.empty()) {
    if (args.root_access_key_id.empty() || args.root_secret_access_key.empty())
      return Status::InvalidArgument(
          "set both KILN_ROOT_ACCESS_KEY_ID and KILN_ROOT_SECRET_ACCESS_KEY, or neither");
    AccessKey k;
    k.access_key_id = args.root_access_key_id;
    k.secret_access_key = args.root_secret_access_key;
    k.created_unix = static_cast<std::int64_t>(std::time(nullptr));
    k.description = "root key from KILN_ROOT_ACCESS_KEY_ID";
    RETURN_IF_ERROR(keys.Put(k).WithContext("KILN_ROOT_ACCESS_KEY_ID"));
    return k;
  }
  ASSIGN_OR_RETURN(std::vector<AccessKey> all, keys.List());
  if (!all.empty())
    return all.front();
  *created = true;
  return keys.Create("created at first start");
}

void PrintWelcome(const std::string& url, const AccessKey& key, bool created, bool show_secret,
                  const std::string& region) {
  std::printf("\nKiln speaks the S3 and SageMaker APIs at %s\n", url.c_str());
  if (created)
    std::printf("A first access key was created (kiln keys list shows it again):\n");
  std::printf("  access key id:     %s\n", key.access_key_id.c_str());
  if (show_secret)
    std::printf("  secret access key: %s\n", key.secret_access_key.c_str());
  std::printf(
      "\nboto3 (pass endpoint_url; boto3 1.26 ignores AWS_ENDPOINT_URL):\n"
      "  import boto3\n"
      "  kw = dict(endpoint_url=\"%s\", region_name=\"%s\",\n"
      "            aws_access_key_id=\"%s\", aws_secret_access_key=\"%s\")\n"
      "  s3 = boto3.client(\"s3\", **kw); sm = boto3.client(\"sagemaker\", **kw)\n"
      "aws CLI:\n"
      "  AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=... aws --endpoint-url %s s3 ls\n\n",
      url.c_str(), region.c_str(), key.access_key_id.c_str(),
      show_secret ? key.secret_access_key.c_str() : "<secret>", key.access_key_id.c_str(),
      url.c_str());
  std::fflush(stdout);
}

}  // namespace

Status RunServerCommand(const ServerCommandArgs& args) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(args.data_dir, ec);
  if (ec)
    return Status::IoError("cannot create the data dir " + args.data_dir + ": " + ec.message());
  const std::string data_dir = fs::absolute(args.data_dir).lexically_normal().string();
  RaiseFileLimit();

  // Block the stop signals in every thread; the main thread waits for them below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  ASSIGN_OR_RETURN(std::unique_ptr<KeyStore> keys, KeyStore::Open(data_dir + "/keys.json"));
  bool created = false;
  ASSIGN_OR_RETURN(AccessKey key, BootstrapKeys(*keys, args, &created));
  ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(data_dir + "/kiln.db"));
  ASSIGN_OR_RETURN(std::unique_ptr<ObjectStore> store,
                   ObjectStore::Open(data_dir + "/objects", *db));

  SystemClock clock;
  TrainingJobServiceOptions training_options;
  training_options.data_dir = data_dir + "/jobs";
  training_options.region = args.region;
  training_options.clock = &clock;
  ASSIGN_OR_RETURN(std::unique_ptr<TrainingJobService> training,
                   TrainingJobService::Open(training_options, *db, *store));
  SageMakerApi sagemaker(*training);
  EndpointServiceOptions endpoint_options;
  endpoint_options.region = args.region;
  endpoint_options.scratch_dir = data_dir + "/serve";
  endpoint_options.clock = &clock;
  ASSIGN_OR_RETURN(std::unique_ptr<EndpointService> endpoints,
                   EndpointService::Open(*db, *store, endpoint_options));
  EndpointScalingTarget scaling_target(*endpoints);
  AutoScalingOptions autoscaling_options;
  autoscaling_options.region = args.region;
  autoscaling_options.max_capacity = endpoint_options.max_instances_per_variant;
  autoscaling_options.clock = &clock;
  ASSIGN_OR_RETURN(std::unique_ptr<AutoScalingService> autoscaling,
                   AutoScalingService::Open(*db, scaling_target, autoscaling_options));
  autoscaling->StartScaling();
  TransformJobServiceOptions transform_options;
  transform_options.data_dir = data_dir + "/transform";
  transform_options.region = args.region;
  transform_options.clock = &clock;
  ASSIGN_OR_RETURN(std::unique_ptr<TransformJobService> transform,
                   TransformJobService::Open(transform_options, *db, *store, *endpoints));

  SigV4Verifier verifier(*keys, clock);
  S3ApiOptions s3_options;
  s3_options.region = args.region;
  S3Api s3(*store, s3_options);
  ApiRouterOptions router_options;
  router_options.insecure_dev = args.insecure_dev;
  ApiRouter router(
      verifier, s3,
      [&sagemaker, &endpoints, &transform](std::string_view op, std::string_view body,
                                           const std::string& id) {
        if (auto r = HandleEndpointOperation(*endpoints, op, body, id))
          return std::move(*r);
        if (auto r = HandleTransformOperation(*transform, op, body, id))
          return std::move(*r);
        return sagemaker.Handle(op, body, id);
      },
      router_options);
  router.SetAutoScaling(
      [&autoscaling](std::string_view op, std::string_view body, const std::string& id) {
        return HandleAutoScalingOperation(*autoscaling, op, body, id);
      });
  router.SetRuntime([&endpoints](const HttpRequest& request, std::string_view body) {
    return HandleInvokeEndpoint(*endpoints, request, body);
  });
  // A scaled-to-zero variant holds its first request while an instance starts: not on I/O threads.
  router.SetRuntimeInline(
      [&endpoints](std::string_view name) { return endpoints->ServesInline(name); });
  router.SetMetricsRoute(
      [&endpoints](const HttpRequest&) { return HandleMetricsText(*endpoints); });
  router.SetKilnRoute([&training, &endpoints,
                       &transform](const HttpRequest& request) -> std::optional<HttpResponse> {
    if (auto r = EndpointMetricsRoute(*endpoints, request))
      return r;
    if (auto r = JobLogsRoute(
            "/kiln/v1/training-jobs/", [&](std::string_view name) { return training->Logs(name); },
            request))
      return r;
    return JobLogsRoute(
        "/kiln/v1/transform-jobs/", [&](std::string_view name) { return transform->Logs(name); },
        request);
  });

  HttpServerOptions http_options;
  http_options.host = args.host;
  http_options.port = args.port;
  http_options.tls_cert_file = args.tls_cert;
  http_options.tls_key_file = args.tls_key;
  ASSIGN_OR_RETURN(std::unique_ptr<HttpServer> server, HttpServer::Start(http_options, router));
  const std::string shown_host = args.host.find(':') != std::string::npos
                                     ? "[" + args.host + "]"
                                     : (args.host == "0.0.0.0" ? "127.0.0.1" : args.host);
  const std::string url = std::string(args.tls_cert.empty() ? "http" : "https") + "://" +
                          shown_host + ":" + std::to_string(server->port());
  std::printf("Kiln %s, data in %s%s\n", KILN_VERSION, data_dir.c_str(),
              args.insecure_dev ? " (INSECURE: unsigned requests are accepted)" : "");
  PrintWelcome(url, key, created, created || !args.root_access_key_id.empty(), args.region);
  std::printf("listening on %s\n", url.c_str());
  std::fflush(stdout);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::printf("kiln server: %s received, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
  std::fflush(stdout);
  server->Stop();
  autoscaling.reset();  // the autoscaler stops before the endpoints it scales
  // Running transform jobs end Failed, as training jobs do.
  transform.reset();
  endpoints.reset();
  training.reset();  // running jobs end Failed ("the Kiln server stopped ..."), queued ones wait
  return Status::Ok();
}

Status RunKeysCommand(const KeysCommandArgs& args) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(args.data_dir, ec);
  ASSIGN_OR_RETURN(std::unique_ptr<KeyStore> keys, KeyStore::Open(args.data_dir + "/keys.json"));
  if (args.action == "create") {
    ASSIGN_OR_RETURN(AccessKey k, keys->Create(args.description));
    std::printf("access key id:     %s\nsecret access key: %s\n", k.access_key_id.c_str(),
                k.secret_access_key.c_str());
    return Status::Ok();
  }
  if (args.action == "list") {
    ASSIGN_OR_RETURN(std::vector<AccessKey> all, keys->List());
    std::printf("%-22s %-42s %-20s %s\n", "access key id", "secret access key", "created (UTC)",
                "description");
    for (const AccessKey& k : all) {
      std::time_t t = static_cast<std::time_t>(k.created_unix);
      std::tm tm{};
      gmtime_r(&t, &tm);
      char when[32];
      std::strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
      std::printf("%-22s %-42s %-20s %s\n", k.access_key_id.c_str(), k.secret_access_key.c_str(),
                  when, k.description.c_str());
    }
    return Status::Ok();
  }
  if (args.action == "delete") {
    if (args.access_key_id.empty())
      return Status::InvalidArgument("kiln keys delete needs the access key id");
    RETURN_IF_ERROR(keys->Delete(args.access_key_id));
    std::printf("deleted %s\n", args.access_key_id.c_str());
    return Status::Ok();
  }
  return Status::InvalidArgument("unknown keys action \"" + args.action +
                                 "\" (create, list or delete)");
}

}  // namespace kiln

namespace kiln {

Status RunLogsCommand(const LogsCommandArgs& args) {
  // Job names are [a-zA-Z0-9-]{1,63}: nothing here can leave the jobs directory.
  const bool valid =
      !args.job_name.empty() && args.job_name.size() <= 63 &&
      args.job_name.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == std::string::npos;
  if (!valid)
    return Status::InvalidArgument("\"" + args.job_name + "\" is not a training job name");
  const std::string path = args.data_dir + "/jobs/" + args.job_name + "/training.log";
  auto text = ReadFile(path);
  if (!text.ok() && text.error().code() == StatusCode::kNotFound)  // a batch transform job's log
    text = ReadFile(args.data_dir + "/transform/" + args.job_name + "/transform.log");
  if (!text.ok()) {
    if (text.error().code() == StatusCode::kNotFound)
      return Status::NotFound("no training or transform job \"" + args.job_name +
                              "\" has logs in " + args.data_dir + " (is --data-dir the server's?)");
    return text.error();
  }
  std::fwrite(text->data(), 1, text->size(), stdout);
  return Status::Ok();
}

}  // namespace kiln
