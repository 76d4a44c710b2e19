#include "http/multipart_parser.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mlops {
namespace {

constexpr std::string_view kBoundary = "xYzZY";

struct Part {
  PartHeaders headers;
  std::string data;
  bool ended = false;

  bool operator==(const Part& o) const {
    return headers.name == o.headers.name && headers.filename == o.headers.filename &&
           headers.content_type == o.headers.content_type && data == o.data && ended == o.ended;
  }
};

// Records every callback; can be told to fail at the Nth callback to test error propagation.
class RecordingHandler : public MultipartHandler {
 public:
  explicit RecordingHandler(int fail_at_call = -1) : fail_at_call_(fail_at_call) {}

  Status OnPartBegin(const PartHeaders& headers) override {
    parts.push_back({headers, "", false});
    return Next();
  }
  Status OnPartData(std::string_view data) override {
    EXPECT_FALSE(data.empty());
    EXPECT_FALSE(parts.empty());
    if (!parts.empty()) parts.back().data.append(data);
    return Next();
  }
  Status OnPartEnd() override {
    EXPECT_FALSE(parts.empty());
    if (!parts.empty()) parts.back().ended = true;
    return Next();
  }

  std::vector<Part> parts;
  int calls = 0;

 private:
  Status Next() { return calls++ == fail_at_call_ ? Unavailable("disk full") : OkStatus(); }
  int fail_at_call_;
};

struct Outcome {
  Status status;  // the first error of Feed() or Finish(), else OK
  std::vector<Part> parts;
  std::size_t max_buffered = 0;
};

// Feeds `body` cut at the given offsets (ascending), then calls Finish().
Outcome ParseWithCuts(std::string_view body, const std::vector<std::size_t>& cuts,
                      MultipartParser::Limits limits = {}, std::string_view boundary = kBoundary) {
  RecordingHandler handler;
  MultipartParser parser{std::string(boundary), handler, limits};
  Outcome out;
  std::size_t pos = 0;
  std::vector<std::size_t> ends = cuts;
  ends.push_back(body.size());
  for (std::size_t end : ends) {
    out.status = parser.Feed(body.substr(pos, end - pos));
    out.max_buffered = std::max(out.max_buffered, parser.buffered_bytes());
    pos = end;
    if (!out.status.ok()) break;
  }
  if (out.status.ok()) out.status = parser.Finish();
  out.parts = std::move(handler.parts);
  return out;
}

Outcome Parse(std::string_view body, MultipartParser::Limits limits = {}) {
  return ParseWithCuts(body, {}, limits);
}

Outcome ParseByteByByte(std::string_view body) {
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < body.size(); ++i) cuts.push_back(i);
  return ParseWithCuts(body, cuts);
}

void ExpectSameOutcome(const Outcome& a, const Outcome& b, const std::string& context) {
  EXPECT_EQ(a.status.ToString(), b.status.ToString()) << context;
  EXPECT_EQ(a.parts, b.parts) << context;
}

// Parses `body` whole, byte by byte and split in two at every offset; all must agree.
Outcome ParseEverySlicing(std::string_view body) {
  Outcome whole = Parse(body);
  ExpectSameOutcome(whole, ParseByteByByte(body), "byte by byte");
  for (std::size_t cut = 0; cut <= body.size(); ++cut) {
    ExpectSameOutcome(whole, ParseWithCuts(body, {cut}), "cut at " + std::to_string(cut));
  }
  return whole;
}

std::string FieldPart(std::string_view name, std::string_view value) {
  return "--xYzZY\r\nContent-Disposition: form-data; name=\"" + std::string(name) + "\"\r\n\r\n" +
         std::string(value) + "\r\n";
}

std::string FilePart(std::string_view data) {
  return "--xYzZY\r\nContent-Disposition: form-data; name=\"artifact\"; filename=\"model.onnx\"\r\n"
         "Content-Type: application/octet-stream\r\n\r\n" +
         std::string(data) + "\r\n";
}

const std::string kClose = "--xYzZY--\r\n";

std::string SinglePartWithHeaders(std::string_view headers) {
  return "--xYzZY\r\n" + std::string(headers) + "\r\nbody\r\n" + kClose;
}

