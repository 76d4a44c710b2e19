#pragma once

#include <map>
#include <mutex>
#include <string>

#include "artifacts/artifact_store.h"
#include "common/status.h"
#include "services/stop_signal.h"
#include "services/validation_settings.h"
#include "store/metadata_store.h"
#include "validation/scanner_registry.h"

namespace mlops {

// Runs validation jobs one at a time per calling thread: claims the oldest queued job under a
// lease (renewed in the background while it runs), copies the version's artifact out of the
// artifact store into a scratch file, runs the registered Scanner for the job's type, writes the
// full report to the reports bucket, and finishes the job in one transaction: the result, the
// version's io_signature (functional_io), and, when it was the run's last job, the version's
// status and the decision that set it. Thread-safe: the worker pool calls RunOne() from every
// worker.
class ValidationJobRunner {
 public:
  ValidationJobRunner(MetadataStore& store, ArtifactStore& artifacts,
                      const validation::ScannerRegistry& scanners,
                      const ValidationSettings& settings)
      : store_(store), artifacts_(artifacts), scanners_(scanners), settings_(settings) {}

  // Claims and runs one job. Returns false if none was queued, true once the claimed job was
  // finished, or given back (released) because `stop` was signalled before its scan began.
  // Returns the error if the store failed; the job is then released, or reclaimed once its lease
  // expires, and runs again.
  StatusOr<bool> RunOne(const StopSignal& stop);

  // Requeues the jobs whose leases expired (their workers died). Returns how many.
  StatusOr<std::int64_t> ReclaimExpired();

  // Gives back every job being run right now, for a stop that cannot wait for their scans: others
  // take them up at once, and these runs can no longer write their results.
  void ReleaseInFlight();

 private:
  StatusOr<bool> Run(const ValidationJob& job, const std::string& lease_token,
                     const StopSignal& stop);
  void Release(const std::string& result_id, const std::string& lease_token);

  MetadataStore& store_;
  ArtifactStore& artifacts_;
  const validation::ScannerRegistry& scanners_;
  const ValidationSettings& settings_;

  std::mutex in_flight_mutex_;
  std::map<std::string, std::string> in_flight_;  // result id -> lease token
};

}  // namespace mlops
