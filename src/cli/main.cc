// kiln: the command-line entry point. Parses flags, runs one command, and maps its Status to the
// exit code: 0 on success, otherwise 1 (2 for usage errors) with a one-line reason on stderr.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli/automl_command.h"
#include "cli/command_util.h"
#include "cli/explain_command.h"
#include "cli/import_command.h"
#include "cli/openmp_wait_policy.h"
#include "cli/predict_command.h"
#include "cli/profile_command.h"
#include "cli/server_command.h"
#include "cli/train_command.h"
#include "learn/metrics.h"

namespace {

std::string OneLine(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r')
      c = ' ';
  }
  while (!s.empty() && s.back() == ' ')
    s.pop_back();
  return s;
}

int Fail(const kiln::Status& s) {
  std::fprintf(stderr, "kiln: error: %s\n", OneLine(s.message()).c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  kiln::PreferPassiveOpenMpWaits(argc, argv);  // may re-execute the process; before the clock
  const auto start = std::chrono::steady_clock::now();
  CLI::App app{"Kiln: a self-hosted machine-learning platform"};
  app.set_version_flag("--version", std::string("kiln ") + KILN_VERSION);
  app.require_subcommand(1);

  kiln::AutomlCommandArgs automl;
  std::string automl_problem, automl_metric;
  std::uint64_t automl_seed = 0;
  auto* a = app.add_subcommand("automl", "Search pipelines and learners; write the best ensemble");
  a->add_option("train", automl.train_path, "Training data (CSV or JSON Lines, optionally .gz)")
      ->required();
  a->add_option("--target", automl.options.target, "Column to predict")->required();
  a->add_option("--out", automl.out_dir, "Output directory (absent or empty)")->required();
  a->add_option("--time-limit", automl.options.time_limit_seconds, "Seconds for the whole run")
      ->default_val(120);
  a->add_option("--max-trials", automl.options.max_trials, "Stop after N candidates");
  a->add_option("--seed", automl_seed, "Random seed")->default_val(0);
  a->add_option("--problem-type", automl_problem, "binary, multiclass or regression");
  a->add_option("--metric", automl_metric, "Metric to optimize (default: auc/logloss/rmse)");
  a->add_flag("--overwrite", automl.overwrite, "Replace the contents of --out");

  kiln::PredictCommandArgs predict;
  auto* p = app.add_subcommand("predict", "Predict with a model.kiln");
  p->add_option("model", predict.model_path, "model.kiln file")->required();
  p->add_option("data", predict.data_path, "Data to predict (CSV or JSON Lines)")->required();
  p->add_option("--out", predict.out_path, "Predictions CSV to write")->required();
  p->add_option("--id-column", predict.id_column, "Copy this column first into the output");

  kiln::TrainCommandArgs train;
  std::string train_problem;
  auto* t = app.add_subcommand("train", "Train one learner with given hyperparameters");
  t->add_option("--algorithm", train.algorithm,
                "xgboost, linear, random_forest, extra_trees, knn, kmeans or pca")
      ->required();
  t->add_option("--target", train.target, "Column to predict");
  t->add_option("train", train.train_path, "Training data")->required();
  t->add_option("--validation", train.validation_path, "Validation data (early stopping)");
  t->add_option("--hp", train.hyperparameters, "Hyperparameter NAME=VALUE (repeatable)")
      ->allow_extra_args(false);
  t->add_option("--problem-type", train_problem, "binary, multiclass or regression");
  t->add_option("--seed", train.seed, "Random seed")->default_val(0);
  t->add_option("--out", train.out_dir, "Output directory (absent or empty)")->required();
  t->add_flag("--overwrite", train.overwrite, "Replace the contents of --out");

  kiln::ExplainCommandArgs explain;
  auto* e = app.add_subcommand("explain", "SHAP values of a model's predictions, per input column");
  e->add_option("model", explain.model_path, "model.kiln file")->required();
  e->add_option("data", explain.data_path, "Data to explain (CSV or JSON Lines)")->required();
  e->add_option("--out", explain.out_path, "SHAP CSV to write")->required();

  kiln::ProfileCommandArgs profile;
  auto* pr = app.add_subcommand("profile", "Column statistics, target analysis and data warnings");
  pr->add_option("data", profile.data_path, "Data to profile (CSV or JSON Lines)")->required();
  pr->add_option("--target", profile.target, "Column to predict (adds the target analysis)");
  pr->add_option("--out", profile.out_dir, "Write profile.json and profile.html here");
  pr->add_flag("--overwrite", profile.overwrite, "Replace the contents of --out");

  kiln::ServerCommandArgs server;
  auto* sv = app.add_subcommand("server", "Run the platform server (S3, SageMaker APIs)");
  sv->add_option("--data-dir", server.data_dir, "Where buckets, metadata and keys live")
      ->default_val(".kiln");
  sv->add_option("--host", server.host, "Address to listen on (0.0.0.0: every interface)")
      ->default_val("127.0.0.1");
  sv->add_option("--port", server.port, "Port (0 picks a free one)")->default_val(8080);
  sv->add_option("--region", server.region, "Region clients sign for")->default_val("us-east-1");
  sv->add_option("--tls-cert", server.tls_cert, "PEM certificate (chain): serve HTTPS");
  sv->add_option("--tls-key", server.tls_key, "PEM private key of --tls-cert");
  sv->add_flag("--insecure-dev", server.insecure_dev,
               "Accept unsigned requests (local development only)");

  kiln::LogsCommandArgs logs;
  auto* lg = app.add_subcommand("logs", "Print a training job's log");
  lg->add_option("job", logs.job_name, "Training job name")->required();
  lg->add_option("--data-dir", logs.data_dir, "The server's data dir")->default_val(".kiln");

  kiln::KeysCommandArgs keys;
  auto* ks = app.add_subcommand("keys", "Manage the access keys that may call the server");
  ks->add_option("action", keys.action, "create, list or delete")->required();
  ks->add_option("access_key_id", keys.access_key_id, "The key to delete");
  ks->add_option("--data-dir", keys.data_dir, "The server's data dir")->default_val(".kiln");
  ks->add_option("--description", keys.description, "A note kept with a created key");

  kiln::ImportCommandArgs import_args;
  auto* im = app.add_subcommand(
      "import",
      "Copy a file, directory, http(s) URL or S3 objects into s3://bucket/key (resumable)");
  im->add_option("source", import_args.source,
                 "Local file or directory, http(s)://..., s3://bucket/key or s3://bucket/prefix/")
      ->required();
  im->add_option("destination", import_args.destination, "s3://bucket/key or s3://bucket/prefix/")
      ->required();
  im->add_option("--endpoint-url", import_args.endpoint_url, "The destination server")
      ->default_val("http://127.0.0.1:8080");
  im->add_option("--access-key-id", import_args.access_key_id,
                 "Destination key (default: $AWS_ACCESS_KEY_ID)");
  im->add_option("--secret-access-key", import_args.secret_access_key,
                 "Destination secret (default: $AWS_SECRET_ACCESS_KEY)");
  im->add_option("--source-endpoint-url", import_args.source_endpoint_url,
                 "S3 endpoint of an s3:// source (default: the destination's)");
  im->add_option("--source-access-key-id", import_args.source_access_key_id, "Source key");
  im->add_option("--source-secret-access-key", import_args.source_secret_access_key,
                 "Source secret");
  im->add_option("--part-size", import_args.part_size_mib, "Multipart part size in MiB (5 to 5120)")
      ->default_val(8);
  im->add_option("--region", import_args.region, "Region to sign for")->default_val("us-east-1");
  im->add_option("--ca-bundle", import_args.ca_bundle, "PEM certificates to trust for https");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "kiln: error: %s (see kiln --help)\n", OneLine(e.what()).c_str());
    return 2;
  }

  kiln::Status status;
  if (a->parsed()) {
    automl.options.start = start;
    automl.options.seed = automl_seed;
    automl.command_line = kiln::JoinArgs(argc, argv);
    if (!automl_problem.empty()) {
      auto task = kiln::ParseTask(automl_problem);
      if (!task.has_value())
        return Fail(task.error());
      automl.options.problem_type = *task;
    }
    if (!automl_metric.empty()) {
      auto metric = kiln::ParseMetric(automl_metric);
      if (!metric.has_value())
        return Fail(metric.error());
      automl.options.metric = *metric;
    }
    status = kiln::RunAutomlCommand(automl);
  } else if (p->parsed()) {
    status = kiln::RunPredictCommand(predict);
  } else if (t->parsed()) {
    train.command_line = kiln::JoinArgs(argc, argv);
    if (!train_problem.empty()) {
      auto task = kiln::ParseTask(train_problem);
      if (!task.has_value())
        return Fail(task.error());
      train.problem_type = *task;
    }
    status = kiln::RunTrainCommand(train);
  } else if (e->parsed()) {
    status = kiln::RunExplainCommand(explain);
  } else if (pr->parsed()) {
    status = kiln::RunProfileCommand(profile);
  } else if (sv->parsed()) {
    if (const char* id = std::getenv("KILN_ROOT_ACCESS_KEY_ID"))
      server.root_access_key_id = id;
    if (const char* secret = std::getenv("KILN_ROOT_SECRET_ACCESS_KEY"))
      server.root_secret_access_key = secret;
    status = kiln::RunServerCommand(server);
  } else if (ks->parsed()) {
    status = kiln::RunKeysCommand(keys);
  } else if (lg->parsed()) {
    status = kiln::RunLogsCommand(logs);
  } else if (im->parsed()) {
    if (const char* id = std::getenv("AWS_ACCESS_KEY_ID"); id && import_args.access_key_id.empty())
      import_args.access_key_id = id;
    if (const char* secret = std::getenv("AWS_SECRET_ACCESS_KEY");
        secret && import_args.secret_access_key.empty())
      import_args.secret_access_key = secret;
    if (const char* cache = std::getenv("XDG_CACHE_HOME"); cache && *cache)
      import_args.state_dir = std::string(cache) + "/kiln/import";
    else if (const char* home = std::getenv("HOME"); home && *home)
      import_args.state_dir = std::string(home) + "/.cache/kiln/import";
    status = kiln::RunImportCommand(import_args);
  }
  if (!status.ok())
    return Fail(status);
  return 0;
}
