#include "config/config.h"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

extern char** environ;

namespace mlops {
namespace {

std::string Trim(std::string s) {
  const auto b = s.find_first_not_of(" \t\r");
  const auto e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// The trimmed items of a comma-separated list, empty ones included (callers reject them).
std::vector<std::string> SplitList(const std::string& text) {
  const std::string trimmed = Trim(text);
  std::vector<std::string> items;
  if (trimmed.empty()) return items;
  std::size_t start = 0;
  while (start <= trimmed.size()) {
    const std::size_t comma = std::min(trimmed.find(',', start), trimmed.size());
    items.push_back(Trim(trimmed.substr(start, comma - start)));
    start = comma + 1;
  }
  return items;
}

Status ReadInt(const std::map<std::string, std::string>& env, const std::string& name,
               std::int64_t min, std::int64_t max, std::int64_t& out) {
  auto it = env.find(name);
  if (it == env.end() || it->second.empty()) return OkStatus();
  std::int64_t v = 0;
  const auto& s = it->second;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < min || v > max) {
    return InvalidArgument(name + " must be an integer in " + std::to_string(min) + ".." +
                           std::to_string(max) + ", got '" + s + "'");
  }
  out = v;
  return OkStatus();
}

template <typename Int>
Status ReadIntInto(const std::map<std::string, std::string>& env, const std::string& name,
                   std::int64_t min, std::int64_t max, Int& out) {
  std::int64_t v = out;
  RETURN_IF_ERROR(ReadInt(env, name, min, max, v));
  out = static_cast<Int>(v);
  return OkStatus();
}

void ReadString(const std::map<std::string, std::string>& env, const std::string& name,
                std::string& out) {
  auto it = env.find(name);
  if (it != env.end() && !it->second.empty()) out = it->second;
}

Status ReadBool(const std::map<std::string, std::string>& env, const std::string& name, bool& out) {
  auto it = env.find(name);
  if (it == env.end() || it->second.empty()) return OkStatus();
  const std::string& v = it->second;
  if (v == "true" || v == "1" || v == "yes") {
    out = true;
  } else if (v == "false" || v == "0" || v == "no") {
    out = false;
  } else {
    return InvalidArgument(name + " must be true or false, got '" + v + "'");
  }
  return OkStatus();
}

std::string ScanTypeNames() {
  std::string names;
  for (ScanType type : AllValues<ScanType>()) {
    if (!names.empty()) names += ", ";
    names += ToString(type);
  }
  return names;
}

Status ReadScanTypes(const std::map<std::string, std::string>& env, const std::string& name,
                     bool none_allowed, std::vector<ScanType>& out) {
  auto it = env.find(name);
  if (it == env.end() || it->second.empty()) return OkStatus();
  if (none_allowed && Trim(it->second) == "none") {
    out.clear();
    return OkStatus();
  }
  ASSIGN_OR_RETURN(out, ParseScanTypes(name, it->second));
  return OkStatus();
}

}  // namespace

StatusOr<std::vector<ScanType>> ParseScanTypes(const std::string& setting,
                                               const std::string& text) {
  std::vector<std::string> names;
  const std::string trimmed = Trim(text);
  if (!trimmed.empty() && trimmed.front() == '{') {
    const nlohmann::json doc = nlohmann::json::parse(trimmed, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object() || !doc.contains("scan_types") || !doc["scan_types"].is_array()) {
      return InvalidArgument(setting + " must be {\"scan_types\": [...]} or a comma-separated list");
    }
    for (const nlohmann::json& item : doc["scan_types"]) {
      if (!item.is_string()) return InvalidArgument(setting + ": scan_types must be strings");
      names.push_back(item.get<std::string>());
    }
  } else {
    names = SplitList(trimmed);
  }
  std::vector<ScanType> types;
  for (const std::string& name : names) {
    const std::optional<ScanType> type = ParseEnum<ScanType>(name);
    if (!type) {
      return InvalidArgument(setting + ": unknown scan type '" + name + "' (known: " +
                             ScanTypeNames() + ")");
    }
    if (std::find(types.begin(), types.end(), *type) == types.end()) types.push_back(*type);
  }
  if (types.empty()) return InvalidArgument(setting + " names no scan type");
  return types;
}

std::string Config::EffectiveDatabaseUrl() const {
  if (!database_url.empty()) return database_url;
  return "sqlite:" + data_dir + "/mlops.db";
}

std::vector<std::string> Config::LocalDataDirs() const {
  std::vector<std::string> dirs = {data_dir};
  const std::string url = EffectiveDatabaseUrl();
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.rfind(kSqlite, 0) != 0) return dirs;
  std::string dir = std::filesystem::path(url.substr(kSqlite.size())).parent_path().string();
  if (dir.empty()) dir = ".";
  if (std::filesystem::path(dir).lexically_normal() !=
      std::filesystem::path(data_dir).lexically_normal()) {
    dirs.push_back(dir);
  }
  return dirs;
}

