#include "cli/serve_command.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "artifacts/artifact_store_factory.h"
#include "cli/scanner_setup.h"
#include "common/disk_space.h"
#include "common/logging.h"
#include "http/api_context.h"
#include "http/handlers/routes.h"
#include "http/server.h"
#include "services/artifact_download_service.h"
#include "services/health_service.h"
#include "services/orphan_artifact_sweeper.h"
#include "services/validation_job_runner.h"
#include "services/validation_worker_pool.h"
#include "store/metadata_store_factory.h"

namespace mlops::cli {
namespace {

int Fail(std::string_view what, const Status& status) {
  Log(LogLevel::kError, std::string(what), {{"error", status.ToString()}});
  return 1;
}

// A start-up failure, with a full disk named as its cause when one of the local data directories
// is full ("disk I/O error" from SQLite says nothing of it).
int FailStarting(const Config& config, std::string_view what, Status status) {
  for (const std::string& dir : config.LocalDataDirs()) {
    status = ExplainIfDiskFull(dir, status);
    if (status.message().starts_with("no space left")) break;
  }
  return Fail(what, status);
}

// The embedded defaults keep everything under MLOPS_DATA_DIR; make sure it exists.
Status PrepareDataDir(const Config& config) {
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec)
    return Unavailable("cannot create MLOPS_DATA_DIR " + config.data_dir + ": " + ec.message());
  return OkStatus();
}

StatusOr<std::unique_ptr<MetadataStore>> OpenMigratedStore(const Config& config) {
  RETURN_IF_ERROR(PrepareDataDir(config));
  ASSIGN_OR_RETURN(auto store, OpenMetadataStore(config.EffectiveDatabaseUrl()));
  RETURN_IF_ERROR(store->Migrate());
  return store;
}

// S3 if MINIO_ENDPOINT is set, with the model and validation-report buckets; otherwise the
// filesystem under data_dir.
ArtifactStoreSettings ArtifactStoreSettingsFrom(const Config& config) {
  ArtifactStoreSettings settings;
  settings.filesystem_root = config.data_dir + "/artifacts";
  settings.s3.endpoint = config.s3_endpoint;
  settings.s3.secure = config.s3_secure;
  settings.s3.credentials = {config.s3_access_key, config.s3_secret_key, config.s3_region};
  settings.s3.part_bytes = static_cast<std::size_t>(config.s3_part_size_bytes);
  settings.s3.buckets = {config.model_bucket, config.reports_bucket};
  return settings;
}

ValidationSettings ValidationSettingsFrom(const Config& config) {
  ValidationSettings settings;
  settings.reports_bucket = config.reports_bucket;
  settings.default_pipeline = config.default_validation_pipeline;
  settings.policy.allow_warning = config.validation_allow_warning;
  settings.policy.required_scans = config.validation_required_scans;
  settings.trigger_on_upload = config.validation_trigger_on_upload;
  settings.workers = config.validation_workers;
  settings.lease = std::chrono::seconds(config.validation_lease_seconds);
  settings.max_attempts = config.validation_max_attempts;
  settings.test_only_scan_delay = std::chrono::milliseconds(config.test_only_scan_delay_ms);
  return settings;
}

}  // namespace

int Migrate(const Config& config) {
  auto store = OpenMigratedStore(config);
  if (!store.ok()) return FailStarting(config, "migration failed", store.status());
  auto version = (*store)->SchemaVersion();
  Log(LogLevel::kInfo, "migrations applied", {{"schema_version", version.ok() ? *version : -1}});
  return 0;
}

