#include "services/validation_job_runner.h"

#include <stdlib.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/json_writer.h"
#include "common/logging.h"
#include "common/time.h"
#include "common/uuid.h"
#include "domain/lifecycle.h"
#include "domain/validation_decision.h"
#include "services/object_path.h"

namespace mlops {
namespace {

constexpr std::size_t kCopyChunkBytes = 1 << 20;
constexpr std::int64_t kMaxReportBytes = std::int64_t{1} << 30;
constexpr char kNoScanner[] = "no scanner for this type is built in";

// Renews a job's lease every third of its length until destroyed, from its own thread, so that a
// long scan keeps its job. Stops renewing once the lease is lost (the job was reclaimed or
// released): the run's finish will then be refused.
class LeaseKeeper {
 public:
  LeaseKeeper(MetadataStore& store, std::string result_id, std::string token,
              std::chrono::milliseconds lease)
      : store_(store),
        result_id_(std::move(result_id)),
        token_(std::move(token)),
        lease_(lease),
        thread_([this] { Loop(); }) {}

  ~LeaseKeeper() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  void Loop() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, lease_ / 3, [this] { return done_; })) {
      lock.unlock();
      const TimestampMs now = NowMs();
      const Status renewed = store_.Write([&](MetadataTx& tx) {
        return tx.RenewValidationLease(result_id_, token_, now + lease_.count(), now);
      });
      lock.lock();
      if (renewed.code() == StatusCode::kConflict) return;
      if (!renewed.ok()) {
        Log(LogLevel::kWarn, "cannot renew a validation lease",
            {{"result_id", result_id_}, {"error", renewed.ToString()}});
      }
    }
  }

  MetadataStore& store_;
  const std::string result_id_;
  const std::string token_;
  const std::chrono::milliseconds lease_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread thread_;  // last: starts once everything it uses is initialized
};

