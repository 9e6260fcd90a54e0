// The http(s) ObjectSource (see http_source.h): HEAD, resumable ranged GETs, redirects.
#include "s3client/http_source.h"

#include <charconv>
#include <functional>

namespace kiln {
namespace {

bool IsRedirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::string ReasonPhrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 410:
      return "Gone";
    case 416:
      return "Range Not Satisfiable";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    default:
      return "";
  }
}

class HttpSource final : public ObjectSource {
 public:
  HttpSource(Url url, HttpSourceOptions options)
      : url_(std::move(url)), options_(std::move(options)) {
    name_ = url_.Origin() + url_.target;
  }

  std::string name() const override { return name_; }

  Result<SourceInfo> Stat() override {
    RetryCounter retry(options_.retry);
    while (true) {
      Result<HttpClientResponse> r = Follow("HEAD", {}, nullptr, nullptr);
      if (!r.ok()) {
        if (retry.CanRetry() && IsTransientTransportError(r.error())) {
          retry.Wait();
          continue;
        }
        return retry.GaveUp(r.error());
      }
      if (r->status == 405 || r->status == 501) {
        // No HEAD: stream it blind (no size, no resume).
        info_ = SourceInfo{};
        info_.ranges = false;
        return info_;
      }
      if (r->status < 200 || r->status >= 300) {
        if (retry.CanRetry() && IsRetryableHttpStatus(r->status, "")) {
          retry.Wait();
          continue;
        }
        return retry.GaveUp(HttpError(r->status));
      }
      info_ = SourceInfo{};
      if (auto cl = r->Header("content-length"); cl && !r->Header("transfer-encoding")) {
        std::uint64_t n = 0;
        auto [end, ec] = std::from_chars(cl->data(), cl->data() + cl->size(), n);
        if (ec == std::errc() && end == cl->data() + cl->size())
          info_.size = n;
      }
      etag_ = std::string(r->Header("etag").value_or(""));
      last_modified_ = std::string(r->Header("last-modified").value_or(""));
      if (!etag_.empty() || !last_modified_.empty()) {
        info_.identity = "etag=" + etag_ + ";last-modified=" + last_modified_ +
                         ";length=" + (info_.size ? std::to_string(*info_.size) : "?");
      }
      info_.content_type = std::string(r->Header("content-type").value_or(""));
      info_.ranges = r->Header("accept-ranges").value_or("") == "bytes";
      return info_;
    }
  }

  Status ReadFrom(std::uint64_t offset, const BodySink& sink) override {
    ResumingSink download(offset, sink);
    const std::function<Status(const HttpClientResponse&)> on_head =
        [&](const HttpClientResponse& head) -> Status {
      if (head.status < 200 || head.status >= 300)
        return Status::Ok();
      const std::string etag(head.Header("etag").value_or(""));
      const std::string modified(head.Header("last-modified").value_or(""));
      if ((!etag_.empty() && etag != etag_) ||
          (!last_modified_.empty() && modified != last_modified_))
        return Status::FailedPrecondition(name_ + " changed while it was being imported (ETag " +
                                          etag_ + " -> " + etag + ")")
            .WithReason("SourceChanged");
      download.SkipFirst(head.status == 200 ? download.position() : 0);
      return Status::Ok();
    };
    RetryCounter retry(options_.retry);
    while (true) {
      HttpHeaderList headers;
      if (download.position() > 0 && info_.ranges)
        headers.emplace_back("Range", "bytes=" + std::to_string(download.position()) + "-");
      headers.emplace_back("Accept-Encoding", "identity");
      download.StartAttempt();
      Result<HttpClientResponse> r = Follow("GET", headers, &download.sink(), &on_head);
      if (!download.sink_status().ok())
        return download.sink_status();
      if (download.progressed())
        retry.Reset();
      const std::uint64_t position = download.position();
      if (!r.ok()) {
        if (retry.CanRetry() && IsTransientTransportError(r.error())) {
          if (!info_.resumable() && position > offset)
            return r.error().WithContext(name_ +
                                         " (the download broke midway and the server "
                                         "sends no ETag or Last-Modified to resume it)");
          retry.Wait();
          continue;
        }
        return retry.GaveUp(r.error());
      }
      if (r->status == 416 && info_.size && position == *info_.size)
        return Status::Ok();
      if (r->status < 200 || r->status >= 300) {
        if (retry.CanRetry() && IsRetryableHttpStatus(r->status, "")) {
          retry.Wait();
          continue;
        }
        return retry.GaveUp(HttpError(r->status));
      }
      if (info_.size && position != *info_.size)
        return Status::IoError(name_ + " ended after " + std::to_string(position) + " of " +
                               std::to_string(*info_.size) + " bytes")
            .WithReason("ConnectionError");
      return Status::Ok();
    }
  }

 private:
  Status HttpError(int status) const {
    std::string text = name_ + ": HTTP " + std::to_string(status);
    if (const std::string phrase = ReasonPhrase(status); !phrase.empty())
      text += " " + phrase;
    if (status == 404 || status == 410)
      return Status::NotFound(text).WithReason("NotFound");
    if (status >= 500 || status == 429)
      return Status::IoError(text);
    return Status::InvalidArgument(text);
  }

  // One request, following redirects from the current URL (a permanent move sticks).
  Result<HttpClientResponse> Follow(
      const std::string& method, const HttpHeaderList& headers, const BodySink* sink,
      const std::function<Status(const HttpClientResponse&)>* on_head) {
    Url url = current_ ? *current_ : url_;
    for (int hop = 0;; ++hop) {
      if (!client_ || client_->origin().Origin() != url.Origin())
        client_ = std::make_unique<HttpClient>(url, options_.http);
      HttpClientRequest req;
      req.method = method;
      req.target = url.target;
      req.headers = headers;
      ASSIGN_OR_RETURN(HttpClientResponse r, client_->Send(req, sink, on_head));
      if (!IsRedirect(r.status))
        return r;
      auto location = r.Header("location");
      if (!location || hop >= options_.max_redirects)
        return Status::InvalidArgument(name_ +
                                       ": too many redirects or a redirect without "
                                       "Location (HTTP " +
                                       std::to_string(r.status) + ")");
      ASSIGN_OR_RETURN(url, ResolveUrl(url, *location));
      if (r.status == 301 || r.status == 308)
        current_ = url;
    }
  }

  Url url_;
  std::optional<Url> current_;
  HttpSourceOptions options_;
  std::string name_;
  std::unique_ptr<HttpClient> client_;
  SourceInfo info_;
  std::string etag_;
  std::string last_modified_;
};

}  // namespace

std::unique_ptr<ObjectSource> NewHttpSource(Url url, HttpSourceOptions options) {
  return std::make_unique<HttpSource>(std::move(url), std::move(options));
}

}  // namespace kiln
