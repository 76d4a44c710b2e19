// libFuzzer target for MultipartParser. Input layout:
//   byte 0: boundary length L (1 + byte % 70), then L boundary bytes (mapped to RFC 2046 bchars),
//   2 bytes: where to split the body for the first Feed(), 1 byte: size of the later feeds,
//   the rest: the body.
// Invariants: slicing never changes the outcome (status, headers, data of every part), callbacks
// come in begin/data*/end order with non-empty data, limits hold, memory stays bounded.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "http/multipart_parser.h"

namespace {

using mlops::MultipartHandler;
using mlops::MultipartParser;
using mlops::PartHeaders;
using mlops::Status;

void Check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
  }
}

// Records everything the parser reports, flattened into one comparable transcript.
class TranscriptHandler : public MultipartHandler {
 public:
  Status OnPartBegin(const PartHeaders& headers) override {
    Check(!in_part_, "OnPartBegin inside a part");
    Check(!headers.name.empty(), "part without a name");
    in_part_ = true;
    ++parts;
    transcript_ += "B" + headers.name + '\0' + headers.filename.value_or("<none>") + '\0' +
                   headers.content_type + '\0';
    return {};
  }
  Status OnPartData(std::string_view data) override {
    Check(in_part_, "OnPartData outside a part");
    Check(!data.empty(), "empty OnPartData");
    // Data is compared as a concatenation: how it is sliced may differ between feedings.
    data_ += data;
    return {};
  }
  Status OnPartEnd() override {
    Check(in_part_, "OnPartEnd outside a part");
    in_part_ = false;
    transcript_ += std::to_string(data_.size()) + ':' + data_ + 'E';
    data_.clear();
    return {};
  }

  // Includes the data of a part left open by an error: that too must not depend on slicing.
  std::string Result() const { return transcript_ + data_; }

  std::size_t parts = 0;

 private:
  bool in_part_ = false;
  std::string transcript_;
  std::string data_;
};

constexpr MultipartParser::Limits kLimits{.max_header_bytes = 256, .max_parts = 4};

std::string Outcome(const Status& status, const TranscriptHandler& handler) {
  return status.ToString() + '\n' + handler.Result();
}

void CheckBounded(const MultipartParser& parser, const std::string& boundary) {
  const std::size_t bound = std::max(boundary.size() + 3, kLimits.max_header_bytes + 4);
  Check(parser.buffered_bytes() <= bound, "buffer exceeds boundary + header limit");
}

std::string ParseOneShot(const std::string& boundary, std::string_view body) {
  TranscriptHandler handler;
  MultipartParser parser(boundary, handler, kLimits);
  Status status = parser.Feed(body);
  CheckBounded(parser, boundary);
  if (status.ok()) status = parser.Finish();
  Check(handler.parts <= kLimits.max_parts, "too many parts reported");
  Check(status.ok() == parser.done(), "Finish() OK but not done, or the reverse");
  return Outcome(status, handler);
}

std::string ParseSliced(const std::string& boundary, std::string_view body, std::size_t split,
                        std::size_t step) {
  TranscriptHandler handler;
  MultipartParser parser(boundary, handler, kLimits);
  Status status = parser.Feed(body.substr(0, split));
  for (std::size_t pos = split; status.ok() && pos < body.size(); pos += step) {
    status = parser.Feed(body.substr(pos, step));
    CheckBounded(parser, boundary);
  }
  if (status.ok()) status = parser.Finish();
  return Outcome(status, handler);
}

char ToBchar(std::uint8_t byte) {
  static constexpr std::string_view kBchars =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'()+_,-./:=?";
  return kBchars.find(static_cast<char>(byte)) != std::string_view::npos
             ? static_cast<char>(byte)
             : kBchars[byte % kBchars.size()];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t boundary_length = 1 + data[0] % 70;
  if (size < 1 + boundary_length + 3) return 0;
  std::string boundary;
  for (std::size_t i = 1; i <= boundary_length; ++i) boundary.push_back(ToBchar(data[i]));
  const std::uint8_t* params = data + 1 + boundary_length;
  const std::string_view body(reinterpret_cast<const char*>(params + 3),
                              size - 1 - boundary_length - 3);
  const std::size_t split = (params[0] | params[1] << 8) % (body.size() + 1);
  const std::size_t step = 1 + params[2];

  const std::string whole = ParseOneShot(boundary, body);
  Check(whole == ParseSliced(boundary, body, split, step), "slicing changed the outcome");

  // The Content-Type parser sees the same bytes; its only contract here is the boundary's length.
  const auto parsed = MultipartParser::BoundaryFromContentType(body);
  Check(!parsed.ok() || (!parsed->empty() && parsed->size() <= 70), "boundary length out of range");
  return 0;
}
