// `kiln server` and `kiln keys`: run the platform server on a data directory, and manage the access
// keys that may call it.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace kiln {

struct ServerCommandArgs {
  std::string data_dir = ".kiln";
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  bool insecure_dev = false;
  std::string tls_cert;  // PEM; with tls_key: serve HTTPS
  std::string tls_key;
  // From KILN_ROOT_ACCESS_KEY_ID / KILN_ROOT_SECRET_ACCESS_KEY (read by main), empty if unset.
  std::string root_access_key_id;
  std::string root_secret_access_key;
  std::string region = "us-east-1";
};

// Runs in the foreground until SIGINT or SIGTERM. Prints `listening on http://HOST:PORT` (flushed)
// once it accepts requests.
Status RunServerCommand(const ServerCommandArgs& args);

struct KeysCommandArgs {
  std::string data_dir = ".kiln";
  std::string action;         // create | list | delete
  std::string access_key_id;  // delete
  std::string description;    // create
};

Status RunKeysCommand(const KeysCommandArgs& args);

struct LogsCommandArgs {
  std::string data_dir = ".kiln";
  std::string job_name;
};

// `kiln logs JOB`: prints a training job's log from the server's data dir.
Status RunLogsCommand(const LogsCommandArgs& args);

}  // namespace kiln
