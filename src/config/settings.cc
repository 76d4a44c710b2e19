#include "config/settings.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

extern char** environ;

namespace mlops {
namespace {

std::string Trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r");
  const auto e = s.find_last_not_of(" \t\r");
  return b == std::string_view::npos ? "" : std::string(s.substr(b, e - b + 1));
}

// The trimmed items of a comma-separated list, empty ones included (callers reject or drop them).
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

std::string Join(const std::vector<std::string_view>& items, std::string_view separator) {
  std::string out;
  for (std::string_view item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string ScanTypeNames() {
  std::vector<std::string_view> names;
  for (ScanType type : AllValues<ScanType>()) names.push_back(ToString(type));
  return Join(names, ", ");
}

std::optional<std::int64_t> ParseInt(std::string_view text) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return v;
}

// Binary units, largest first: a byte count is shown in the largest one that divides it.
constexpr std::array<std::pair<std::string_view, int>, 6> kByteUnits = {
    {{"EiB", 60}, {"PiB", 50}, {"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}}};

std::string FormatBytes(std::int64_t bytes) {
  for (const auto& [unit, shift] : kByteUnits) {
    const std::int64_t size = std::int64_t{1} << shift;
    if (bytes != 0 && bytes % size == 0) return std::to_string(bytes / size) + std::string(unit);
  }
  return std::to_string(bytes);
}

// An integer, optionally followed by a binary unit (KiB ... EiB) or B; nullopt on overflow.
std::optional<std::int64_t> ParseBytes(std::string_view text) {
  for (const auto& [unit, shift] : kByteUnits) {
    if (text.size() > unit.size() && text.ends_with(unit)) {
      const std::optional<std::int64_t> n = ParseInt(text.substr(0, text.size() - unit.size()));
      if (!n || *n < 0 || *n > (std::numeric_limits<std::int64_t>::max() >> shift)) {
        return std::nullopt;
      }
      return *n << shift;
    }
  }
  if (text.size() > 1 && text.ends_with('B')) text.remove_suffix(1);
  return ParseInt(text);
}

// The typed parsers the table is written with. Each returns what it accepts (for the
// documentation) and how it stores a value in its Config field.

template <typename Int>
SettingParser Integer(Int Config::*field, std::int64_t min, std::int64_t max) {
  const std::string accepts = "an integer in " + std::to_string(min) + ".." + std::to_string(max);
  return {accepts, [=](const SettingValue& value, Config& config) {
            const std::optional<std::int64_t> v = ParseInt(value.text);
            if (!v || *v < min || *v > max) return value.Invalid(accepts);
            config.*field = static_cast<Int>(*v);
            return OkStatus();
          }};
}

// A byte count: an integer, or one with a binary unit ("16MiB").
template <typename Int>
SettingParser Bytes(Int Config::*field, std::int64_t min, std::int64_t max) {
  const std::string accepts = "a byte count in " + FormatBytes(min) + ".." + FormatBytes(max);
  return {accepts, [=](const SettingValue& value, Config& config) {
            const std::optional<std::int64_t> v = ParseBytes(value.text);
            if (!v || *v < min || *v > max) return value.Invalid(accepts);
            config.*field = static_cast<Int>(*v);
            return OkStatus();
          }};
}

SettingParser Bool(bool Config::*field) {
  return {"true or false (also 1/0, yes/no)", [=](const SettingValue& value, Config& config) {
            const std::string& v = value.text;
            if (v == "true" || v == "1" || v == "yes") {
              config.*field = true;
            } else if (v == "false" || v == "0" || v == "no") {
              config.*field = false;
            } else {
              return value.Invalid("true or false");
            }
            return OkStatus();
          }};
}

SettingParser Text(std::string Config::*field, std::string accepts = "text") {
  return {std::move(accepts), [=](const SettingValue& value, Config& config) {
            config.*field = value.text;
            return OkStatus();
          }};
}

// A secret of at least `min_length` characters; unset leaves the field empty.
SettingParser Key(std::optional<std::string> Config::*field, std::size_t min_length) {
  const std::string accepts = "a key of at least " + std::to_string(min_length) + " characters";
  return {accepts, [=](const SettingValue& value, Config& config) {
            if (value.text.size() < min_length) return value.Invalid(accepts);
            config.*field = value.text;
            return OkStatus();
          }};
}

SettingParser OneOf(std::string Config::*field, std::vector<std::string_view> allowed) {
  const std::string accepts = "one of " + Join(allowed, ", ");
  return {accepts, [=](const SettingValue& value, Config& config) {
            if (std::find(allowed.begin(), allowed.end(), value.text) == allowed.end()) {
              return value.Invalid(accepts);
            }
            config.*field = value.text;
            return OkStatus();
          }};
}

// One of `allowed`, spelled as on the wire (domain/enums.h).
template <typename Enum>
SettingParser EnumOf(Enum Config::*field, std::vector<Enum> allowed) {
  std::vector<std::string_view> names;
  for (Enum e : allowed) names.push_back(ToString(e));
  const std::string accepts = "one of " + Join(names, ", ");
  return {accepts, [=](const SettingValue& value, Config& config) {
            const std::optional<Enum> v = ParseEnum<Enum>(value.text);
            if (!v || std::find(allowed.begin(), allowed.end(), *v) == allowed.end()) {
              return value.Invalid(accepts);
            }
            config.*field = *v;
            return OkStatus();
          }};
}

SettingParser ScanTypes(std::vector<ScanType> Config::*field, bool none_allowed) {
  std::string accepts = "scan types, comma-separated or as {\"scan_types\": [...]}";
  if (none_allowed) accepts += ", or none";
  return {accepts, [=](const SettingValue& value, Config& config) {
            if (none_allowed && Trim(value.text) == "none") {
              (config.*field).clear();
              return OkStatus();
            }
            ASSIGN_OR_RETURN(config.*field, ParseScanTypes(value.source, value.text));
            return OkStatus();
          }};
}

// A comma-separated list; empty items are dropped.
SettingParser List(std::vector<std::string> Config::*field) {
  return {"a comma-separated list", [=](const SettingValue& value, Config& config) {
            std::vector<std::string> items = SplitList(value.text);
            std::erase(items, std::string());
            config.*field = std::move(items);
            return OkStatus();
          }};
}

// A metadata store URL. It holds a password: only its scheme is ever shown.
SettingParser DatabaseUrl(std::string Config::*field) {
  return {"sqlite:<file> or postgresql://user:password@host:port/db",
          [=](const SettingValue& value, Config& config) {
            const std::string& url = value.text;
            if (!url.starts_with("sqlite:") && !url.starts_with("postgresql://") &&
                !url.starts_with("postgres://")) {
              // The scheme is shown when there is one; nothing after it.
              const std::size_t colon = url.find(':');
              const bool scheme = colon != std::string::npos && colon > 0 && colon <= 16 &&
                                  std::all_of(url.begin(), url.begin() + colon, [](char ch) {
                                    return std::isalnum(static_cast<unsigned char>(ch)) ||
                                           ch == '+' || ch == '-' || ch == '.';
                                  });
              return InvalidArgument(
                  value.source + " must start with sqlite:, postgresql:// or postgres://, got " +
                  (scheme ? "'" + url.substr(0, colon + 1) + "...'" : "a value with no scheme") +
                  " (the rest is secret, not shown)");
            }
            config.*field = url;
            return OkStatus();
          }};
}

constexpr std::int64_t kKiB = 1024;
constexpr std::int64_t kMiB = kKiB << 10;
constexpr std::int64_t kGiB = kMiB << 10;
constexpr std::int64_t kTiB = kGiB << 10;
constexpr std::int64_t kPiB = kTiB << 10;
constexpr std::int64_t kEiB = kPiB << 10;
constexpr int kHour = 3600;
constexpr int kDay = 24 * kHour;

using G = SettingGroup;

// THE TABLE. Adding a setting is adding one entry here, where it is to be listed, and its field to
// Config: parsing, `mlops serve --help`, .env.example and the README's tables follow from it.
// Then run `make settings-docs` to rewrite .env.example and the README's tables, and commit them
// (settings_docs_test and the e2e SettingsE2eTest fail until you do).
// - name: the variable; aliases: other names read when it is unset, in order of precedence.
// - group: the section it is listed in (a new one: SettingGroup and SettingGroupTitle).
// - secret: never shown; may come from <NAME>_FILE; errors do not echo its value.
// - default_value: as documented. A literal value must give the Config's default (settings_test
//   checks); "(unset)", "(...)" or "$OTHER_SETTING" describe what unset means.
// - parser: Integer, Bytes (KiB..EiB units), Bool, Text, Key, OneOf (strings), EnumOf
//   (domain enums), ScanTypes, List, DatabaseUrl; above. A new kind of value: a new helper there.
// - meaning: one line for people: what it does and what its special values mean.
// A rule between settings (one defaulting to another) goes in LoadConfig, after the table.
std::vector<Setting> BuildSettings() {
  return {
      // service
      {.name = "SERVICE_HOST",
       .default_value = "127.0.0.1",
       .parser = Text(&Config::service_host, "an address"),
       .meaning = "address to listen on (`--host` overrides)"},
      {.name = "SERVICE_PORT",
       .default_value = "8000",
       .parser = Integer(&Config::service_port, 0, 65535),
       .meaning = "port to listen on, 0 for any free port (`--port` overrides)"},
      {.name = "LOG_LEVEL",
       .default_value = "info",
       .parser = OneOf(&Config::log_level, {"trace", "debug", "info", "warn", "warning", "error",
                                            "err", "critical", "off"}),
       .meaning = "JSON log lines on stderr, one per request"},
      {.name = "MLOPS_WORKER_THREADS",
       .default_value = "0",
       .parser = Integer(&Config::worker_threads, 0, 256),
       .meaning = "HTTP worker threads (0: one per core)"},
      {.name = "MLOPS_ADMIN_API_KEY",
       .secret = true,
       .default_value = "(unset)",
       .parser = Key(&Config::admin_api_key, 16),
       .meaning = "bootstrap admin key; unset on the first start: one is generated and printed "
                  "once"},
      {.name = "MLOPS_SHUTDOWN_GRACE_SECONDS",
       .default_value = "30",
       .parser = Integer(&Config::shutdown_grace_seconds, 0, kHour),
       .meaning = "on SIGTERM, how long in-flight requests and validation scans may finish"},

      // storage
      {.name = "MLOPS_DATA_DIR",
       .group = G::kStorage,
       .default_value = "./mlops-data",
       .parser = Text(&Config::data_dir, "a directory"),
       .meaning = "where the embedded SQLite file and the artifacts live"},
      {.name = "DATABASE_URL",
       .aliases = {"MLOPS_DATABASE_URL", "ALEMBIC_DATABASE_URL"},
       .group = G::kStorage,
       .secret = true,
       .default_value = "sqlite:$MLOPS_DATA_DIR/mlops.db",
       .parser = DatabaseUrl(&Config::database_url),
       .meaning = "metadata store, migrated at start-up"},
      {.name = "MINIO_ENDPOINT",
       .group = G::kStorage,
       .default_value = "(unset)",
       .parser = Text(&Config::s3_endpoint, "host:port or http(s)://host:port"),
       .meaning = "S3/MinIO artifact store (path-style); unset: artifacts under MLOPS_DATA_DIR"},
      {.name = "MINIO_ACCESS_KEY",
       .group = G::kStorage,
       .secret = true,
       .default_value = "(unset)",
       .parser = Text(&Config::s3_access_key),
       .meaning = "S3 access key id (SigV4)"},
      {.name = "MINIO_SECRET_KEY",
       .group = G::kStorage,
       .secret = true,
       .default_value = "(unset)",
       .parser = Text(&Config::s3_secret_key),
       .meaning = "S3 secret access key"},
      {.name = "MINIO_REGION",
       .group = G::kStorage,
       .default_value = "us-east-1",
       .parser = Text(&Config::s3_region),
       .meaning = "S3 region the requests are signed for"},
      {.name = "MINIO_SECURE",
       .group = G::kStorage,
       .default_value = "false",
       .parser = Bool(&Config::s3_secure),
       .meaning = "use https for an endpoint given without a scheme"},
      {.name = "MINIO_MODEL_BUCKET_NAME",
       .group = G::kStorage,
       .default_value = "mlops-models",
       .parser = Text(&Config::model_bucket),
       .meaning = "bucket for model artifacts (created if missing)"},
      {.name = "MINIO_VALIDATION_REPORTS_BUCKET_NAME",
       .group = G::kStorage,
       .default_value = "mlops-validation-reports",
       .parser = Text(&Config::reports_bucket),
       .meaning = "bucket for validation reports (created if missing)"},
      // S3 rejects parts under 5 MiB and allows 10,000 parts, so 5 GiB parts cover its 5 TiB.
      {.name = "MLOPS_S3_PART_SIZE_BYTES",
       .group = G::kStorage,
       .default_value = "16MiB",
       .parser = Bytes(&Config::s3_part_size_bytes, 5 * kMiB, 5 * kGiB),
       .meaning = "S3 multipart upload part size; each upload in flight buffers one part"},
      {.name = "MLOPS_ORPHAN_ARTIFACT_MIN_AGE_SECONDS",
       .group = G::kStorage,
       .default_value = "86400",
       .parser = Integer(&Config::orphan_artifact_min_age_seconds, 0, 365 * kDay),
       .meaning = "at start-up, a background sweep removes model artifacts no version refers to "
                  "(left by a crash between an upload's publish and its commit) once older than "
                  "this"},
      {.name = "MLOPS_MIN_FREE_DISK_BYTES",
       .group = G::kStorage,
       .default_value = "128MiB",
       .parser = Bytes(&Config::min_free_disk_bytes, 0, kEiB),
       .meaning = "`/health/ready` answers 503 (\"low disk space at <dir>\") while the data "
                  "directory, or the SQLite file's, has less free space (0: no check); a start-up "
                  "that fails on a full disk says \"no space left on device at <dir>\""},

      // http
      {.name = "MLOPS_MAX_ARTIFACT_BYTES",
       .group = G::kHttp,
       .default_value = "50GiB",
       .parser = Bytes(&Config::max_artifact_bytes, 1, kPiB),
       .meaning = "largest artifact accepted; larger uploads get 413 and leave nothing behind"},
      {.name = "MLOPS_MAX_JSON_BODY_BYTES",
       .group = G::kHttp,
       .default_value = "1MiB",
       .parser = Bytes(&Config::max_json_body_bytes, kKiB, kGiB),
       .meaning = "largest JSON request body"},
      {.name = "MLOPS_REQUEST_TIMEOUT_SECONDS",
       .group = G::kHttp,
       .default_value = "30",
       .parser = Integer(&Config::request_timeout_seconds, 1, kHour),
       .meaning = "time allowed to send a JSON body (and the headers, unless set apart)"},
      {.name = "MLOPS_HTTP_HEADER_TIMEOUT_SECONDS",
       .group = G::kHttp,
       .default_value = "$MLOPS_REQUEST_TIMEOUT_SECONDS",
       .parser = Integer(&Config::header_timeout_seconds, 1, kHour),
       .meaning = "one deadline for a request's head (request line and header fields), counted "
                  "from when the server waits for it, however slowly its bytes trickle in"},
      {.name = "MLOPS_UPLOAD_IDLE_TIMEOUT_SECONDS",
       .group = G::kHttp,
       .default_value = "60",
       .parser = Integer(&Config::upload_idle_timeout_seconds, 1, kHour),
       .meaning = "an upload stalled this long is aborted"},
      {.name = "MLOPS_HTTP_MIN_BODY_BYTES_PER_SECOND",
       .group = G::kHttp,
       .default_value = "1KiB",
       .parser = Bytes(&Config::min_body_bytes_per_second, 0, kTiB),
       .meaning = "a streamed body (an upload) bringing fewer bytes per second than this over a "
                  "window is cut off with 408 (0: no minimum)"},
      {.name = "MLOPS_HTTP_MIN_BODY_RATE_WINDOW_SECONDS",
       .group = G::kHttp,
       .default_value = "30",
       .parser = Integer(&Config::min_body_rate_window_seconds, 1, kHour),
       .meaning = "the window the minimum body rate is measured over; the first one is its grace "
                  "period"},
      {.name = "MLOPS_HTTP_DRAIN_BYTES",
       .group = G::kHttp,
       .default_value = "4MiB",
       .parser = Bytes(&Config::drain_bytes, 0, kTiB),
       .meaning = "a request refused while its body is still arriving (409, 413, 503, ...) is "
                  "answered with `Connection: close`; then the server stops writing and reads and "
                  "discards up to this much more of the body, so that clients that send the whole "
                  "body before reading see the answer rather than a reset"},
      {.name = "MLOPS_HTTP_DRAIN_TIMEOUT_SECONDS",
       .group = G::kHttp,
       .default_value = "2",
       .parser = Integer(&Config::drain_timeout_seconds, 0, 600),
       .meaning = "longest such drain"},

      // validation
      {.name = "DEFAULT_MODEL_STATUS_ON_UPLOAD",
       .group = G::kValidation,
       .default_value = "PENDING_VALIDATION",
       .parser = EnumOf(&Config::default_status_on_upload,
                        {ModelVersionStatus::kStaging, ModelVersionStatus::kPendingValidation}),
       .meaning = "status of a new version"},
      {.name = "ENABLE_AUTOMATED_SECURITY_SCANNING_TRIGGER",
       .group = G::kValidation,
       .default_value = "true",
       .parser = Bool(&Config::validation_trigger_on_upload),
       .meaning = "an upload in PENDING_VALIDATION queues the default pipeline in its transaction "
                  "(a PATCH to PENDING_VALIDATION always does)"},
      {.name = "DEFAULT_VALIDATION_PIPELINE_CONFIG",
       .group = G::kValidation,
       .default_value = "security_artifact,functional_io,performance_benchmark,content_safety,"
                        "security_container",
       .parser = ScanTypes(&Config::default_validation_pipeline, /*none_allowed=*/false),
       .meaning = "scans of the upload trigger, and of a trigger that names none"},
      {.name = "MLOPS_VALIDATION_WORKERS",
       .group = G::kValidation,
       .default_value = "2",
       .parser = Integer(&Config::validation_workers, 0, 64),
       .meaning = "threads running validation jobs in this process (0: none here)"},
      {.name = "MLOPS_VALIDATION_LEASE_SECONDS",
       .group = G::kValidation,
       .default_value = "30",
       .parser = Integer(&Config::validation_lease_seconds, 1, kHour),
       .meaning = "a running job's lease, renewed every third of it; a crashed worker's jobs run "
                  "again once it expires"},
      {.name = "MLOPS_VALIDATION_MAX_ATTEMPTS",
       .group = G::kValidation,
       .default_value = "3",
       .parser = Integer(&Config::validation_max_attempts, 1, 100),
       .meaning = "a job interrupted this many times (its worker died each time) is FAILED, not "
                  "retried"},
      {.name = "MLOPS_VALIDATION_ALLOW_WARNING",
       .group = G::kValidation,
       .default_value = "true",
       .parser = Bool(&Config::validation_allow_warning),
       .meaning = "a WARNING result counts as passed"},
      {.name = "MLOPS_VALIDATION_REQUIRED_SCANS",
       .group = G::kValidation,
       .default_value = "security_artifact,functional_io",
       .parser = ScanTypes(&Config::validation_required_scans, /*none_allowed=*/true),
       .meaning = "scans that must pass (or warn, if allowed) for VALIDATED; SKIPPED or missing "
                  "fails the run"},
      {.name = "MLOPS_VALIDATION_ISOLATE_MODELS",
       .group = G::kValidation,
       .default_value = "true",
       .parser = Bool(&Config::validation_isolate_models),
       .meaning = "run functional_io and performance_benchmark, which load and run the uploaded "
                  "model, in a child process per scan (`mlops scan-child`): a model that crashes "
                  "or hangs the runtime fails its own scan; false runs them in the service "
                  "process"},
      {.name = "MLOPS_VALIDATION_SCAN_TIMEOUT_SECONDS",
       .group = G::kValidation,
       .default_value = "600",
       .parser = Integer(&Config::validation_scan_timeout_seconds, 1, 7 * kDay),
       .meaning = "an isolated scan still running after this long is killed and FAILED"},
      {.name = "MLOPS_TEST_ONLY_SCAN_DELAY_MS",
       .group = G::kValidation,
       .default_value = "0",
       .parser = Integer(&Config::test_only_scan_delay_ms, 0, 3'600'000),
       .meaning = "TESTING ONLY: each validation job waits this long under its lease before "
                  "scanning, so tests can interrupt a run; never set it in production"},

      // scanning
      {.name = "MLOPS_YARA_RULES_DIR",
       .group = G::kScanning,
       .default_value = "(unset)",
       .parser = Text(&Config::yara_rules_dir, "a directory"),
       .meaning = "directory of extra `*.yar`/`*.yara` rules for security_artifact, on top "
                  "of `rules/yara/`"},
      {.name = "MLOPS_PICKLE_ALLOWED_GLOBALS",
       .group = G::kScanning,
       .default_value = "(unset)",
       .parser = List(&Config::pickle_allowed_globals),
       .meaning = "module.name globals a pickle may import, on top of the built-in "
                  "tensor-rebuilding allow-list"},
      {.name = "MLOPS_ZIP_MAX_COMPRESSION_RATIO",
       .group = G::kScanning,
       .default_value = "200",
       .parser = Integer(&Config::zip_max_compression_ratio, 2, 100'000),
       .meaning = "compressed content (over 1 MiB) decompressing beyond this ratio is a bomb, "
                  "unless it is a format that explains it (an npy array, a pickle, an archive)"},
      {.name = "MLOPS_SCAN_MAX_DECOMPRESSED_BYTES",
       .group = G::kScanning,
       .default_value = "16GiB",
       .parser = Bytes(&Config::scan_max_decompressed_bytes, 1, kPiB),
       .meaning = "bytes security_artifact may decompress from one artifact, nested archives "
                  "included"},
      {.name = "MLOPS_SCAN_MAX_NESTING_DEPTH",
       .group = G::kScanning,
       .default_value = "4",
       .parser = Integer(&Config::scan_max_nesting_depth, 1, 32),
       .meaning = "how deep archives and compressed streams may nest in an artifact (a .tar.gz "
                  "member: 2)"},
      {.name = "MLOPS_BENCHMARK_WARMUP",
       .group = G::kScanning,
       .default_value = "5",
       .parser = Integer(&Config::benchmark_warmup_runs, 0, 10'000),
       .meaning = "untimed inferences before performance_benchmark measures"},
      {.name = "MLOPS_BENCHMARK_ITERATIONS",
       .group = G::kScanning,
       .default_value = "100",
       .parser = Integer(&Config::benchmark_iterations, 1, 10'000),
       .meaning = "timed inferences of performance_benchmark (a version's "
                  "parameters.benchmark_iterations overrides)"},
      {.name = "MLOPS_ONNXRUNTIME_LIBRARY",
       .group = G::kScanning,
       .default_value = "(beside the binary)",
       .parser = Text(&Config::onnxruntime_library, "a file"),
       .meaning = "the ONNX Runtime library (libonnxruntime.so.1) that runs ONNX models; unset: "
                  "the one beside the mlops binary (scripts/install-deps.sh installs it), else "
                  "the dynamic linker's search path. Missing: ONNX scans are SKIPPED saying so"},
      {.name = "MLOPS_ONNXRUNTIME_INTRA_OP_THREADS",
       .group = G::kScanning,
       .default_value = "0",
       .parser = Integer(&Config::onnxruntime_intra_op_threads, 0, 1024),
       .meaning = "threads ONNX Runtime uses within one operator (0: one per core)"},
      {.name = "MLOPS_ONNXRUNTIME_INTER_OP_THREADS",
       .group = G::kScanning,
       .default_value = "0",
       .parser = Integer(&Config::onnxruntime_inter_op_threads, 0, 1024),
       .meaning = "threads across independent operators (0: ONNX Runtime's default; above 1 "
                  "runs the graph in parallel mode)"},
      {.name = "MLOPS_ONNXRUNTIME_GRAPH_OPTIMIZATION",
       .group = G::kScanning,
       .default_value = "all",
       .parser =
           OneOf(&Config::onnxruntime_graph_optimization, {"disable", "basic", "extended", "all"}),
       .meaning = "ONNX Runtime graph optimisation level"},
      {.name = "MLOPS_ONNXRUNTIME_CPU_ARENA",
       .group = G::kScanning,
       .default_value = "true",
       .parser = Bool(&Config::onnxruntime_cpu_arena),
       .meaning = "ONNX Runtime's CPU memory arena (faster repeated runs, memory kept per "
                  "session)"},
      {.name = "MLOPS_CONTENT_POLICY_PATH",
       .group = G::kScanning,
       .default_value = "(built in)",
       .parser = Text(&Config::content_policy_path, "a file"),
       .meaning = "content_safety policy file (JSON, see config/README.md); unset: "
                  "config/content_policy.json as compiled in"},
      {.name = "SECURITY_SCANNER_API_ENDPOINT",
       .group = G::kScanning,
       .default_value = "(unset)",
       .parser = Text(&Config::security_scanner_endpoint, "a URL"),
       .meaning = "base URL of the external container scanner; unset: security_container is "
                  "SKIPPED"},
      {.name = "SECURITY_SCANNER_API_KEY",
       .group = G::kScanning,
       .secret = true,
       .default_value = "(unset)",
       .parser = Text(&Config::security_scanner_api_key),
       .meaning = "bearer token for the container scanner"},
      {.name = "MLOPS_SECURITY_SCANNER_TIMEOUT_SECONDS",
       .group = G::kScanning,
       .default_value = "300",
       .parser = Integer(&Config::security_scanner_timeout_seconds, 1, kDay),
       .meaning = "longest wait for one container scan"},
      {.name = "MLOPS_SECURITY_SCANNER_MAX_CRITICAL",
       .group = G::kScanning,
       .default_value = "0",
       .parser = Integer(&Config::security_scanner_max_critical, 0, 1'000'000),
       .meaning = "more critical vulnerabilities than this fail security_container"},
      {.name = "MLOPS_SECURITY_SCANNER_MAX_HIGH",
       .group = G::kScanning,
       .default_value = "0",
       .parser = Integer(&Config::security_scanner_max_high, 0, 1'000'000),
       .meaning = "more high vulnerabilities than this fail security_container"},
  };
}

// A secret mounted as a file: its content, one trailing newline stripped.
StatusOr<std::string> ReadSecretFile(const std::string& variable, const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return InvalidArgument(variable + ": cannot read " + path + ": it is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return InvalidArgument(variable + ": cannot read " + path + ": " + std::strerror(errno));
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return InvalidArgument(variable + ": cannot read " + path);
  if (text.ends_with('\n')) text.pop_back();
  if (text.ends_with('\r')) text.pop_back();
  if (text.empty()) return InvalidArgument(variable + ": " + path + " is empty");
  return text;
}

// The value of `setting` in `env`, if any: from its name, else from its aliases in order; a
// secret also from <name>_FILE.
StatusOr<std::optional<SettingValue>> Lookup(const std::map<std::string, std::string>& env,
                                             const Setting& setting) {
  auto find = [&env](const std::string& name) -> const std::string* {
    const auto it = env.find(name);
    return it == env.end() || it->second.empty() ? nullptr : &it->second;
  };
  std::vector<std::string_view> names = {setting.name};
  names.insert(names.end(), setting.aliases.begin(), setting.aliases.end());
  for (std::string_view name_view : names) {
    const std::string name(name_view);
    const std::string* text = find(name);
    const std::string file_variable = name + "_FILE";
    const std::string* path = setting.secret ? find(file_variable) : nullptr;
    if (text != nullptr && path != nullptr) {
      return InvalidArgument(name + " and " + file_variable + " are both set: set only one");
    }
    if (text != nullptr) return std::optional<SettingValue>({name, *text, setting.secret});
    if (path != nullptr) {
      ASSIGN_OR_RETURN(std::string content, ReadSecretFile(file_variable, *path));
      return std::optional<SettingValue>(
          {name + " (from " + file_variable + ")", std::move(content), true});
    }
  }
  return std::optional<SettingValue>();
}

}  // namespace

StatusOr<std::vector<ScanType>> ParseScanTypes(const std::string& setting,
                                               const std::string& text) {
  std::vector<std::string> names;
  const std::string trimmed = Trim(text);
  if (!trimmed.empty() && trimmed.front() == '{') {
    const nlohmann::json doc = nlohmann::json::parse(trimmed, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object() || !doc.contains("scan_types") || !doc["scan_types"].is_array()) {
      return InvalidArgument(setting +
                             " must be {\"scan_types\": [...]} or a comma-separated list");
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
      return InvalidArgument(setting + ": unknown scan type '" + name +
                             "' (known: " + ScanTypeNames() + ")");
    }
    if (std::find(types.begin(), types.end(), *type) == types.end()) types.push_back(*type);
  }
  if (types.empty()) return InvalidArgument(setting + " names no scan type");
  return types;
}

std::string_view SettingGroupTitle(SettingGroup group) {
  switch (group) {
    case SettingGroup::kService:
      return "Service";
    case SettingGroup::kStorage:
      return "Storage (metadata and artifacts)";
    case SettingGroup::kHttp:
      return "HTTP limits and timeouts";
    case SettingGroup::kValidation:
      return "Validation pipeline";
    case SettingGroup::kScanning:
      return "Scanners";
  }
  return "Other";
}

Status SettingValue::Invalid(std::string_view requirement) const {
  std::string message = source + " must be " + std::string(requirement);
  message += secret ? " (the value is secret, not shown)" : ", got '" + text + "'";
  return InvalidArgument(std::move(message));
}

bool Setting::DefaultIsLiteral() const {
  return !default_value.starts_with('(') && default_value.find('$') == std::string_view::npos;
}

const std::vector<Setting>& Settings() {
  static const std::vector<Setting> kSettings = BuildSettings();
  return kSettings;
}

Status ApplySettings(const std::map<std::string, std::string>& env, Config& config) {
  for (const Setting& setting : Settings()) {
    ASSIGN_OR_RETURN(std::optional<SettingValue> value, Lookup(env, setting));
    if (value) RETURN_IF_ERROR(setting.parser.apply(*value, config));
  }
  return OkStatus();
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
