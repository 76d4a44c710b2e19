#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "common/status.h"

namespace mlops {

// The headers of one multipart/form-data part that matter to us.
struct PartHeaders {
  std::string name;                     // Content-Disposition name=
  std::optional<std::string> filename;  // Content-Disposition filename= (raw, unsanitized)
  std::string content_type;             // Content-Type, "" if absent
};

// Receives the parts of a multipart body as they are parsed. Any non-OK status returned by a
// callback stops the parser, and Feed() returns that status unchanged. A part cut short by an
// error gets no OnPartEnd(): the caller must treat what it received so far as incomplete.
class MultipartHandler {
 public:
  virtual ~MultipartHandler() = default;
  virtual Status OnPartBegin(const PartHeaders& headers) = 0;
  // Called zero or more times per part with consecutive slices of its body.
  virtual Status OnPartData(std::string_view data) = 0;
  virtual Status OnPartEnd() = 0;
};

// A streaming (push) parser for multipart/form-data (RFC 7578 / RFC 2046). Holds at most one
// boundary's length of body bytes plus the current part's headers in memory, whatever the size of
// the parts. Not thread-safe.
class MultipartParser {
 public:
  struct Limits {
    std::size_t max_header_bytes = std::size_t{16} * 1024;  // all header lines of one part
    std::size_t max_parts = 16;
  };

  // Extracts the boundary from a Content-Type value such as
  // `multipart/form-data; boundary="abc"`. UNSUPPORTED_MEDIA_TYPE if it is not
  // multipart/form-data; MALFORMED if the boundary is missing, empty or longer than 70 chars.
  static StatusOr<std::string> BoundaryFromContentType(std::string_view content_type);

  MultipartParser(std::string boundary, MultipartHandler& handler, Limits limits);
  MultipartParser(std::string boundary, MultipartHandler& handler)
      : MultipartParser(std::move(boundary), handler, Limits{}) {}
  MultipartParser(const MultipartParser&) = delete;
  MultipartParser& operator=(const MultipartParser&) = delete;

  // Consumes the next bytes of the body, in any slicing. MALFORMED with a precise message on a
  // syntax error (missing boundary, bad part headers, missing Content-Disposition name, too many
  // parts, oversized headers); the handler's error if a callback fails. After an error every call
  // returns it again.
  Status Feed(std::string_view data);

  // Declares the end of the body. MALFORMED if the closing boundary was not seen (truncated).
  Status Finish();

  bool done() const;

  // Bytes held between Feed() calls: a possibly partial delimiter (< boundary length + 6) or the
  // current part's header block (<= max_header_bytes + 4). For tests and memory accounting.
  std::size_t buffered_bytes() const { return buffer_.size(); }

 private:
  // Implementation state lives in the .cc (see MultipartParser::State there).
  enum class State;
  Status Fail(Status status);
  Status Step(std::string_view& in);
  Status ScanForDelimiter(std::string_view& in);
  Status ResumeDelimiter(std::string_view& in);
  Status DelimiterFound();
  Status Emit(std::string_view data);
  Status AfterDelimiter(std::string_view& in);
  Status BeginHeaders();
  Status ReadHeaders(std::string_view& in);
  Status EndHeaders(std::size_t lines_size);

  std::string delimiter_;  // "\r\n--" + boundary: RFC 2046's delimiter, CRLF included
  MultipartHandler& handler_;
  Limits limits_;
  State state_;
  std::string buffer_;  // unconsumed bytes, bounded as documented above
  std::size_t parts_ = 0;
  Status error_;
};

}  // namespace mlops