TEST(MultipartParserTest, ParsesATextFieldThenAFile) {
  const std::string body =
      FieldPart("version", "1.2.0") + FilePart(std::string_view("\x00\x01\xff", 3)) + kClose;
  const Outcome out = ParseEverySlicing(body);
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.parts.size(), 2u);
  EXPECT_EQ(out.parts[0].headers.name, "version");
  EXPECT_FALSE(out.parts[0].headers.filename.has_value());
  EXPECT_EQ(out.parts[0].headers.content_type, "");
  EXPECT_EQ(out.parts[0].data, "1.2.0");
  EXPECT_TRUE(out.parts[0].ended);
  EXPECT_EQ(out.parts[1].headers.name, "artifact");
  EXPECT_EQ(out.parts[1].headers.filename, "model.onnx");
  EXPECT_EQ(out.parts[1].headers.content_type, "application/octet-stream");
  EXPECT_EQ(out.parts[1].data, std::string("\x00\x01\xff", 3));
  EXPECT_TRUE(out.parts[1].ended);
}

TEST(MultipartParserTest, BinaryDataWithDelimiterFragmentsAndNearMissesIsData) {
  const std::string tricky =
      "\r\n--\r\n--xYz\r\n--xYzZ\r\r\n--xYzZ!\n--xYzZY\r--xYzZY\r\n-\r\n\r\n\r";
  const std::string body = FilePart(tricky) + FilePart("x--xYzZY\r") + kClose;
  const Outcome out = ParseEverySlicing(body);
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.parts.size(), 2u);
  EXPECT_EQ(out.parts[0].data, tricky);
  EXPECT_EQ(out.parts[1].data, "x--xYzZY\r");
}

TEST(MultipartParserTest, PartBodyEndingExactlyAtAFeedBoundary) {
  const std::string first = FieldPart("a", "hello");
  const std::string body = first + FieldPart("b", "") + kClose;
  const std::size_t end_of_data = first.find("hello") + 5;
  for (std::size_t cut : {end_of_data, end_of_data + 2, first.size()}) {
    const Outcome out = ParseWithCuts(body, {cut});
    ASSERT_TRUE(out.status.ok()) << out.status.ToString();
    ASSERT_EQ(out.parts.size(), 2u);
    EXPECT_EQ(out.parts[0].data, "hello");
    EXPECT_EQ(out.parts[1].data, "");
    EXPECT_TRUE(out.parts[1].ended);
  }
}

TEST(MultipartParserTest, IgnoresPreambleAndEpilogue) {
  const std::string body = "This is a preamble.\r\n--xYzZ not it\r\n" + FieldPart("a", "1") +
                           "--xYzZY--  \r\nepilogue\r\n--xYzZY\r\ngarbage";
  const Outcome out = ParseEverySlicing(body);
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.parts.size(), 1u);
  EXPECT_EQ(out.parts[0].data, "1");
}

TEST(MultipartParserTest, DelimiterInsidePreambleLineIsNotADelimiter) {
  const Outcome out = Parse("x--xYzZY\r\n" + FieldPart("a", "1") + kClose);
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.parts.size(), 1u);
  EXPECT_EQ(out.parts[0].headers.name, "a");
}

TEST(MultipartParserTest, AllowsTransportPaddingAfterADelimiter) {
  const Outcome out = ParseEverySlicing(
      "--xYzZY \t \r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--xYzZY--");
  ASSERT_TRUE(out.status.ok()) << out.status.ToString();
  ASSERT_EQ(out.parts.size(), 1u);
  EXPECT_EQ(out.parts[0].data, "1");
}

TEST(MultipartParserTest, AcceptsABodyWithoutParts) {
  const Outcome out = Parse("--xYzZY--");
  EXPECT_TRUE(out.status.ok()) << out.status.ToString();
  EXPECT_TRUE(out.parts.empty());
}

TEST(MultipartParserTest, TruncatedBodyIsMalformedAtFinish) {
  const std::string body = FieldPart("a", "1") + FilePart("abc") + kClose;
  for (std::size_t len = 0; len < body.find("--xYzZY--") + 9; ++len) {
    const Outcome out = Parse(body.substr(0, len));
    EXPECT_EQ(out.status.code(), StatusCode::kMalformed) << len;
    EXPECT_EQ(out.status.message(), "multipart body ended before its closing boundary") << len;
  }
}

TEST(MultipartParserTest, GarbageAfterADelimiterIsMalformed) {
  for (std::string_view bad :
       {"--xYzZYx\r\n", "--xYzZY -\r\n", "--xYzZY\r\r\n", "--xYzZY-x", "--xYzZY\n"}) {
    const Outcome out = Parse(
        std::string(bad).append("Content-Disposition: form-data; name=a\r\n\r\n\r\n") + kClose);
    EXPECT_EQ(out.status.code(), StatusCode::kMalformed) << bad;
    EXPECT_EQ(out.status.message(), "multipart boundary is followed by unexpected bytes") << bad;
  }
}

