#include "api/json_call.h"

#include <exception>

#include "api/json_errors.h"

namespace kiln {

HttpResponse JsonCall(std::string_view operation, std::string_view body,
                      const std::string& request_id,
                      const std::function<Result<nlohmann::json>(const nlohmann::json&)>& run) {
  using json = nlohmann::json;
  try {
    json in = json::object();
    if (body.find_first_not_of(" \t\r\n") != std::string_view::npos) {
      in = json::parse(body, nullptr, false);
      if (in.is_discarded() || !in.is_object()) {
        return JsonError(400, "SerializationException",
                         "the request body of " + std::string(operation) + " is not a JSON object",
                         request_id);
      }
    }
    Result<json> out = run(in);
    if (!out.ok())
      return JsonErrorFromStatus(out.error(), request_id);
    HttpResponse r;
    r.status = 200;
    r.body = out->dump(-1, ' ', false, json::error_handler_t::replace);
    r.SetHeader("Content-Type", "application/x-amz-json-1.1");
    r.SetHeader("x-amzn-RequestId", request_id);
    return r;
  } catch (const std::exception& e) {
    return JsonError(500, "InternalFailure",
                     std::string("internal error in ") + std::string(operation) + ": " + e.what(),
                     request_id);
  } catch (...) {
    return JsonError(500, "InternalFailure", "internal error in " + std::string(operation),
                     request_id);
  }
}

}  // namespace kiln
