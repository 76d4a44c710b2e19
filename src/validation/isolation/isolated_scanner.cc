#include "validation/isolation/isolated_scanner.h"

#include "common/json_writer.h"
#include "validation/isolation/child_process.h"
#include "validation/isolation/scan_wire_format.h"

namespace mlops::validation {
namespace {

using isolation::ChildResult;

// The outcome's details and report: why, plus what the child said last.
ScanOutcome Failed(std::string summary, const ChildResult* child) {
  JsonWriter details;
  details.BeginObject().Key("reason").String(summary);
  if (child != nullptr) {
    details.Key("exit_code").IntOrNull(child->exit_code);
    details.Key("signal").IntOrNull(child->signal);
    details.Key("stderr_tail").String(child->err_tail);
  }
  details.EndObject();
  ScanOutcome outcome;
  outcome.status = ValidationStatus::kFailed;
  outcome.summary = std::move(summary);
  outcome.details = details.text();
  outcome.report = details.Take();
  return outcome;
}

}  // namespace

ScanOutcome IsolatedScanner::Scan(const ScanSubject& subject) {
  isolation::ChildProcessOptions options;
  options.argv = {settings_.executable, kScanChildCommand, std::string(ToString(type_))};
  options.timeout = settings_.timeout;
  const StatusOr<ChildResult> child =
      isolation::RunChildProcess(options, isolation::EncodeScanSubject(subject));
  if (!child.ok()) {
    return Failed("the scan could not start its process: " + child.status().message(), nullptr);
  }
  if (child->timed_out) {
    return Failed(
        "the scan did not finish within " + std::to_string(settings_.timeout.count()) + " s",
        &*child);
  }
  if (child->signal) {
    return Failed("the model crashed the runtime: " + isolation::DescribeSignal(*child->signal),
                  &*child);
  }
  if (child->exit_code != 0) {
    return Failed("the scan's process exited with status " + std::to_string(*child->exit_code),
                  &*child);
  }
  if (child->out_truncated) {
    return Failed("the scan's process wrote more than " + std::to_string(options.max_stdout_bytes) +
                      " bytes of outcome",
                  &*child);
  }
  StatusOr<ScanOutcome> outcome = isolation::DecodeScanOutcome(child->out);
  if (!outcome.ok()) {
    return Failed("the scan's process wrote no readable outcome: " + outcome.status().message(),
                  &*child);
  }
  return std::move(outcome).value();
}

}  // namespace mlops::validation