TEST(MultipartParserTest, HeadersUpToTheLimitAreAcceptedAndLargerOnesRejected) {
  const std::string line = "Content-Disposition: form-data; name=a\r\n";
  MultipartParser::Limits limits;
  limits.max_header_bytes = line.size();
  const std::string body = SinglePartWithHeaders(line);
  EXPECT_TRUE(ParseWithCuts(body, {}, limits).status.ok());

  limits.max_header_bytes = line.size() - 1;
  for (const std::vector<std::size_t>& cuts : {std::vector<std::size_t>{}, {12}, {20, 40}}) {
    const Outcome out = ParseWithCuts(body, cuts, limits);
    EXPECT_EQ(out.status.code(), StatusCode::kMalformed);
    EXPECT_EQ(out.status.message(),
              "part 1 headers exceed " + std::to_string(line.size() - 1) + " bytes");
  }
}

TEST(MultipartParserTest, EndlessHeadersAreRejectedWithoutBufferingThem) {
  RecordingHandler handler;
  MultipartParser parser{std::string(kBoundary), handler};
  ASSERT_TRUE(parser.Feed("--xYzZY\r\nX-Filler: ").ok());
  Status status;
  for (int i = 0; i < 100 && status.ok(); ++i) {
    status = parser.Feed(std::string(1024, 'a'));
    EXPECT_LE(parser.buffered_bytes(), MultipartParser::Limits{}.max_header_bytes + 4);
  }
  EXPECT_EQ(status.message(), "part 1 headers exceed 16384 bytes");
}

TEST(MultipartParserTest, TooManyPartsIsMalformed) {
  MultipartParser::Limits limits;
  limits.max_parts = 2;
  const std::string two = FieldPart("a", "1") + FieldPart("b", "2");
  EXPECT_TRUE(ParseWithCuts(two + kClose, {}, limits).status.ok());
  const Outcome out = ParseWithCuts(two + FieldPart("c", "3") + kClose, {}, limits);
  EXPECT_EQ(out.status.code(), StatusCode::kMalformed);
  EXPECT_EQ(out.status.message(), "multipart body has more than 2 parts");
  EXPECT_EQ(out.parts.size(), 2u);
}

TEST(MultipartParserTest, PartWithoutANameIsMalformed) {
  for (std::string_view headers :
       {"", "Content-Type: text/plain\r\n", "Content-Disposition: form-data\r\n",
        "Content-Disposition: form-data; name=\"\"\r\n",
        "Content-Disposition: form-data; filename=\"a.bin\"\r\n"}) {
    const Outcome out = Parse(SinglePartWithHeaders(headers));
    EXPECT_EQ(out.status.code(), StatusCode::kMalformed) << headers;
    EXPECT_EQ(out.status.message(), "part 1 has no Content-Disposition name") << headers;
  }
}

TEST(MultipartParserTest, BadPartHeadersAreMalformed) {
  const struct {
    std::string headers;
    std::string message;
  } cases[] = {
      {"Content-Disposition: attachment; name=a\r\n",
       "part 1 Content-Disposition is not form-data"},
      {"Content-Disposition: form-data; name=\"a\r\n",
       "part 1 has a malformed Content-Disposition header"},
      {"Content-Disposition: form-data; name=a; name=b\r\n",
       "part 1 has a malformed Content-Disposition header"},
      {"Content-Disposition: form-data; name\r\n",
       "part 1 has a malformed Content-Disposition header"},
      {"Content-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b\r\n",
       "part 1 has more than one Content-Disposition header"},
      {"Content-Disposition: form-data; name=a\r\ncontent-type: a\r\nContent-Type: b\r\n",
       "part 1 has more than one Content-Type header"},
      {"Content-Disposition: form-data; name=a\nX: y\r\n",
       "part 1 has a header line not terminated by CRLF"},
      {"Content-Disposition: form-data; name=a\r\n folded\r\n",
       "part 1 has a malformed header line"},
      {"No colon here\r\n", "part 1 has a malformed header line"},
  };
  for (const auto& c : cases) {
    const Outcome out = Parse(SinglePartWithHeaders(c.headers));
    EXPECT_EQ(out.status.code(), StatusCode::kMalformed) << c.headers;
    EXPECT_EQ(out.status.message(), c.message) << c.headers;
  }
}

TEST(MultipartParserTest, BareLfDoesNotEndTheHeaders) {
  const Outcome out = Parse("--xYzZY\nContent-Disposition: form-data; name=a\n\nbody\n--xYzZY--\n");
  EXPECT_EQ(out.status.code(), StatusCode::kMalformed);
}