// A private directory for one scan, removed with its contents when destroyed.
class ScratchDir {
 public:
  static StatusOr<ScratchDir> Create(const std::string& parent) {
    std::error_code ec;
    const std::filesystem::path base =
        parent.empty() ? std::filesystem::temp_directory_path(ec) : std::filesystem::path(parent);
    if (ec) return Unavailable("no temporary directory: " + ec.message());
    std::string pattern = (base / "mlops-scan-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      return Unavailable("cannot create a scratch directory under " + base.string());
    }
    return ScratchDir(pattern);
  }
  ScratchDir(ScratchDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  ScratchDir& operator=(ScratchDir&&) = delete;
  ~ScratchDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit ScratchDir(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

// Copies an object into the file `to`. A stop meanwhile is UNAVAILABLE, like a failing store: the
// job is then released and runs again.
Status CopyOut(ArtifactStore& artifacts, const ObjectPath& from, const std::filesystem::path& to,
               const StopSignal& stop) {
  ASSIGN_OR_RETURN(auto reader, artifacts.Open(from.bucket, from.key, 0, std::nullopt));
  std::ofstream out(to, std::ios::binary | std::ios::trunc);
  if (!out) return Unavailable("cannot create the scratch copy " + to.string());
  while (true) {
    if (stop.stopped()) return Unavailable("stopping");
    ASSIGN_OR_RETURN(std::string chunk, reader->Read(kCopyChunkBytes));
    if (chunk.empty()) break;
    out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    if (!out) return Unavailable("cannot write the scratch copy " + to.string());
  }
  out.close();
  if (!out) return Unavailable("cannot write the scratch copy " + to.string());
  return OkStatus();
}

bool IsJsonObject(const JsonText& text) {
  if (!nlohmann::json::accept(text)) return false;
  return nlohmann::json::parse(text).is_object();
}

bool IsFinal(ValidationStatus status) {
  return status != ValidationStatus::kPending && status != ValidationStatus::kRunning;
}

validation::ScanOutcome Outcome(ValidationStatus status, std::string summary) {
  validation::ScanOutcome outcome;
  outcome.status = status;
  outcome.summary = std::move(summary);
  JsonWriter details;
  details.BeginObject().Key("reason").String(outcome.summary).EndObject();
  outcome.details = details.text();
  outcome.report = details.Take();
  return outcome;
}

// A scanner's outcome as it may be stored: final, and JSON objects where JSON objects belong.
validation::ScanOutcome Checked(validation::ScanOutcome outcome) {
  if (!IsFinal(outcome.status)) {
    return Outcome(ValidationStatus::kFailed, "the scanner returned the non-final status " +
                                                  std::string(ToString(outcome.status)));
  }
  if (!IsJsonObject(outcome.details) || !IsJsonObject(outcome.report)) {
    return Outcome(ValidationStatus::kFailed,
                   "the scanner's details or report is not a JSON object");
  }
  if (outcome.io_signature && !IsJsonObject(*outcome.io_signature)) outcome.io_signature.reset();
  return outcome;
}

std::string FileNameOf(const std::string& key) { return key.substr(key.rfind('/') + 1); }

std::string ReportJson(const ValidationJob& job, const validation::ScanOutcome& outcome,
                       TimestampMs started_at, TimestampMs finished_at) {
  JsonWriter w;
  w.BeginObject();
  w.Key("result_id").String(job.result_id).Key("model_version_id").String(job.model_version_id);
  w.Key("trigger_id").String(job.trigger_id).Key("scan_type").String(ToString(job.scan_type));
  w.Key("status").String(ToString(outcome.status)).Key("summary").String(outcome.summary);
  w.Key("attempt").Int(job.attempts);
  w.Key("started_at").String(FormatRfc3339(started_at));
  w.Key("finished_at").String(FormatRfc3339(finished_at));
  w.Key("details").Raw(outcome.details).Key("report").Raw(outcome.report);
  w.EndObject();
  return w.Take();
}

JsonText DecisionJson(const ValidationDecision& decision, const std::string& trigger_id,
                      TimestampMs decided_at) {
  JsonWriter w;
  w.BeginObject();
  w.Key("trigger_id").String(trigger_id).Key("status").String(ToString(decision.status));
  w.Key("decided_by").BeginArray();
  for (const std::string& id : decision.decided_by) w.String(id);
  w.EndArray().Key("reasons").BeginArray();
  for (const std::string& reason : decision.reasons) w.String(reason);
  w.EndArray();
  w.Key("decided_at").String(FormatRfc3339(decided_at));
  w.EndObject();
  return w.Take();
}

// If `job` was the last open job of its run, decides the run and moves a version that is still
// PENDING_VALIDATION (a person may have archived it meanwhile: it is then left alone).
Status DecideIfLast(MetadataTx& tx, const ValidationJob& job, const ValidationPolicy& policy,
                    TimestampMs now) {
  ASSIGN_OR_RETURN(const std::vector<ValidationJob> open,
                   tx.ListOpenValidationJobs(job.model_version_id));
  for (const ValidationJob& other : open) {
    if (other.trigger_id == job.trigger_id) return OkStatus();
  }
  ASSIGN_OR_RETURN(const ModelVersion version, tx.GetVersion(job.model_version_id));
  if (version.status != ModelVersionStatus::kPendingValidation) {
    Log(LogLevel::kInfo, "validation run finished; the version left PENDING_VALIDATION meanwhile",
        {{"trigger_id", job.trigger_id}, {"version_status", ToString(version.status)}});
    return OkStatus();
  }
  ASSIGN_OR_RETURN(const std::vector<ValidationResult> results,
                   tx.ListTriggerResults(job.trigger_id));
  const ValidationDecision decision = DecideValidation(results, policy);
  RETURN_IF_ERROR(
      CheckTransition(version.status, decision.status, TransitionActor::kValidationPipeline));
  RETURN_IF_ERROR(tx.SetVersionStatus(version.id, decision.status, now));
  RETURN_IF_ERROR(tx.SetVersionValidationDecision(
      version.id, DecisionJson(decision, job.trigger_id, now), now));
  Log(LogLevel::kInfo, "validation run decided",
      {{"trigger_id", job.trigger_id},
       {"model_version_id", version.id},
       {"status", ToString(decision.status)},
       {"decided_by", decision.decided_by}});
  return OkStatus();
}

}  // namespace

StatusOr<bool> ValidationJobRunner::RunOne(const StopSignal& stop) {
  const std::string token = NewUuid();
  const TimestampMs now = NowMs();
  ASSIGN_OR_RETURN(std::optional<ValidationJob> job, WriteValue(store_, [&](MetadataTx& tx) {
                     return tx.ClaimValidationJob(token, now, now + settings_.lease.count());
                   }));
  if (!job) return false;
  {
    std::lock_guard lock(in_flight_mutex_);
    in_flight_[job->result_id] = token;
  }
  StatusOr<bool> ran = Run(*job, token, stop);
  {
    std::lock_guard lock(in_flight_mutex_);
    in_flight_.erase(job->result_id);
  }
  return ran;
}

StatusOr<bool> ValidationJobRunner::Run(const ValidationJob& job, const std::string& token,
                                        const StopSignal& stop) {
  LeaseKeeper keeper(store_, job.result_id, token, settings_.lease);
  const TimestampMs started_at = NowMs();
  Log(LogLevel::kInfo, "validation job started",
      {{"result_id", job.result_id},
       {"scan_type", ToString(job.scan_type)},
       {"model_version_id", job.model_version_id},
       {"attempt", job.attempts}});
  if (settings_.test_only_scan_delay.count() > 0 &&
      !stop.SleepFor(settings_.test_only_scan_delay)) {
    Release(job.result_id, token);
    return true;
  }

  validation::ScanOutcome outcome;
  std::optional<ScratchDir> scratch;
  const auto scanner = scanners_.find(job.scan_type);
  if (job.attempts > settings_.max_attempts) {
    outcome = Outcome(ValidationStatus::kFailed,
                      "the scan was interrupted " + std::to_string(job.attempts - 1) +
                          " times before it could finish (its worker stopped each time); it is "
                          "not tried again");
  } else if (scanner == scanners_.end() || scanner->second == nullptr) {
    outcome = Outcome(ValidationStatus::kSkipped, kNoScanner);
  } else {
    Model model;
    ModelVersion version;
    Status read = store_.Read([&](MetadataTx& tx) -> Status {
      ASSIGN_OR_RETURN(version, tx.GetVersion(job.model_version_id));
      ASSIGN_OR_RETURN(model, tx.GetModel(version.model_id));
      return OkStatus();
    });
    const std::optional<ObjectPath> artifact = SplitObjectPath(version.artifact_path);
    StatusOr<ScratchDir> dir = ScratchDir::Create(settings_.scratch_dir);
    if (read.ok() && !artifact) read = Internal("malformed artifact_path " + version.artifact_path);
    if (read.ok()) read = dir.status();
    std::filesystem::path file;
    if (read.ok()) {
      scratch.emplace(std::move(dir).value());
      file = scratch->path() / FileNameOf(artifact->key);
      read = CopyOut(artifacts_, *artifact, file, stop);
    }
    if (!read.ok()) {
      if (read.code() == StatusCode::kUnavailable) {
        Release(job.result_id, token);
        if (stop.stopped()) return true;
        return read;
      }
      outcome = Outcome(ValidationStatus::kFailed,
                        "the artifact could not be read for scanning: " + read.message());
    } else {
      const validation::ScanSubject subject{model, version, file, FileNameOf(artifact->key)};
      try {
        outcome = Checked(scanner->second->Scan(subject));
      } catch (const std::exception& e) {
        outcome =
            Outcome(ValidationStatus::kFailed, std::string("the scanner failed: ") + e.what());
      } catch (...) {
        outcome = Outcome(ValidationStatus::kFailed, "the scanner failed");
      }
    }
  }
  scratch.reset();

  const TimestampMs finished_at = NowMs();
  ValidationResult result;
  result.id = job.result_id;
  result.status = outcome.status;
  result.summary = outcome.summary;
  result.details = outcome.details;
  result.validated_at = finished_at;
  const std::string key = "reports/" + job.model_version_id + "/" + job.result_id + ".json";
  result.details_path = JoinObjectPath(settings_.reports_bucket, key);

  // The report is made durable first and published inside the finishing transaction, after the
  // lease check: a run that lost its job never overwrites the report of the run that has it.
  const std::string report = ReportJson(job, outcome, started_at, finished_at);
  ASSIGN_OR_RETURN(auto writer,
                   artifacts_.BeginWrite(settings_.reports_bucket, key, kMaxReportBytes));
  RETURN_IF_ERROR(writer->Write(report));
  RETURN_IF_ERROR(writer->Finish().status());
  const Status finished = store_.Write([&](MetadataTx& tx) -> Status {
    RETURN_IF_ERROR(tx.FinishValidationJob(result, token));
    if (job.scan_type == ScanType::kFunctionalIo && outcome.io_signature) {
      RETURN_IF_ERROR(
          tx.SetVersionIoSignature(job.model_version_id, *outcome.io_signature, finished_at));
    }
    RETURN_IF_ERROR(DecideIfLast(tx, job, settings_.policy, finished_at));
    return writer->Publish();
  });
  if (finished.code() == StatusCode::kConflict) {
    Log(LogLevel::kWarn, "validation job lost its lease; its outcome is discarded",
        {{"result_id", job.result_id}, {"error", finished.ToString()}});
    return true;
  }
  RETURN_IF_ERROR(finished);
  Log(LogLevel::kInfo, "validation job finished",
      {{"result_id", job.result_id},
       {"scan_type", ToString(job.scan_type)},
       {"status", ToString(outcome.status)},
       {"duration_ms", finished_at - started_at}});
  return true;
}

void ValidationJobRunner::Release(const std::string& result_id, const std::string& token) {
  const Status released = store_.Write(
      [&](MetadataTx& tx) { return tx.ReleaseValidationJob(result_id, token, NowMs()); });
  if (!released.ok() && released.code() != StatusCode::kConflict) {
    Log(LogLevel::kWarn, "cannot release a validation job; it is taken up once its lease expires",
        {{"result_id", result_id}, {"error", released.ToString()}});
  }
}

StatusOr<std::int64_t> ValidationJobRunner::ReclaimExpired() {
  const TimestampMs now = NowMs();
  return WriteValue(store_, [&](MetadataTx& tx) { return tx.ReclaimExpiredValidationJobs(now); });
}

void ValidationJobRunner::ReleaseInFlight() {
  std::map<std::string, std::string> in_flight;
  {
    std::lock_guard lock(in_flight_mutex_);
    in_flight = in_flight_;
  }
  for (const auto& [result_id, token] : in_flight) {
    ValidationJob job;
    job.result_id = result_id;
    Release(job.result_id, token);
  }
}

}  // namespace mlops
