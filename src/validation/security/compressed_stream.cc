#include "validation/security/compressed_stream.h"

#include <archive.h>
#include <archive_entry.h>

#include <cstring>
#include <string>

namespace mlops::validation::security {
namespace {

class LibarchiveStream : public DecompressingStream {
 public:
  LibarchiveStream(ByteStream& input, const InflateLimits& limits)
      : DecompressingStream(limits), input_(input), buffer_(1 << 16, '\0') {}
  ~LibarchiveStream() override {
    if (archive_ != nullptr) archive_read_free(archive_);
  }
  LibarchiveStream(const LibarchiveStream&) = delete;
  LibarchiveStream& operator=(const LibarchiveStream&) = delete;

  Status Open(Compression compression) {
    archive_ = archive_read_new();
    if (archive_ == nullptr) return Internal("libarchive could not be set up");
    int filter = ARCHIVE_OK;
    switch (compression) {
      case Compression::kGzip:
        filter = archive_read_support_filter_gzip(archive_);
        break;
      case Compression::kBzip2:
        filter = archive_read_support_filter_bzip2(archive_);
        break;
      case Compression::kXz:
        filter = archive_read_support_filter_xz(archive_);
        break;
      case Compression::kNone:
        return Internal("no compression to undo");
    }
    if (filter != ARCHIVE_OK || archive_read_support_format_raw(archive_) != ARCHIVE_OK) {
      return Internal("libarchive lacks the " + std::string(ToString(compression)) + " filter");
    }
    if (archive_read_open(archive_, this, nullptr, &LibarchiveStream::ReadCallback, nullptr) !=
        ARCHIVE_OK) {
      return Error();
    }
    archive_entry* entry = nullptr;
    if (archive_read_next_header(archive_, &entry) != ARCHIVE_OK) return Error();
    // libarchive passes data its filter does not recognise through unchanged: beyond the
    // caller's own "none" filter there must be the one asked for.
    if (archive_filter_count(archive_) < 2) {
      return InvalidArgument("the " + std::string(ToString(compression)) +
                             " decoder does not recognise it");
    }
    return OkStatus();
  }

  StatusOr<std::size_t> Read(char* out, std::size_t n) override {
    if (n == 0 || finished_) return std::size_t{0};
    const la_ssize_t got = archive_read_data(archive_, out, n);
    if (!input_error_.ok()) return input_error_;
    if (got < 0) return Error();
    finished_ = got == 0;
    RETURN_IF_ERROR(Account(static_cast<std::uint64_t>(got), consumed_ - counted_));
    counted_ = consumed_;
    return static_cast<std::size_t>(got);
  }

 private:
  static la_ssize_t ReadCallback(archive* /*a*/, void* self, const void** buffer) {
    auto* stream = static_cast<LibarchiveStream*>(self);
    auto got = stream->input_.Read(stream->buffer_.data(), stream->buffer_.size());
    if (!got.ok()) {
      stream->input_error_ = got.status();
      return -1;
    }
    stream->consumed_ += *got;
    *buffer = stream->buffer_.data();
    return static_cast<la_ssize_t>(*got);
  }

  Status Error() {
    if (!input_error_.ok()) return input_error_;
    const char* message = archive_error_string(archive_);
    return InvalidArgument(std::string("cannot be decompressed: ") +
                           (message != nullptr ? message : "libarchive error"));
  }

  ByteStream& input_;
  std::string buffer_;
  archive* archive_ = nullptr;
  Status input_error_;
  std::uint64_t consumed_ = 0;
  std::uint64_t counted_ = 0;
  bool finished_ = false;
};

}  // namespace

std::string_view ToString(Compression compression) {
  switch (compression) {
    case Compression::kGzip:
      return "gzip";
    case Compression::kBzip2:
      return "bzip2";
    case Compression::kXz:
      return "xz";
    case Compression::kNone:
      return "none";
  }
  return "none";
}

Compression SniffCompression(std::string_view prefix) {
  if (prefix.starts_with("\x1f\x8b")) return Compression::kGzip;
  if (prefix.size() >= 4 && prefix.starts_with("BZh") && prefix[3] >= '1' && prefix[3] <= '9') {
    return Compression::kBzip2;
  }
  if (prefix.starts_with(std::string_view("\xfd"
                                          "7zXZ\0",
                                          6)))
    return Compression::kXz;
  return Compression::kNone;
}

StatusOr<std::unique_ptr<DecompressingStream>> OpenDecompressed(ByteStream& input,
                                                                Compression compression,
                                                                const InflateLimits& limits) {
  auto stream = std::make_unique<LibarchiveStream>(input, limits);
  RETURN_IF_ERROR(stream->Open(compression));
  return std::unique_ptr<DecompressingStream>(std::move(stream));
}

}  // namespace mlops::validation::security