TEST(MultipartParserTest, ParsesDispositionParameters) {
  const struct {
    std::string headers;
    std::string name;
    std::optional<std::string> filename;
    std::string content_type;
  } cases[] = {
      {R"(Content-Disposition: form-data; name="file"; filename="a \"quoted\" \\name.bin")", "file",
       R"(a "quoted" \name.bin)", ""},
      {R"(Content-Disposition: form-data; name="f"; filename="../../etc/passwd")", "f",
       "../../etc/passwd", ""},
      {"content-disposition:Form-Data;NAME=tok;Filename=x.y  \r\nCONTENT-TYPE:  text/plain ", "tok",
       "x.y", "text/plain"},
      {R"(Content-Disposition: form-data; name="a;b"; ; filename="")", "a;b", "", ""},
      {"Content-Disposition: form-data; name=f; filename*=UTF-8''r%C3%A9sum%C3%A9.txt", "f",
       std::nullopt, ""},
      {"Content-Disposition: form-data; name=f; size=12\r\nContent-Transfer-Encoding: binary", "f",
       std::nullopt, ""},
  };
  for (const auto& c : cases) {
    const Outcome out = Parse(SinglePartWithHeaders(c.headers + "\r\n"));
    ASSERT_TRUE(out.status.ok()) << c.headers << ": " << out.status.ToString();
    ASSERT_EQ(out.parts.size(), 1u);
    EXPECT_EQ(out.parts[0].headers.name, c.name) << c.headers;
    EXPECT_EQ(out.parts[0].headers.filename, c.filename) << c.headers;
    EXPECT_EQ(out.parts[0].headers.content_type, c.content_type) << c.headers;
  }
}

TEST(MultipartParserTest, HandlerErrorStopsParsingAndIsReturnedAsIs) {
  const std::string body = FieldPart("a", "1") + FieldPart("b", "2") + kClose;
  // Callbacks: begin a, data a, end a, begin b, data b, end b.
  for (int fail_at = 0; fail_at < 6; ++fail_at) {
    RecordingHandler handler(fail_at);
    MultipartParser parser{std::string(kBoundary), handler};
    const Status status = parser.Feed(body);
    EXPECT_EQ(status.code(), StatusCode::kUnavailable) << fail_at;
    EXPECT_EQ(status.message(), "disk full") << fail_at;
    EXPECT_EQ(handler.calls, fail_at + 1);
    EXPECT_EQ(parser.Feed(body).message(), "disk full");
    EXPECT_EQ(parser.Finish().message(), "disk full");
    EXPECT_EQ(handler.calls, fail_at + 1);
    EXPECT_FALSE(parser.done());
  }
}

TEST(MultipartParserTest, SyntaxErrorIsSticky) {
  RecordingHandler handler;
  MultipartParser parser{std::string(kBoundary), handler};
  EXPECT_EQ(parser.Feed("--xYzZY!").code(), StatusCode::kMalformed);
  EXPECT_EQ(parser.Feed(FieldPart("a", "1")).code(), StatusCode::kMalformed);
  EXPECT_EQ(parser.Finish().code(), StatusCode::kMalformed);
  EXPECT_TRUE(handler.parts.empty());
}

TEST(MultipartParserTest, DoneOnceTheCloseDelimiterIsSeen) {
  RecordingHandler handler;
  MultipartParser parser{std::string(kBoundary), handler};
  ASSERT_TRUE(parser.Feed(FieldPart("a", "1") + "--xYzZY-").ok());
  EXPECT_FALSE(parser.done());
  ASSERT_TRUE(parser.Feed("-").ok());
  EXPECT_TRUE(parser.done());
  EXPECT_TRUE(parser.Feed("anything at all").ok());
  EXPECT_TRUE(parser.Finish().ok());
  EXPECT_EQ(parser.buffered_bytes(), 0u);
}

// Checks each slice against the expected bytes as it arrives, so the test itself does not
// double the memory of the large body.
class VerifyingHandler : public MultipartHandler {
 public:
  explicit VerifyingHandler(std::string_view expected) : expected_(expected) {}
  Status OnPartBegin(const PartHeaders&) override { return OkStatus(); }
  Status OnPartData(std::string_view data) override {
    EXPECT_EQ(data, expected_.substr(offset_, data.size())) << "at " << offset_;
    offset_ += data.size();
    ++slices_;
    return OkStatus();
  }
  Status OnPartEnd() override { return OkStatus(); }

  std::size_t offset() const { return offset_; }
  std::size_t slices() const { return slices_; }

 private:
  std::string_view expected_;
  std::size_t offset_ = 0;
  std::size_t slices_ = 0;
};

