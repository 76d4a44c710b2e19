#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "domain/enums.h"

namespace mlops {

// Service configuration, read from the environment (and an optional .env file) with the names of
// README.md "Configuration". Defaults give the embedded shape: SQLite and artifacts under
// MLOPS_DATA_DIR. Each field is set by one entry of the table in config/settings.cc, whose
// documented default must match the initializer here (settings_test checks).
struct Config {
  std::string service_host = "127.0.0.1";
  int service_port = 8000;
  std::string log_level = "info";
  int worker_threads = 0;  // 0: one per core

  std::string data_dir = "./mlops-data";
  std::string database_url;  // empty: sqlite:<data_dir>/mlops.db
  std::string s3_endpoint;   // MINIO_ENDPOINT; empty: artifacts under data_dir/artifacts
  std::string s3_access_key;
  std::string s3_secret_key;  // secret: never logged
  bool s3_secure = false;     // https when the endpoint names no scheme
  std::string s3_region = "us-east-1";
  std::int64_t s3_part_size_bytes = 16 << 20;  // each upload in flight buffers one part
  std::string model_bucket = "mlops-models";
  std::string reports_bucket = "mlops-validation-reports";

  std::optional<std::string> admin_api_key;  // secret: never logged
  std::int64_t max_artifact_bytes = 50LL * 1024 * 1024 * 1024;
  int orphan_artifact_min_age_seconds = 24 * 3600;  // see services/orphan_artifact_sweeper.h
  std::int64_t max_json_body_bytes = 1024 * 1024;
  int request_timeout_seconds = 30;      // JSON bodies (and headers, unless set apart)
  int header_timeout_seconds = 0;        // a request head must arrive within; 0: as above
  int upload_idle_timeout_seconds = 60;  // no upload byte for this long ends it
  // A streamed body must bring at least this many bytes per second, measured over each window
  // (the first one is its grace period); 0: no minimum.
  std::int64_t min_body_bytes_per_second = 1024;
  int min_body_rate_window_seconds = 30;
  // After refusing a request whose body is still arriving, the server answers, stops writing and
  // discards up to this many more bytes for at most this long, so that a client that sends its
  // whole body before reading sees the answer rather than a reset connection.
  std::int64_t drain_bytes = 4 << 20;
  int drain_timeout_seconds = 2;
  int shutdown_grace_seconds = 30;
  // /health/ready reports not ready when the data directory has less free space than this.
  std::int64_t min_free_disk_bytes = 128LL << 20;

  ModelVersionStatus default_status_on_upload = ModelVersionStatus::kPendingValidation;

  // The validation pipeline (services/validation_settings.h says what each one does).
  std::vector<ScanType> default_validation_pipeline = {
      ScanType::kSecurityArtifact, ScanType::kFunctionalIo, ScanType::kPerformanceBenchmark,
      ScanType::kContentSafety, ScanType::kSecurityContainer};
  bool validation_trigger_on_upload = true;
  int validation_workers = 2;
  int validation_lease_seconds = 30;
  int validation_max_attempts = 3;
  bool validation_allow_warning = true;
  std::vector<ScanType> validation_required_scans = {ScanType::kSecurityArtifact,
                                                     ScanType::kFunctionalIo};
  bool validation_isolate_models = true;      // model-running scans in a child process each
  int validation_scan_timeout_seconds = 600;  // an isolated scan running longer is killed
  int test_only_scan_delay_ms = 0;            // testing only: see MLOPS_TEST_ONLY_SCAN_DELAY_MS

  // The scanners' own settings (validation/*/ say what each one does).
  std::string yara_rules_dir;                       // extra rules, compiled with the shipped ones
  std::vector<std::string> pickle_allowed_globals;  // "module.name", on top of the built-in list
  int zip_max_compression_ratio = 200;
  // Bytes one artifact may decompress to in all, and how deep its archives may nest.
  std::int64_t scan_max_decompressed_bytes = std::int64_t{16} << 30;
  int scan_max_nesting_depth = 4;
  int benchmark_warmup_runs = 5;
  int benchmark_iterations = 100;
  // ONNX Runtime (runtime/onnx_model_runtime.h): the library and its session options.
  std::string onnxruntime_library;       // empty: libonnxruntime.so.1 beside the binary
  int onnxruntime_intra_op_threads = 0;  // 0: ONNX Runtime's default (one per core)
  int onnxruntime_inter_op_threads = 0;
  std::string onnxruntime_graph_optimization = "all";
  bool onnxruntime_cpu_arena = true;
  std::string content_policy_path;        // empty: the built-in config/content_policy.json
  std::string security_scanner_endpoint;  // empty: security_container is SKIPPED
  std::string security_scanner_api_key;   // secret: never logged
  int security_scanner_timeout_seconds = 300;
  std::int64_t security_scanner_max_critical = 0;
  std::int64_t security_scanner_max_high = 0;

  // The database URL in force: DATABASE_URL if set, else the SQLite file under data_dir.
  std::string EffectiveDatabaseUrl() const;
  // The local directories the service writes to: data_dir (the embedded SQLite file and
  // artifacts), and the SQLite file's directory when DATABASE_URL puts it elsewhere.
  std::vector<std::string> LocalDataDirs() const;

  bool operator==(const Config&) const = default;
};

// Reads the configuration from `env` (variables win over the .env file's), by the table of
// settings (config/settings.h), which says what each variable means and accepts. INVALID_ARGUMENT
// naming the variable for a malformed value, and for a secret's <NAME>_FILE that cannot be read.
StatusOr<Config> LoadConfig(const std::map<std::string, std::string>& env);

// The process environment merged over the file at `dotenv_path` (KEY=VALUE lines, # comments,
// optional quotes); a missing file is not an error.
std::map<std::string, std::string> ReadEnvironment(const std::string& dotenv_path = ".env");

}  // namespace mlops
