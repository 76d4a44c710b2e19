// Throughput of the security_artifact scan over a large plain pickle, the format it must stream:
// a protocol 4 "state dict" of 1 MiB BINBYTES8 tensors (MLOPS_BENCH_PICKLE_MIB of them, default
// 1024 = 1 GiB) written once to a temporary file. Two variants: the whole scan (pickle opcodes +
// YARA over every byte) and the pickle walk alone. The file is in the page cache after it is
// written, so the figures are the scanner's CPU cost, not the disk's. Peak RSS is reported to
// show memory does not grow with the file.
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "validation/security/artifact_scan.h"
#include "validation/security/byte_source.h"
#include "validation/security/security_artifact_scanner.h"

namespace mlops::validation {
namespace {

std::string Le64(std::uint64_t value) {
  std::string out;
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(value >> (8 * i)));
  return out;
}

// SHORT_BINUNICODE then MEMOIZE.
std::string ShortUnicode(const std::string& text) {
  std::string out(1, '\x8c');
  out.push_back(static_cast<char>(text.size()));
  out.append(text);
  out.push_back('\x94');
  return out;
}

// Writes the pickle once per process; returns its path.
const std::filesystem::path& BigPickle() {
  static const std::filesystem::path path = [] {
    const char* env = std::getenv("MLOPS_BENCH_PICKLE_MIB");
    const int tensors = env != nullptr ? std::atoi(env) : 1024;
    const auto file = std::filesystem::temp_directory_path() /
                      ("mlops-security-bench-" + std::to_string(::getpid()) + ".pkl");
    std::ofstream out(file, std::ios::binary);
    std::string tensor(1 << 20, '\0');
    std::uint32_t x = 42;
    for (char& c : tensor) {
      x = x * 1664525u + 1013904223u;
      c = static_cast<char>(x >> 24);
    }
    out << "\x80\x04" << ShortUnicode("collections") << ShortUnicode("OrderedDict")
        << "\x93\x94)R\x94(";
    for (int i = 0; i < tensors; ++i) {
      out << ShortUnicode("layers." + std::to_string(i) + ".weight") << "\x8e"
          << Le64(tensor.size()) << tensor << "\x94";
      tensor[i % tensor.size()] ^= 1;  // no two tensors alike
    }
    out << "u.";
    return file;
  }();
  return path;
}

long PeakRssKib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

void BM_SecurityScanBigPickle(benchmark::State& state) {
  const auto& file = BigPickle();
  auto scanner = SecurityArtifactScanner::Create({});
  if (!scanner.ok()) {
    state.SkipWithError(scanner.status().ToString().c_str());
    return;
  }
  const Model model;
  const ModelVersion version;
  for (auto _ : state) {
    const ScanOutcome outcome = (*scanner)->Scan({model, version, file, "model.pkl"});
    if (outcome.status != ValidationStatus::kPassed) state.SkipWithError(outcome.summary.c_str());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(std::filesystem::file_size(file)));
  state.counters["peak_rss_MiB"] = static_cast<double>(PeakRssKib()) / 1024;
}

void BM_PickleWalkBigPickle(benchmark::State& state) {
  const auto& file = BigPickle();
  const security::SecurityScanSettings settings;
  const security::GlobalAllowList allow_list = security::GlobalAllowList::Default();
  const security::ScanRules rules{allow_list, nullptr, settings, {}};
  for (auto _ : state) {
    auto source = security::FileByteSource::Open(file);
    security::FindingSink findings;
    security::ArtifactScanStats stats;
    const Status status =
        security::ScanArtifact(**source, "model.pkl", ModelFormat::kOther, rules, findings, stats);
    if (!status.ok() || !findings.empty()) state.SkipWithError("unexpected findings");
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(std::filesystem::file_size(file)));
  state.counters["peak_rss_MiB"] = static_cast<double>(PeakRssKib()) / 1024;
}

// Every file of the security corpus (tests/corpus/security), scanned whole: the time a
// validation job spends in this scan for small models, YARA rule compilation excluded.
const char* const kCorpusFiles[] = {
    "benign/state_dict.pt",
    "benign/torchscript.pt",
    "benign/dict_of_lists.pkl",
    "benign/numpy_in_pickle.pkl",
    "benign/float_array.npy",
    "benign/arrays.npz",
    "benign/add.onnx",
    "malicious/os_system.pkl",
    "malicious/stack_global_memo.pkl",
    "malicious/torch_posix_system.pt",
    "malicious/object_array.npy",
    "malicious/zip_slip.zip",
    "malicious/zip_bomb.zip",
    "malicious/escaping_external_data.onnx",
};

void BM_SecurityScanCorpusFile(benchmark::State& state) {
  static auto scanner = SecurityArtifactScanner::Create({});
  if (!scanner.ok()) {
    state.SkipWithError(scanner.status().ToString().c_str());
    return;
  }
  const std::string relative = kCorpusFiles[state.range(0)];
  const std::filesystem::path file =
      std::string(MLOPS_SOURCE_DIR) + "/tests/corpus/security/" + relative;
  const Model model;
  const ModelVersion version;
  for (auto _ : state) {
    benchmark::DoNotOptimize((*scanner)->Scan({model, version, file, file.filename().string()}));
  }
  state.SetLabel(relative);
}

BENCHMARK(BM_SecurityScanCorpusFile)
    ->DenseRange(0, std::size(kCorpusFiles) - 1)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PickleWalkBigPickle)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK(BM_SecurityScanBigPickle)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

// Removes the temporary pickle when the benchmark binary exits.
struct RemoveBigPickleAtExit {
  ~RemoveBigPickleAtExit() {
    std::error_code ignored;
    std::filesystem::remove(std::filesystem::temp_directory_path() /
                                ("mlops-security-bench-" + std::to_string(::getpid()) + ".pkl"),
                            ignored);
  }
} remove_big_pickle_at_exit;

}  // namespace
}  // namespace mlops::validation