int Serve(const Config& config, const ServeFlags& flags) {
  auto store = OpenMigratedStore(config);
  if (!store.ok()) return FailStarting(config, "cannot open the metadata store", store.status());
  auto artifacts = OpenArtifactStore(ArtifactStoreSettingsFrom(config));
  if (!artifacts.ok()) {
    return FailStarting(config, "cannot open the artifact store", artifacts.status());
  }
  if (Status s = (*artifacts)->SweepTemporaries(); !s.ok()) {
    return FailStarting(config, "cannot sweep temporary artifacts", s);
  }

  StatusOr<validation::ScannerRegistry> scanners = BuildScanners(config);
  if (!scanners.ok()) return Fail("cannot set up the validation scanners", scanners.status());
  ValidationService validation(**store, **artifacts, ValidationSettingsFrom(config));
  RegistryService registry(**store, &validation);
  UploadService uploads(
      **store, **artifacts,
      {config.model_bucket, config.max_artifact_bytes, config.default_status_on_upload},
      &validation);
  ArtifactDownloadService downloads(registry, **artifacts);
  FeedbackService feedback(**store);
  ApiKeyService keys(**store, config.admin_api_key);
  HealthService health(
      **store, **artifacts,
      {config.LocalDataDirs(), static_cast<std::uint64_t>(config.min_free_disk_bytes)});
  monitoring::Metrics metrics;
  http::RequestMetrics request_metrics(metrics);

  auto generated = keys.EnsureAdminKey();
  if (!generated.ok()) {
    return FailStarting(config, "cannot create the first admin key", generated.status());
  }
  if (*generated) {
    // Shown once, on the console only: the store keeps just its hash.
    std::cout << "mlops: created admin API key (shown only now): " << **generated << std::endl;
  } else if (!config.admin_api_key) {
    std::cout
        << "mlops: using the API keys stored earlier (the first start printed the admin key); "
           "set MLOPS_ADMIN_API_KEY to add a bootstrap admin key"
        << std::endl;
  }

  http::ApiContext ctx{registry, uploads, downloads, validation, feedback, keys, health, metrics};
  const http::Router router = http::BuildRouter(ctx);
  http::ServerOptions options;
  options.host = flags.host.value_or(config.service_host);
  options.port = flags.port.value_or(config.service_port);
  options.threads = config.worker_threads;
  options.max_json_body_bytes = static_cast<std::uint64_t>(config.max_json_body_bytes);
  // The multipart envelope (boundaries, headers, version_details) rides on top of the artifact.
  options.max_stream_body_bytes =
      static_cast<std::uint64_t>(config.max_artifact_bytes) + (2u << 20);
  options.header_timeout_seconds = config.header_timeout_seconds;
  options.request_timeout_seconds = config.request_timeout_seconds;
  options.stream_idle_timeout_seconds = config.upload_idle_timeout_seconds;
  options.min_body_bytes_per_second = static_cast<std::uint64_t>(config.min_body_bytes_per_second);
  options.min_body_rate_window_seconds = config.min_body_rate_window_seconds;
  options.drain_bytes = static_cast<std::uint64_t>(config.drain_bytes);
  options.drain_timeout_seconds = config.drain_timeout_seconds;
  options.shutdown_grace_seconds = config.shutdown_grace_seconds;

  http::Server server(options, router, keys, request_metrics);
  if (Status s = server.Listen(); !s.ok()) return Fail("cannot listen", s);
  if (!flags.port_file.empty()) {
    std::ofstream(flags.port_file + ".tmp") << server.port() << "\n";
    std::filesystem::rename(flags.port_file + ".tmp", flags.port_file);
  }
  Log(LogLevel::kInfo, "listening",
      {{"host", options.host}, {"port", server.port()}, {"data_dir", config.data_dir}});
  std::cout << "mlops: serving on http://" << options.host << ":" << server.port() << std::endl;

  ValidationJobRunner runner(**store, **artifacts, *scanners, validation.settings());
  ValidationWorkerPool workers(runner, validation.settings().workers,
                               validation.settings().poll_interval, validation.settings().lease);
  validation.SetQueuedListener([&workers] { workers.Wake(); });
  workers.Start();
  // In the background, as listing a large bucket must not delay serving; what it removes is too
  // old for any request to be about to commit it.
  OrphanArtifactSweeper orphans(
      **store, **artifacts,
      {config.model_bucket, std::chrono::seconds(config.orphan_artifact_min_age_seconds)});
  std::jthread orphan_sweep([&orphans](std::stop_token stop) {
    const StatusOr<int> removed = orphans.Sweep(stop);
    if (!removed.ok()) {
      Log(LogLevel::kWarn, "orphan artifact sweep failed",
          {{"error", removed.status().ToString()}});
    } else if (*removed > 0) {
      Log(LogLevel::kInfo, "removed orphan artifacts", {{"count", *removed}});
    }
  });
  server.Run();
  orphan_sweep.request_stop();
  orphan_sweep.join();
  validation.SetQueuedListener(nullptr);
  if (!workers.Stop(std::chrono::seconds(config.shutdown_grace_seconds))) {
    // Scans still running hold references to everything above; their jobs were released.
    Log(LogLevel::kInfo, "stopped, leaving unfinished validation scans behind");
    std::fflush(nullptr);
    std::_Exit(0);
  }
  Log(LogLevel::kInfo, "stopped");
  return 0;
}

}  // namespace mlops::cli
