#include "http/internal/response_head.h"

#include <boost/beast/http/status.hpp>
#include <charconv>

namespace kiln::http_internal {

namespace bhttp = boost::beast::http;

std::string_view DateCache::Now() {
  const std::time_t t = std::time(nullptr);
  if (t != second_) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    size_ = std::strftime(text_, sizeof(text_), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    second_ = t;
  }
  return std::string_view(text_, size_);
}

namespace {

void AppendNumber(std::uint64_t v, std::string& out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  out.append(buf, end);
}

}  // namespace

bool AppendResponseHead(const HttpResponse& r, bool keep_alive, std::string_view date,
                        std::string& out) {
  out += "HTTP/1.1 ";
  AppendNumber(static_cast<std::uint64_t>(r.status), out);
  out += ' ';
  const auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(r.status));
  out.append(reason.data(), reason.size());
  out += "\r\n";
  bool has_date = false;
  for (const auto& [k, v] : r.headers) {
    if (HeaderNameEquals(k, "content-length") || HeaderNameEquals(k, "connection") ||
        HeaderNameEquals(k, "transfer-encoding"))
      continue;
    has_date = has_date || HeaderNameEquals(k, "date");
    out += k;
    out += ": ";
    out += v;
    out += "\r\n";
  }
  if (!has_date) {
    out += "Date: ";
    out += date;
    out += "\r\n";
  }
  const bool no_body_status =
      r.status == 204 || r.status == 304 || (r.status >= 100 && r.status < 200);
  std::uint64_t length = r.stream ? r.stream_length : r.body.size();
  if (r.omit_body && r.announced_length)
    length = *r.announced_length;
  if (!no_body_status) {
    out += "Content-Length: ";
    AppendNumber(length, out);
    out += "\r\n";
  }
  if (!keep_alive)
    out += "Connection: close\r\n";
  out += "\r\n";
  return !r.omit_body && !no_body_status;
}

HttpResponse PlainError(int status, const std::string& message) {
  HttpResponse r;
  r.status = status;
  r.body = message + "\n";
  r.SetHeader("Content-Type", "text/plain; charset=utf-8");
  return r;
}

}  // namespace kiln::http_internal