const std::vector<SettingDoc>& SettingDocs() {
  static const std::vector<SettingDoc> kDocs = {
      {"SERVICE_HOST", "127.0.0.1", "address to listen on"},
      {"SERVICE_PORT", "8000", "port to listen on (0: any free port)"},
      {"LOG_LEVEL", "info", "trace, debug, info, warn, error"},
      {"MLOPS_WORKER_THREADS", "0", "HTTP worker threads (0: one per core)"},
      {"MLOPS_DATA_DIR", "./mlops-data", "where the embedded SQLite file and artifacts live"},
      {"DATABASE_URL", "sqlite:$MLOPS_DATA_DIR/mlops.db",
       "metadata store; aliases MLOPS_DATABASE_URL, ALEMBIC_DATABASE_URL"},
      {"MINIO_ENDPOINT", "(unset)", "S3/MinIO endpoint; unset keeps artifacts on the filesystem"},
      {"MINIO_MODEL_BUCKET_NAME", "mlops-models", "bucket for model artifacts"},
      {"MINIO_VALIDATION_REPORTS_BUCKET_NAME", "mlops-validation-reports",
       "bucket for validation reports"},
      {"MINIO_ACCESS_KEY", "(unset)", "S3 access key id"},
      {"MINIO_SECRET_KEY", "(unset)", "S3 secret access key (never logged)"},
      {"MINIO_SECURE", "false", "use https for an endpoint given without a scheme"},
      {"MINIO_REGION", "us-east-1", "S3 region the requests are signed for"},
      {"MLOPS_S3_PART_SIZE_BYTES", "16777216",
       "multipart upload part size (min 5 MiB); each upload in flight buffers one part"},
      {"MLOPS_ADMIN_API_KEY", "(unset)",
       "bootstrap admin key; if unset on first start, one is generated and printed once"},
      {"MLOPS_MAX_ARTIFACT_BYTES", "53687091200", "largest artifact accepted (bytes)"},
      {"MLOPS_ORPHAN_ARTIFACT_MIN_AGE_SECONDS", "86400",
       "at start-up, model artifacts no version refers to (left by a crash) are removed once "
       "older than this"},
      {"MLOPS_MAX_JSON_BODY_BYTES", "1048576", "largest JSON request body (bytes)"},
      {"MLOPS_REQUEST_TIMEOUT_SECONDS", "30", "time allowed to send a JSON body (and headers)"},
      {"MLOPS_HTTP_HEADER_TIMEOUT_SECONDS", "$MLOPS_REQUEST_TIMEOUT_SECONDS",
       "time allowed for a request's head (request line and header fields) to arrive, counted "
       "from when the server waits for it, however the bytes trickle in"},
      {"MLOPS_UPLOAD_IDLE_TIMEOUT_SECONDS", "60", "an upload stalled this long is aborted"},
      {"MLOPS_HTTP_MIN_BODY_BYTES_PER_SECOND", "1024",
       "a streamed body (upload) bringing fewer bytes than this per second over a window is cut "
       "off with 408 (0: no minimum)"},
      {"MLOPS_HTTP_MIN_BODY_RATE_WINDOW_SECONDS", "30",
       "the window the minimum body rate is measured over; the first one is its grace period"},
      {"MLOPS_HTTP_DRAIN_BYTES", "4194304",
       "after refusing a request whose body is still arriving (409, 413, 503, ...), the server "
       "answers, stops writing, and reads and discards up to this many more bytes before "
       "closing, so clients that send the whole body before reading see the answer"},
      {"MLOPS_HTTP_DRAIN_TIMEOUT_SECONDS", "2", "longest such drain"},
      {"MLOPS_SHUTDOWN_GRACE_SECONDS", "30", "on SIGTERM, how long in-flight requests may finish"},
      {"MLOPS_MIN_FREE_DISK_BYTES", "134217728",
       "/health/ready answers 503 while the data directory (or the SQLite file's) has less free "
       "space than this (0: no check)"},
      {"DEFAULT_MODEL_STATUS_ON_UPLOAD", "PENDING_VALIDATION",
       "status of a new version: STAGING or PENDING_VALIDATION"},
      {"ENABLE_AUTOMATED_SECURITY_SCANNING_TRIGGER", "true",
       "queue the default validation pipeline for every version uploaded in PENDING_VALIDATION, "
       "in the upload's transaction"},
      {"DEFAULT_VALIDATION_PIPELINE_CONFIG",
       "security_artifact,functional_io,performance_benchmark,content_safety,security_container",
       "scans of the upload trigger and of a trigger naming none: a comma-separated list or "
       "{\"scan_types\": [...]}"},
      {"MLOPS_VALIDATION_WORKERS", "2", "threads running validation jobs (0: run none here)"},
      {"MLOPS_VALIDATION_LEASE_SECONDS", "30",
       "a running job's lease, renewed every third of it; a crashed worker's jobs run again "
       "once it expires"},
      {"MLOPS_VALIDATION_MAX_ATTEMPTS", "3",
       "a job interrupted this many times (its worker died each time) is FAILED, not retried"},
      {"MLOPS_VALIDATION_ALLOW_WARNING", "true", "a WARNING result counts as passed"},
      {"MLOPS_VALIDATION_REQUIRED_SCANS", "security_artifact,functional_io",
       "scans that must pass for VALIDATED (SKIPPED or missing fails the run); 'none' for none"},
      {"MLOPS_VALIDATION_ISOLATE_MODELS", "true",
       "run functional_io and performance_benchmark, which load and run the uploaded model, in "
       "a child process per scan: a model that crashes or hangs the runtime fails its own scan; "
       "false runs them in the service process"},
      {"MLOPS_VALIDATION_SCAN_TIMEOUT_SECONDS", "600",
       "an isolated scan still running after this long is killed and FAILED"},
      {"MLOPS_YARA_RULES_DIR", "(unset)",
       "directory of extra *.yar/*.yara rules for security_artifact, on top of rules/yara/"},
      {"MLOPS_PICKLE_ALLOWED_GLOBALS", "(unset)",
       "comma-separated module.name globals a pickle may import, on top of the built-in "
       "tensor-rebuilding allow-list"},
      {"MLOPS_ZIP_MAX_COMPRESSION_RATIO", "200",
       "compressed content (over 1 MiB) decompressing beyond this ratio is a bomb, unless it is a "
       "format that explains it (an npy array, a pickle, an archive)"},
      {"MLOPS_SCAN_MAX_DECOMPRESSED_BYTES", "17179869184",
       "bytes security_artifact may decompress from one artifact, nested archives included"},
      {"MLOPS_SCAN_MAX_NESTING_DEPTH", "4",
       "how deep archives and compressed streams may nest in an artifact (a .tar.gz member: 2)"},
      {"MLOPS_BENCHMARK_WARMUP", "5", "untimed inferences before performance_benchmark measures"},
      {"MLOPS_BENCHMARK_ITERATIONS", "100",
       "timed inferences of performance_benchmark (parameters.benchmark_iterations overrides)"},
      {"MLOPS_ONNXRUNTIME_LIBRARY", "(beside the binary)",
       "the ONNX Runtime library (libonnxruntime.so.1) that runs ONNX models; unset: the one "
       "beside the mlops binary (scripts/install-deps.sh installs it), else the dynamic "
       "linker's search path. Missing: ONNX scans are SKIPPED saying so"},
      {"MLOPS_ONNXRUNTIME_INTRA_OP_THREADS", "0",
       "threads ONNX Runtime uses within one operator (0: one per core)"},
      {"MLOPS_ONNXRUNTIME_INTER_OP_THREADS", "0",
       "threads across independent operators (0: ONNX Runtime's default; above 1 runs the graph "
       "in parallel mode)"},
      {"MLOPS_ONNXRUNTIME_GRAPH_OPTIMIZATION", "all",
       "ONNX Runtime graph optimisation level: disable, basic, extended or all"},
      {"MLOPS_ONNXRUNTIME_CPU_ARENA", "true",
       "ONNX Runtime's CPU memory arena (faster repeated runs, memory kept per session)"},
      {"MLOPS_CONTENT_POLICY_PATH", "(built in)",
       "content_safety policy file (JSON, see config/README.md); unset: config/content_policy.json "
       "as compiled in"},
      {"SECURITY_SCANNER_API_ENDPOINT", "(unset)",
       "base URL of the external container scanner; unset: security_container is SKIPPED"},
      {"SECURITY_SCANNER_API_KEY", "(unset)", "bearer token for the scanner (never logged)"},
      {"MLOPS_SECURITY_SCANNER_TIMEOUT_SECONDS", "300", "longest wait for one container scan"},
      {"MLOPS_SECURITY_SCANNER_MAX_CRITICAL", "0",
       "more critical vulnerabilities than this fail security_container"},
      {"MLOPS_SECURITY_SCANNER_MAX_HIGH", "0",
       "more high vulnerabilities than this fail security_container"},
      {"MLOPS_TEST_ONLY_SCAN_DELAY_MS", "0",
       "TESTING ONLY: each validation job waits this long under its lease before scanning, so "
       "tests can interrupt a run; never set it in production"},
  };
  return kDocs;
}

