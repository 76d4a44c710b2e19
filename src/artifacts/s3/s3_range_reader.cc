#include "artifacts/s3/s3_range_reader.h"

#include <algorithm>
#include <charconv>
#include <utility>

namespace mlops::s3 {
namespace {

// The total size from a Content-Range header, "bytes 0-99/1234" or "bytes */1234"; -1 if absent.
std::int64_t TotalSize(const Response& r) {
  const auto it = r.headers.find("content-range");
  if (it == r.headers.end()) return -1;
  const std::string& value = it->second;
  const auto slash = value.rfind('/');
  std::int64_t size = -1;
  if (slash != std::string::npos) {
    std::from_chars(value.data() + slash + 1, value.data() + value.size(), size);
  }
  return size;
}

}  // namespace

RangeReader::RangeReader(Client& client, std::string path, std::int64_t begin, std::int64_t end,
                         std::size_t window_bytes)
    : client_(client),
      path_(std::move(path)),
      next_(begin),
      end_(end),
      window_bytes_(window_bytes) {}

StatusOr<std::unique_ptr<ArtifactReader>> RangeReader::Open(Client& client, std::string path,
                                                            std::int64_t offset,
                                                            std::optional<std::int64_t> length,
                                                            std::size_t window_bytes) {
  const std::int64_t wanted_end = length ? offset + *length : INT64_MAX;
  std::unique_ptr<RangeReader> reader(
      new RangeReader(client, std::move(path), offset, wanted_end, window_bytes));
  if (length != 0) {
    ASSIGN_OR_RETURN(Response r, reader->Fetch());
    if (r.status == 206) {
      const std::int64_t size = TotalSize(r);
      if (size < 0) return Internal("GET " + reader->path_ + ": no size in Content-Range");
      reader->etag_ = r.headers["etag"];
      reader->end_ = std::min(wanted_end, size);
      reader->next_ = offset + static_cast<std::int64_t>(reader->buffer_.size());
      return std::unique_ptr<ArtifactReader>(std::move(reader));
    }
    // 200 instead of 206 would mean the server ignored the range.
    if (r.status != 416) return ErrorStatus(r, "GET " + reader->path_);
  }
  // An empty range, or one starting at or past the end (any range of an empty object does):
  // only the size tells whether it is valid.
  ASSIGN_OR_RETURN(Response head, client.Send({.method = "HEAD", .path = reader->path_}));
  if (!Succeeded(head)) return ErrorStatus(head, "HEAD " + reader->path_);
  const std::int64_t size = ContentLength(head);
  if (size < 0) return Internal("HEAD " + reader->path_ + ": no Content-Length");
  if (offset > size) return InvalidArgument("range starts past the end of " + reader->path_);
  reader->buffer_.clear();
  reader->end_ = offset;
  return std::unique_ptr<ArtifactReader>(std::move(reader));
}

StatusOr<std::string> RangeReader::Read(std::size_t max) {
  if (buffer_pos_ == buffer_.size()) {
    if (next_ >= end_) return std::string();
    RETURN_IF_ERROR(Refill());
  }
  const std::size_t n = std::min(max, buffer_.size() - buffer_pos_);
  std::string out = buffer_.substr(buffer_pos_, n);
  buffer_pos_ += n;
  return out;
}

StatusOr<Response> RangeReader::Fetch() {
  const std::int64_t last = std::min<std::int64_t>(next_ + window_bytes_, end_) - 1;
  buffer_.clear();
  buffer_pos_ = 0;
  std::vector<net::HttpHeader> headers = {
      {"Range", "bytes=" + std::to_string(next_) + "-" + std::to_string(last)}};
  if (!etag_.empty()) headers.push_back({"If-Match", etag_});
  return client_.Send({.method = "GET",
                       .path = path_,
                       .headers = std::move(headers),
                       .on_body = [this](std::string_view chunk) {
                         buffer_.append(chunk);
                         return buffer_.size() <= window_bytes_;
                       }});
}

Status RangeReader::Refill() {
  ASSIGN_OR_RETURN(Response r, Fetch());
  const std::string what = "GET " + path_;
  if (r.status == 412) return Internal(what + ": the object changed while it was being read");
  if (r.status != 206) return ErrorStatus(r, what);
  if (buffer_.empty()) return Internal(what + ": empty answer to a range inside the object");
  next_ += static_cast<std::int64_t>(buffer_.size());
  return OkStatus();
}

}  // namespace mlops::s3
