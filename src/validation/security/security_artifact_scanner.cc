#include "validation/security/security_artifact_scanner.h"

#include <algorithm>
#include <string>
#include <utility>

#include "common/json_writer.h"
#include "validation/security/artifact_scan.h"
#include "validation/security/byte_source.h"
#include "validation/security/embedded_rules.h"

namespace mlops::validation {
namespace {

using security::ArtifactScanStats;
using security::Finding;
using security::FindingSink;

constexpr std::size_t kFindingsInDetails = 3;

void WriteFinding(JsonWriter& json, const Finding& finding, bool with_message) {
  json.BeginObject()
      .Key("kind")
      .String(security::ToString(finding.kind))
      .Key("location")
      .String(finding.location)
      .Key("offset")
      .Int(static_cast<std::int64_t>(finding.offset))
      .Key("subject")
      .String(finding.subject);
  if (with_message) json.Key("message").String(finding.message);
  json.EndObject();
}

void WriteCounts(JsonWriter& json, const FindingSink& findings) {
  json.Key("finding_count").Int(static_cast<std::int64_t>(findings.total()));
  json.Key("counts").BeginObject();
  for (const auto& [kind, count] : findings.counts()) {
    json.Key(security::ToString(kind)).Int(static_cast<std::int64_t>(count));
  }
  json.EndObject();
}

void WriteStats(JsonWriter& json, const ArtifactScanStats& stats, int yara_rules) {
  json.Key("format")
      .String(security::ToString(stats.format))
      .Key("bytes")
      .Int(static_cast<std::int64_t>(stats.bytes))
      .Key("zip_entries")
      .Int(static_cast<std::int64_t>(stats.zip_entries))
      .Key("tar_members")
      .Int(static_cast<std::int64_t>(stats.tar_members))
      .Key("pickles")
      .Int(static_cast<std::int64_t>(stats.pickle.pickles))
      .Key("imports")
      .Int(static_cast<std::int64_t>(stats.pickle.imports))
      .Key("yara_rules")
      .Int(yara_rules);
}

std::string Where(const Finding& finding) {
  std::string where = "byte " + std::to_string(finding.offset);
  if (!finding.location.empty()) where += " of " + finding.location;
  return where;
}

ScanOutcome Outcome(const FindingSink& findings, const ArtifactScanStats& stats, int yara_rules) {
  ScanOutcome outcome;
  outcome.status = findings.empty() ? ValidationStatus::kPassed : ValidationStatus::kFailed;
  if (findings.empty()) {
    outcome.summary = "No findings in the " + std::string(security::ToString(stats.format)) +
                      " artifact: " + std::to_string(stats.pickle.imports) +
                      " pickle imports, all allowed; " + std::to_string(yara_rules) +
                      " YARA rules, none matched.";
  } else {
    const Finding& first = findings.kept().front();
    outcome.summary = first.message + " (at " + Where(first) + ")";
    if (findings.total() > 1) {
      outcome.summary += "; " + std::to_string(findings.total()) + " findings in all";
    }
    outcome.summary += ".";
  }

  JsonWriter details;
  details.BeginObject();
  WriteStats(details, stats, yara_rules);
  WriteCounts(details, findings);
  details.Key("first_findings").BeginArray();
  const std::size_t shown = std::min(kFindingsInDetails, findings.kept().size());
  for (std::size_t i = 0; i < shown; ++i) WriteFinding(details, findings.kept()[i], false);
  details.EndArray().EndObject();
  outcome.details = details.Take();

  JsonWriter report;
  report.BeginObject().Key("scan_type").String(ToString(ScanType::kSecurityArtifact));
  report.Key("status").String(ToString(outcome.status));
  report.Key("summary").String(outcome.summary);
  WriteStats(report, stats, yara_rules);
  WriteCounts(report, findings);
  report.Key("findings_truncated")
      .Raw(findings.total() > findings.kept().size() ? "true" : "false");
  report.Key("findings").BeginArray();
  for (const Finding& finding : findings.kept()) WriteFinding(report, finding, true);
  report.EndArray().EndObject();
  outcome.report = report.Take();
  return outcome;
}

ScanOutcome ErrorOutcome(const Status& status) {
  ScanOutcome outcome;
  outcome.status = ValidationStatus::kFailed;
  outcome.summary = "The artifact could not be scanned: " + status.message();
  JsonWriter details;
  details.BeginObject().Key("error").String(status.message()).EndObject();
  outcome.details = details.Take();
  JsonWriter report;
  report.BeginObject()
      .Key("scan_type")
      .String(ToString(ScanType::kSecurityArtifact))
      .Key("status")
      .String(ToString(outcome.status))
      .Key("summary")
      .String(outcome.summary)
      .Key("error")
      .String(status.message())
      .EndObject();
  outcome.report = report.Take();
  return outcome;
}

}  // namespace

StatusOr<std::unique_ptr<SecurityArtifactScanner>> SecurityArtifactScanner::Create(
    const security::SecurityScanSettings& settings) {
  security::GlobalAllowList allow_list = security::GlobalAllowList::Default();
  for (const std::string& global : settings.extra_allowed_globals) {
    RETURN_IF_ERROR(allow_list.Add(global));
  }
  ASSIGN_OR_RETURN(auto yara, security::YaraRules::Compile(security::embedded::BuiltinYaraRules(),
                                                           settings.extra_yara_rules_dir));
  return std::unique_ptr<SecurityArtifactScanner>(
      new SecurityArtifactScanner(settings, std::move(allow_list), std::move(yara)));
}

ScanOutcome SecurityArtifactScanner::Scan(const ScanSubject& subject) {
  auto source = security::FileByteSource::Open(subject.artifact_file);
  if (!source.ok()) return ErrorOutcome(source.status());
  const security::ScanRules rules{allow_list_, yara_.get(), settings_, {}};
  FindingSink findings;
  ArtifactScanStats stats;
  const Status status = security::ScanArtifact(
      **source, subject.file_name, subject.version.model_format, rules, findings, stats);
  if (!status.ok()) return ErrorOutcome(status);
  return Outcome(findings, stats, yara_->rule_count());
}

}  // namespace mlops::validation
