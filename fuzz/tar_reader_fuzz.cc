// libFuzzer target for the tar reader: headers, checksums, pax records, GNU long names, member
// contents and the end-of-archive padding, read whole and again one byte at a time.
// Invariants: no error but Malformed or InvalidArgument on memory, and slicing the input never
// changes the members read.
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "validation/security/tar_reader.h"

using namespace mlops;
using namespace mlops::validation::security;

namespace {

std::string Members(std::string_view bytes, std::size_t slice) {
  fuzz::SlicedStream stream(bytes, slice);
  StreamReader reader(stream, slice == 1 ? 1 : 1 << 16);
  TarReader tar(reader);
  std::string transcript;
  for (int i = 0; i < 256; ++i) {
    auto member = tar.Next();
    if (!member.ok()) {
      fuzz::Check(member.status().code() == StatusCode::kMalformed ||
                      member.status().code() == StatusCode::kInvalidArgument,
                  "tar read failed");
      return transcript + "error\n";
    }
    if (!member->has_value()) return transcript + "end\n";
    transcript += (*member)->name + '\n';
    char buffer[512];
    for (;;) {
      auto got = tar.Content().Read(buffer, sizeof buffer);
      if (!got.ok()) return transcript + "truncated\n";
      if (*got == 0) break;
    }
  }
  return transcript;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  fuzz::Check(Members(bytes, size + 1) == Members(bytes, 1), "slicing changed the members");
  return 0;
}
