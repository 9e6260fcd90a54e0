// One S3 request as S3Api's handlers see it: bucket, key and the decoded query, plus the small
// response builders they share. Private to src/api.
#pragma once

#include <map>
#include <string>

#include "api/s3_api.h"
#include "common/status.h"
#include "http/http_message.h"

namespace kiln {

struct SignatureInfo;

struct S3Api::Call {
  HttpRequest& req;
  const SignatureInfo* signature;
  std::string bucket;  // decoded; empty for "/"
  std::string key;     // decoded; keeps '//', '..' and a trailing '/'
  bool has_key = false;
  std::map<std::string, std::string> query;  // decoded names and values ('+' stays '+')

  std::string Param(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? std::string() : it->second;
  }
};

// Splits the path into bucket and key and decodes the query (path-style addressing).
Status ParseCall(const HttpRequest& request, S3Api::Call* call);

HttpResponse Empty(const S3Api::Call& c, int status);
HttpResponse XmlResponse(const S3Api::Call& c, std::string xml);

}  // namespace kiln
