// libFuzzer target for the pickle reader and the whole security_artifact scan (content dispatch,
// zip, tar, gzip/bzip2/xz, npy, ONNX, nesting). Input layout: byte 0 picks the mode, the rest is
// the artifact.
//   mode % 4 == 0: a pickle stream, scanned whole and again fed one byte at a time;
//   mode % 4 == 1: an artifact, YARA on;
//   mode % 4 == 2: an artifact declared ONNX;
//   mode % 4 == 3: an artifact, YARA off.
// Invariants: scanning in-memory bytes never fails (every problem is a finding), slicing never
// changes the findings, and an empty finding list means the stream parsed.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "validation/security/artifact_scan.h"
#include "validation/security/embedded_rules.h"

namespace {

using namespace mlops;
using namespace mlops::validation::security;
using mlops::fuzz::Check;
using mlops::fuzz::SlicedStream;

// Small limits, so the fuzzer reaches them.
constexpr PickleScanLimits kLimits{.max_stack = 64, .max_memo = 64, .max_line = 256};

std::string Transcript(const FindingSink& findings) {
  std::string out;
  for (const Finding& f : findings.kept()) {
    out += std::string(ToString(f.kind)) + '@' + std::to_string(f.offset) + ':' + f.subject + '\n';
  }
  return out;
}

std::string ScanPickleSliced(std::string_view data, std::size_t slice, std::size_t buffer) {
  SlicedStream stream(data, slice);
  StreamReader reader(stream, buffer);
  FindingSink findings;
  PickleScanStats stats;
  const auto result = ScanPickles(reader, GlobalAllowList::Default(), "", findings, stats, kLimits);
  Check(result.ok(), "pickle scan of memory failed");
  Check(findings.total() > 0 || stats.pickles > 0, "no finding yet no complete pickle");
  Check(!result->malformed || findings.total() > 0, "malformed without a finding saying so");
  return Transcript(findings);
}

const YaraRules* Rules() {
  static const auto rules = YaraRules::Compile(embedded::BuiltinYaraRules(), {});
  Check(rules.ok(), "shipped rules do not compile");
  return rules->get();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  const int mode = data[0] % 4;
  if (mode == 0) {
    Check(ScanPickleSliced(body, body.size() + 1, 1 << 16) == ScanPickleSliced(body, 1, 1),
          "slicing changed the findings");
    return 0;
  }
  static const ModelFormat kDeclared[] = {ModelFormat::kOther, ModelFormat::kOther,
                                          ModelFormat::kOnnx, ModelFormat::kOther};
  SecurityScanSettings settings;
  settings.zip_max_entry_bytes = 1 << 20;
  settings.zip_ratio_floor_bytes = 1 << 12;
  settings.zip_max_entries = 64;
  settings.max_decompressed_bytes = 1 << 22;
  const GlobalAllowList allow_list = GlobalAllowList::Default();
  const ScanRules rules{allow_list, mode == 1 ? Rules() : nullptr, settings, kLimits};
  MemoryByteSource source(body);
  FindingSink findings;
  ArtifactScanStats stats;
  const Status status = ScanArtifact(source, "artifact", kDeclared[mode], rules, findings, stats);
  Check(status.ok(), "artifact scan of memory failed");
  Check(findings.total() >= findings.kept().size(), "more findings kept than counted");
  return 0;
}
