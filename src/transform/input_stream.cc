#include "transform/input_stream.h"

#include <zlib.h>

#include <vector>

#include "store/object_store.h"

namespace kiln {
namespace {

class ObjectStream final : public InputStream {
 public:
  explicit ObjectStream(ObjectReader& reader) : reader_(reader) {}
  Result<std::size_t> Read(char* out, std::size_t n) override {
    ASSIGN_OR_RETURN(std::size_t got, reader_.ReadAt(offset_, out, n));
    offset_ += got;
    return got;
  }
  std::uint64_t consumed() const override { return offset_; }

 private:
  ObjectReader& reader_;
  std::uint64_t offset_ = 0;
};

class GzipStream final : public InputStream {
 public:
  GzipStream(std::unique_ptr<InputStream> in, std::string what)
      : in_(std::move(in)), what_(std::move(what)), buffer_(1 << 16) {
    z_.zalloc = Z_NULL;
    z_.zfree = Z_NULL;
    z_.opaque = Z_NULL;
    ok_ = inflateInit2(&z_, 15 + 16) == Z_OK;  // gzip wrapper only
  }
  ~GzipStream() override { inflateEnd(&z_); }
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  Result<std::size_t> Read(char* out, std::size_t n) override {
    if (!ok_)
      return Status::Internal(what_ + ": zlib did not start");
    z_.next_out = reinterpret_cast<Bytef*>(out);
    z_.avail_out = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
    while (z_.avail_out == static_cast<uInt>(std::min<std::size_t>(n, 1u << 30))) {
      if (z_.avail_in == 0) {
        if (input_done_)
          break;
        ASSIGN_OR_RETURN(std::size_t got, in_->Read(buffer_.data(), buffer_.size()));
        if (got == 0) {
          input_done_ = true;
          if (in_member_)
            return Status::InvalidArgument(what_ + " is not valid gzip: the stream is truncated");
          break;
        }
        z_.next_in = reinterpret_cast<Bytef*>(buffer_.data());
        z_.avail_in = static_cast<uInt>(got);
      }
      in_member_ = true;
      const int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        in_member_ = false;
        inflateReset(&z_);  // another member may follow
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        return Status::InvalidArgument(what_ + " is not valid gzip (CompressionType Gzip): " +
                                       (z_.msg != nullptr ? z_.msg : "inflate failed"));
      }
    }
    return static_cast<std::size_t>(std::min<std::size_t>(n, 1u << 30) - z_.avail_out);
  }
  std::uint64_t consumed() const override { return in_->consumed(); }

 private:
  std::unique_ptr<InputStream> in_;
  std::string what_;
  std::vector<char> buffer_;
  z_stream z_{};
  bool ok_ = false;
  bool input_done_ = false;
  bool in_member_ = false;
};

}  // namespace

std::unique_ptr<InputStream> ObjectInputStream(ObjectReader& reader) {
  return std::make_unique<ObjectStream>(reader);
}

std::unique_ptr<InputStream> GzipInputStream(std::unique_ptr<InputStream> compressed,
                                             std::string what) {
  return std::make_unique<GzipStream>(std::move(compressed), std::move(what));
}

}  // namespace kiln