StatusOr<Config> LoadConfig(const std::map<std::string, std::string>& env) {
  Config c;
  ReadString(env, "SERVICE_HOST", c.service_host);
  RETURN_IF_ERROR(ReadIntInto(env, "SERVICE_PORT", 0, 65535, c.service_port));
  ReadString(env, "LOG_LEVEL", c.log_level);
  RETURN_IF_ERROR(ReadIntInto(env, "MLOPS_WORKER_THREADS", 0, 256, c.worker_threads));
  ReadString(env, "MLOPS_DATA_DIR", c.data_dir);
  ReadString(env, "ALEMBIC_DATABASE_URL", c.database_url);
  ReadString(env, "MLOPS_DATABASE_URL", c.database_url);
  ReadString(env, "DATABASE_URL", c.database_url);
  ReadString(env, "MINIO_ENDPOINT", c.s3_endpoint);
  ReadString(env, "MINIO_MODEL_BUCKET_NAME", c.model_bucket);
  ReadString(env, "MINIO_VALIDATION_REPORTS_BUCKET_NAME", c.reports_bucket);
  ReadString(env, "MINIO_ACCESS_KEY", c.s3_access_key);
  ReadString(env, "MINIO_SECRET_KEY", c.s3_secret_key);
  RETURN_IF_ERROR(ReadBool(env, "MINIO_SECURE", c.s3_secure));
  ReadString(env, "MINIO_REGION", c.s3_region);
  // S3 rejects parts under 5 MiB and allows 10,000 parts, so 5 GiB parts cover its 5 TiB limit.
  RETURN_IF_ERROR(ReadIntInto(env, "MLOPS_S3_PART_SIZE_BYTES", 5 << 20, std::int64_t{5} << 30,
                              c.s3_part_size_bytes));
  if (auto it = env.find("MLOPS_ADMIN_API_KEY"); it != env.end() && !it->second.empty()) {
    if (it->second.size() < 16) {
      return InvalidArgument("MLOPS_ADMIN_API_KEY must be at least 16 characters long");
    }
    c.admin_api_key = it->second;
  }
  RETURN_IF_ERROR(
      ReadIntInto(env, "MLOPS_MAX_ARTIFACT_BYTES", 1, std::int64_t{1} << 50, c.max_artifact_bytes));
  RETURN_IF_ERROR(ReadIntInto(env, "MLOPS_ORPHAN_ARTIFACT_MIN_AGE_SECONDS", 0, 365 * 24 * 3600,
                              c.orphan_artifact_min_age_seconds));
  RETURN_IF_ERROR(ReadIntInto(env, "MLOPS_MAX_JSON_BODY_BYTES", 1024, std::int64_t{1} << 30,
                              c.max_json_body_bytes));
  RETURN_IF_ERROR(
      ReadIntInto(env, "MLOPS_REQUEST_TIMEOUT_SECONDS", 1, 3600, c.request_timeout_seconds));
  RETURN_IF_ERROR(
      ReadIntInto(env, "MLOPS_HTTP_HEADER_TIMEOUT_SECONDS", 1, 3600, c.header_timeout_seconds));
  if (c.header_timeout_seconds == 0) c.header_timeout_seconds = c.request_timeout_seconds;
  RETURN_IF_ERROR(ReadIntInto(env, "MLOPS_UPLOAD_IDLE_TIMEOUT_SECONDS", 1, 3600,
                              c.upload_idle_timeout_seconds));
  RETURN_IF_ERROR(ReadIntInto(env, "MLOPS_HTTP_MIN_BODY_BYTES_PER_SECOND", 0, std::int64_t{1} << 40,
                              c.min_body_bytes_per_second));
  RETURN_IF_ERROR(ReadIntInto(env, "MLOPS_HTTP_MIN_BODY_RATE_WINDOW_SECONDS", 1, 3600,
                              c.min_body_rate_window_seconds));
  RETURN_IF_ERROR(
      ReadIntInto(env, "MLOPS_HTTP_DRAIN_BYTES", 0, std::int64_t{1} << 40, c.drain_bytes));
  RETURN_IF_ERROR(
      ReadIntInto(env, "MLOPS_HTTP_DRAIN_TIMEOUT_SECONDS", 0, 600, c.drain_timeout_seconds));
  RETURN_IF_ERROR(ReadIntInto(env, "MLOPS_MIN_FREE_DISK_BYTES", 0, std::int64_t{1} << 60,
                              c.min_free_disk_bytes));
  RETURN_IF_ERROR(
      ReadIntInto(env, "MLOPS_SHUTDOWN_GRACE_SECONDS", 0, 3600, c.shutdown_grace_seconds));
  if (auto it = env.find("DEFAULT_MODEL_STATUS_ON_UPLOAD"); it != env.end() && !it->second.empty()) {
    auto status = ParseEnum<ModelVersionStatus>(it->second);
    if (!status || (*status != ModelVersionStatus::kStaging &&
                    *status != ModelVersionStatus::kPendingValidation)) {
      return InvalidArgument("DEFAULT_MODEL_STATUS_ON_UPLOAD must be STAGING or PENDING_VALIDATION");
    }
    c.default_status_on_upload = *status;
  }
  RETURN_IF_ERROR(ReadScanTypes(env, "DEFAULT_VALIDATION_PIPELINE_CONFIG", false,
                                c.default_validation_pipeline));
  RETURN_IF_ERROR(ReadBool(env, "ENABLE_AUTOMATED_SECURITY_SCANNING_TRIGGER",
                           c.validation_trigger_on_upload));
  RETURN_IF_ERROR(ReadIntInto(env, "MLOPS_VALIDATION_WORKERS", 0, 64, c.validation_workers));
  RETURN_IF_ERROR(
      ReadIntInto(env, "MLOPS_VALIDATION_LEASE_SECONDS", 1, 3600, c.validation_lease_seconds));
  RETURN_IF_ERROR(
      ReadIntInto(env, "MLOPS_VALIDATION_MAX_ATTEMPTS", 1, 100, c.validation_max_attempts));
  RETURN_IF_ERROR(ReadBool(env, "MLOPS_VALIDATION_ALLOW_WARNING", c.validation_allow_warning));
  RETURN_IF_ERROR(ReadScanTypes(env, "MLOPS_VALIDATION_REQUIRED_SCANS", true,
                                c.validation_required_scans));
  RETURN_IF_ERROR(ReadBool(env, "MLOPS_VALIDATION_ISOLATE_MODELS", c.validation_isolate_models));
  RETURN_IF_ERROR(ReadIntInto(env, "MLOPS_VALIDATION_SCAN_TIMEOUT_SECONDS", 1, 7 * 24 * 3600,
                              c.validation_scan_timeout_seconds));
  RETURN_IF_ERROR(
      ReadIntInto(env, "MLOPS_TEST_ONLY_SCAN_DELAY_MS", 0, 3'600'000, c.test_only_scan_delay_ms));
  ReadString(env, "MLOPS_YARA_RULES_DIR", c.yara_rules_dir);
  if (auto it = env.find("MLOPS_PICKLE_ALLOWED_GLOBALS"); it != env.end()) {
    c.pickle_allowed_globals = SplitList(it->second);
  }
  RETURN_IF_ERROR(ReadIntInto(env, "MLOPS_ZIP_MAX_COMPRESSION_RATIO", 2, 100'000,
                              c.zip_max_compression_ratio));
  RETURN_IF_ERROR(ReadIntInto(env, "MLOPS_SCAN_MAX_DECOMPRESSED_BYTES", 1, std::int64_t{1} << 50,
                              c.scan_max_decompressed_bytes));
  RETURN_IF_ERROR(
      ReadIntInto(env, "MLOPS_SCAN_MAX_NESTING_DEPTH", 1, 32, c.scan_max_nesting_depth));
  RETURN_IF_ERROR(ReadIntInto(env, "MLOPS_BENCHMARK_WARMUP", 0, 10'000, c.benchmark_warmup_runs));
  RETURN_IF_ERROR(ReadIntInto(env, "MLOPS_BENCHMARK_ITERATIONS", 1, 10'000, c.benchmark_iterations));
  ReadString(env, "MLOPS_ONNXRUNTIME_LIBRARY", c.onnxruntime_library);
  RETURN_IF_ERROR(ReadIntInto(env, "MLOPS_ONNXRUNTIME_INTRA_OP_THREADS", 0, 1024,
                              c.onnxruntime_intra_op_threads));
  RETURN_IF_ERROR(ReadIntInto(env, "MLOPS_ONNXRUNTIME_INTER_OP_THREADS", 0, 1024,
                              c.onnxruntime_inter_op_threads));
  ReadString(env, "MLOPS_ONNXRUNTIME_GRAPH_OPTIMIZATION", c.onnxruntime_graph_optimization);
  if (const std::string& level = c.onnxruntime_graph_optimization;
      level != "disable" && level != "basic" && level != "extended" && level != "all") {
    return InvalidArgument(
        "MLOPS_ONNXRUNTIME_GRAPH_OPTIMIZATION must be disable, basic, extended or all");
  }
  RETURN_IF_ERROR(ReadBool(env, "MLOPS_ONNXRUNTIME_CPU_ARENA", c.onnxruntime_cpu_arena));
  ReadString(env, "MLOPS_CONTENT_POLICY_PATH", c.content_policy_path);
  ReadString(env, "SECURITY_SCANNER_API_ENDPOINT", c.security_scanner_endpoint);
  ReadString(env, "SECURITY_SCANNER_API_KEY", c.security_scanner_api_key);
  RETURN_IF_ERROR(ReadIntInto(env, "MLOPS_SECURITY_SCANNER_TIMEOUT_SECONDS", 1, 86400,
                              c.security_scanner_timeout_seconds));
  RETURN_IF_ERROR(ReadIntInto(env, "MLOPS_SECURITY_SCANNER_MAX_CRITICAL", 0, 1'000'000,
                              c.security_scanner_max_critical));
  RETURN_IF_ERROR(ReadIntInto(env, "MLOPS_SECURITY_SCANNER_MAX_HIGH", 0, 1'000'000,
                              c.security_scanner_max_high));
  const std::string& db = c.database_url;
  if (!db.empty() && db.rfind("sqlite:", 0) != 0 && db.rfind("postgresql://", 0) != 0 &&
      db.rfind("postgres://", 0) != 0) {
    return InvalidArgument("DATABASE_URL must start with sqlite: or postgresql://");
  }
  return c;
}

std::map<std::string, std::string> ReadEnvironment(const std::string& dotenv_path) {
  std::map<std::string, std::string> env;
  std::ifstream in(dotenv_path);
  std::string line;
  while (std::getline(in, line)) {
    line = Trim(line);
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("export ", 0) == 0) line = Trim(line.substr(7));
    const auto eq = line.find('=');
    if (eq == std::string::npos) continue;
    std::string key = Trim(line.substr(0, eq));
    std::string value = Trim(line.substr(eq + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    env[key] = value;
  }
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string kv(*e);
    const auto eq = kv.find('=');
    if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return env;
}

}  // namespace mlops
