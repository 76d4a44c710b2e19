// libFuzzer target for the strict npy header parser.
// Invariants: only Malformed errors on memory; a header accepted as plain data describes a size
// the parser computed without overflow, and parsing is deterministic under slicing.
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "validation/security/npy_header.h"

using namespace mlops;
using namespace mlops::validation::security;

namespace {

std::string Parse(std::string_view bytes, std::size_t slice) {
  fuzz::SlicedStream stream(bytes, slice);
  StreamReader reader(stream, slice == 1 ? 1 : 1 << 16);
  auto header = ReadNpyHeader(reader);
  if (!header.ok()) {
    fuzz::Check(header.status().code() == StatusCode::kMalformed, "npy read failed");
    return "error: " + header.status().message();
  }
  fuzz::Check(header->data_bytes <= (std::uint64_t{1} << 60), "npy size beyond the cap");
  return (header->object ? "object " : "plain ") + std::to_string(header->data_bytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  fuzz::Check(Parse(bytes, size + 1) == Parse(bytes, 1), "slicing changed the result");
  return 0;
}
