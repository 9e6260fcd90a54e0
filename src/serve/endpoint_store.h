// EndpointStore: models, endpoint configs and endpoints in Kiln's metadata database (component
// "serve").
//
// Schema (migration serve/0001_endpoints; see docs/formats/metadata.md):
//   serve_models(name PK, arn UNIQUE, spec JSON, creation_ms)
//   serve_endpoint_configs(name PK, arn UNIQUE, spec JSON, creation_ms)
//   serve_endpoints(name PK, arn UNIQUE, status, failure_reason, current_spec JSON,
//                   pending_spec JSON NULL, pending_kind, pending_start_ms, generation, tags JSON,
//                   creation_ms, last_modified_ms)
// The JSON documents are internal/record_json.h's. ARNs lower-case the name, so two names that
// differ only in case collide (AlreadyExists), as the ARN must be unique.
//
// Thread-safe (the Database serializes writes; each call is one transaction).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "serve/endpoint_types.h"

namespace kiln {

class Database;

class EndpointStore {
 public:
  // Applies the component's migrations. `db` must outlive the store.
  static Result<std::unique_ptr<EndpointStore>> Open(Database& db);
  explicit EndpointStore(Database& db) : db_(db) {}

  // AlreadyExists when the name or the ARN is taken.
  Status InsertModel(const ModelRecord& model);
  Result<std::optional<ModelRecord>> FindModel(std::string_view name);
  // Whether a model was removed.
  Result<bool> DeleteModel(std::string_view name);
  Result<std::vector<ModelRecord>> ListModels();

  Status InsertConfig(const EndpointConfigRecord& config);
  Result<std::optional<EndpointConfigRecord>> FindConfig(std::string_view name);
  Result<bool> DeleteConfig(std::string_view name);
  Result<std::vector<EndpointConfigRecord>> ListConfigs();

  Status InsertEndpoint(const EndpointRecord& endpoint);
  Result<std::optional<EndpointRecord>> FindEndpoint(std::string_view name);
  Result<std::vector<EndpointRecord>> ListEndpoints();
  // Reads the endpoint, lets `fn` change it and writes everything back in one transaction; when
  // `fn` fails nothing is written and its error is returned. NotFound when absent. `fn` must not
  // call the store.
  Status UpdateEndpoint(std::string_view name, const std::function<Status(EndpointRecord*)>& fn);
  Result<bool> DeleteEndpoint(std::string_view name);

 private:
  Database& db_;
};

}  // namespace kiln
