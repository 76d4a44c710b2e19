#include "cli/scanner_setup.h"

#include "validation/container/security_container_scanner.h"
#include "validation/content/content_safety_scanner.h"
#include "validation/functional/functional_io_scanner.h"
#include "validation/isolation/isolated_scanner.h"
#include "validation/performance/performance_benchmark_scanner.h"
#include "validation/security/security_artifact_scanner.h"

namespace mlops::cli {
namespace {

using ScannerPtr = std::unique_ptr<validation::Scanner>;

runtime::RuntimeSettings RuntimeSettingsFrom(const Config& config) {
  runtime::RuntimeSettings settings;
  settings.onnx.library_path = config.onnxruntime_library;
  settings.onnx.intra_op_threads = config.onnxruntime_intra_op_threads;
  settings.onnx.inter_op_threads = config.onnxruntime_inter_op_threads;
  settings.onnx.graph_optimization_level = config.onnxruntime_graph_optimization;
  settings.onnx.cpu_memory_arena = config.onnxruntime_cpu_arena;
  return settings;
}

// The scans that hand the uploaded model to ONNX Runtime, libonnx or libtorch. The others stay in
// process: security_artifact is our own fuzzed parser, and the rest run no model code.
bool RunsModelCode(ScanType type) {
  return type == ScanType::kFunctionalIo || type == ScanType::kPerformanceBenchmark;
}

}  // namespace

StatusOr<ScannerPtr> BuildInProcessScanner(const Config& config, ScanType type) {
  switch (type) {
    case ScanType::kSecurityArtifact: {
      validation::security::SecurityScanSettings security;
      security.extra_allowed_globals = config.pickle_allowed_globals;
      security.zip_max_compression_ratio = config.zip_max_compression_ratio;
      security.max_decompressed_bytes =
          static_cast<std::uint64_t>(config.scan_max_decompressed_bytes);
      security.max_nesting_depth = config.scan_max_nesting_depth;
      security.extra_yara_rules_dir = config.yara_rules_dir;
      ASSIGN_OR_RETURN(auto scanner, validation::SecurityArtifactScanner::Create(security));
      return ScannerPtr(std::move(scanner));
    }
    case ScanType::kFunctionalIo: {
      validation::FunctionalIoSettings functional;
      functional.runtime = RuntimeSettingsFrom(config);
      return ScannerPtr(std::make_unique<validation::FunctionalIoScanner>(std::move(functional)));
    }
    case ScanType::kPerformanceBenchmark: {
      validation::PerformanceBenchmarkSettings benchmark;
      benchmark.runtime = RuntimeSettingsFrom(config);
      benchmark.warmup_runs = config.benchmark_warmup_runs;
      benchmark.iterations = config.benchmark_iterations;
      return ScannerPtr(std::make_unique<validation::PerformanceBenchmarkScanner>(benchmark));
    }
    case ScanType::kContentSafety: {
      ASSIGN_OR_RETURN(auto scanner,
                       validation::ContentSafetyScanner::Create({config.content_policy_path}));
      return ScannerPtr(std::move(scanner));
    }
    case ScanType::kSecurityContainer: {
      ASSIGN_OR_RETURN(auto scanner,
                       validation::SecurityContainerScanner::Create(
                           {.endpoint = config.security_scanner_endpoint,
                            .api_key = config.security_scanner_api_key,
                            .timeout_ms = config.security_scanner_timeout_seconds * 1000L,
                            .max_critical = config.security_scanner_max_critical,
                            .max_high = config.security_scanner_max_high}));
      return ScannerPtr(std::move(scanner));
    }
  }
  return Internal("no scanner for scan type " + std::to_string(static_cast<int>(type)));
}

StatusOr<validation::ScannerRegistry> BuildScanners(const Config& config) {
  validation::ScannerRegistry scanners;
  for (const ScanType type : AllValues<ScanType>()) {
    if (config.validation_isolate_models && RunsModelCode(type)) {
      validation::AddScanner(
          scanners,
          std::make_unique<validation::IsolatedScanner>(
              type, validation::IsolationSettings{
                        .timeout = std::chrono::seconds(config.validation_scan_timeout_seconds)}));
    } else {
      ASSIGN_OR_RETURN(auto scanner, BuildInProcessScanner(config, type));
      validation::AddScanner(scanners, std::move(scanner));
    }
  }
  return scanners;
}

}  // namespace mlops::cli
