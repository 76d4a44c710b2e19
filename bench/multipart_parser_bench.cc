// Parse throughput of MultipartParser for one 64 MiB part fed in 256 KiB slices, as an upload
// handler would see it. The handler does nothing, so the figure is the parser's own cost.
// Arg 0: random bytes (typical artifact); arg 1: delimiter near misses (adversarial).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "http/multipart_parser.h"

namespace mlops {
namespace {

class DiscardingHandler : public MultipartHandler {
 public:
  Status OnPartBegin(const PartHeaders&) override { return OkStatus(); }
  Status OnPartData(std::string_view data) override {
    bytes += data.size();
    return OkStatus();
  }
  Status OnPartEnd() override { return OkStatus(); }

  std::size_t bytes = 0;
};

// Pseudo-random bytes: '\r' appears about every 256 bytes, as in compressed weights.
std::string RandomBytes(std::size_t size) {
  std::string data(size, '\0');
  std::uint32_t x = 42;
  for (char& c : data) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  return data;
}

// The worst case for the scan: near misses of the delimiter back to back.
std::string NearMisses(std::size_t size, const std::string& boundary) {
  const std::string miss = "\r\n--" + boundary.substr(0, boundary.size() - 1) + "!";
  std::string data;
  data.reserve(size + miss.size());
  while (data.size() < size) data += miss;
  data.resize(size);
  return data;
}

void BM_MultipartParse64MiBPart(benchmark::State& state) {
  constexpr std::size_t kPartSize = 64 << 20;
  constexpr std::size_t kFeedSize = 256 << 10;
  const std::string boundary = "------------------------d74496d66958873e";
  const std::string body =
      "--" + boundary +
      "\r\nContent-Disposition: form-data; name=\"artifact\"; "
      "filename=\"model.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n" +
      (state.range(0) == 0 ? RandomBytes(kPartSize) : NearMisses(kPartSize, boundary)) + "\r\n--" +
      boundary + "--\r\n";
  for (auto _ : state) {
    DiscardingHandler handler;
    MultipartParser parser(boundary, handler);
    for (std::size_t pos = 0; pos < body.size(); pos += kFeedSize) {
      if (!parser.Feed(std::string_view(body).substr(pos, kFeedSize)).ok()) {
        state.SkipWithError("Feed failed");
      }
    }
    if (!parser.Finish().ok() || handler.bytes != kPartSize) state.SkipWithError("bad parse");
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_MultipartParse64MiBPart)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mlops
