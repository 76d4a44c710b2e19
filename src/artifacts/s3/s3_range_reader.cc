#include "artifacts/s3/s3_range_reader.h"

#include <algorithm>
#include <utility>

namespace mlops::s3 {

RangeReader::RangeReader(Client& client, std::string path, std::string etag, std::int64_t begin,
                         std::int64_t end, std::size_t window_bytes)
    : client_(client),
      path_(std::move(path)),
      etag_(std::move(etag)),
      next_(begin),
      end_(end),
      window_bytes_(window_bytes) {}

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

Status RangeReader::Refill() {
  const std::int64_t last = std::min<std::int64_t>(next_ + window_bytes_, end_) - 1;
  buffer_.clear();
  buffer_pos_ = 0;
  std::vector<std::string> headers = {"Range: bytes=" + std::to_string(next_) + "-" +
                                      std::to_string(last)};
  if (!etag_.empty()) headers.push_back("If-Match: " + etag_);
  ASSIGN_OR_RETURN(Response r, client_.Send({.method = "GET",
                                             .path = path_,
                                             .headers = std::move(headers),
                                             .on_body = [this](std::string_view chunk) {
                                               buffer_.append(chunk);
                                               return buffer_.size() <= window_bytes_;
                                             }}));
  const std::string what = "GET " + path_;
  if (r.status == 412) return Internal(what + ": the object changed while it was being read");
  // 200 instead of 206 would mean the server ignored the range and sent the whole object.
  if (r.status != 206) return ErrorStatus(r, what);
  if (buffer_.empty()) return Internal(what + ": empty answer to a range inside the object");
  next_ += static_cast<std::int64_t>(buffer_.size());
  return OkStatus();
}

}  // namespace mlops::s3