TEST(MultipartParserTest, StreamsALargePartWithBoundedMemory) {
  constexpr std::size_t kSize = 64 << 20;
  constexpr std::size_t kChunk = 64 << 10;
  const std::string boundary = "----------------------------7f3a9c0e5b1d2a4f6e8c0b9a";
  std::string data(kSize, '\0');
  std::uint32_t x = 12345;
  for (char& c : data) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  // Plant near misses of the delimiter across chunk boundaries.
  const std::string near_miss = "\r\n--" + boundary.substr(0, boundary.size() - 1) + "!";
  for (std::size_t at = kChunk - 20; at + near_miss.size() < kSize; at += 7 * kChunk + 3) {
    data.replace(at, near_miss.size(), near_miss);
  }
  const std::string body = "--" + boundary +
                           "\r\nContent-Disposition: form-data; name=\"artifact\"; "
                           "filename=\"w.bin\"\r\n\r\n" +
                           data + "\r\n--" + boundary + "--\r\n";

  VerifyingHandler handler(data);
  MultipartParser parser{boundary, handler};
  std::size_t max_buffered = 0;
  for (std::size_t pos = 0; pos < body.size(); pos += kChunk) {
    ASSERT_TRUE(parser.Feed(std::string_view(body).substr(pos, kChunk)).ok());
    max_buffered = std::max(max_buffered, parser.buffered_bytes());
  }
  ASSERT_TRUE(parser.Finish().ok());
  EXPECT_EQ(handler.offset(), kSize);
  EXPECT_LT(max_buffered, boundary.size() + 4);  // at most a partial "\r\n--" + boundary
  EXPECT_LE(handler.slices(), 2 * body.size() / kChunk + 2);  // large slices, not bytes
}

TEST(BoundaryFromContentTypeTest, ExtractsTokenAndQuotedBoundaries) {
  const struct {
    std::string content_type;
    std::string boundary;
  } cases[] = {
      {"multipart/form-data; boundary=abc", "abc"},
      {"multipart/form-data;boundary=\"a b:c\"", "a b:c"},
      {"Multipart/Form-Data; charset=utf-8; BOUNDARY=----WebKitFormBoundary7MA4YWxkTrZu0gW",
       "----WebKitFormBoundary7MA4YWxkTrZu0gW"},
      {" multipart/form-data ; boundary = x ", "x"},
      {"multipart/form-data; boundary=" + std::string(70, 'b'), std::string(70, 'b')},
  };
  for (const auto& c : cases) {
    const StatusOr<std::string> boundary = MultipartParser::BoundaryFromContentType(c.content_type);
    ASSERT_TRUE(boundary.ok()) << c.content_type << ": " << boundary.status().ToString();
    EXPECT_EQ(*boundary, c.boundary);
  }
}

TEST(BoundaryFromContentTypeTest, RejectsOtherMediaTypesAsUnsupported) {
  for (std::string_view type : {"application/json", "multipart/mixed; boundary=abc", "",
                                "text/plain;", "multipart/form-data-x; boundary=abc"}) {
    const StatusOr<std::string> boundary = MultipartParser::BoundaryFromContentType(type);
    ASSERT_FALSE(boundary.ok()) << type;
    EXPECT_EQ(boundary.status().code(), StatusCode::kUnsupportedMediaType) << type;
  }
}

TEST(BoundaryFromContentTypeTest, RejectsBadBoundariesAsMalformed) {
  const struct {
    std::string content_type;
    std::string message;
  } cases[] = {
      {"multipart/form-data", "Content-Type has no multipart boundary"},
      {"multipart/form-data; charset=utf-8", "Content-Type has no multipart boundary"},
      {"multipart/form-data; boundary=\"\"", "multipart boundary must be 1 to 70 characters long"},
      {"multipart/form-data; boundary=" + std::string(71, 'b'),
       "multipart boundary must be 1 to 70 characters long"},
      {"multipart/form-data; boundary=\"ab\r\n\"", "multipart boundary has invalid characters"},
      {"multipart/form-data; boundary=\"ab \"", "multipart boundary has invalid characters"},
      {"multipart/form-data; boundary=\"abc", "malformed Content-Type header"},
      {"multipart/form-data; boundary", "malformed Content-Type header"},
  };
  for (const auto& c : cases) {
    const StatusOr<std::string> boundary = MultipartParser::BoundaryFromContentType(c.content_type);
    ASSERT_FALSE(boundary.ok()) << c.content_type;
    EXPECT_EQ(boundary.status().code(), StatusCode::kMalformed) << c.content_type;
    EXPECT_EQ(boundary.status().message(), c.message) << c.content_type;
  }
}

}  // namespace
}  // namespace mlops
