#include "validation/container/security_container_scanner.h"

#include <exception>
#include <nlohmann/json.hpp>
#include <string_view>

namespace mlops::validation {
namespace {

using nlohmann::json;

// Long enough for registry/namespace/name:tag@sha256:digest.
constexpr std::size_t kMaxImageReference = 512;

std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// A reference as a registry writes it: letters, digits and . _ - / : @, not starting with '-'
// (it may end up as an argument of a scanner's command line).
bool IsImageReference(std::string_view ref) {
  if (ref.empty() || ref.size() > kMaxImageReference || ref.front() == '-') return false;
  for (char c : ref) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-' || c == '/' || c == ':' || c == '@';
    if (!ok) return false;
  }
  return true;
}

// The image reference of a version, or why there is none.
StatusOr<std::string> ImageOf(const ModelVersion& version) {
  const json params =
      version.parameters ? json::parse(*version.parameters, nullptr, false) : json::object();
  if (!params.is_object()) return InvalidArgument("the version's parameters are not a JSON object");
  const auto it = params.find("container_image");
  if (it == params.end() || it->is_null()) {
    return InvalidArgument("the version names no image: set parameters.container_image");
  }
  if (!it->is_string() || !IsImageReference(it->get_ref<const std::string&>())) {
    return InvalidArgument("parameters.container_image is not an image reference");
  }
  return it->get<std::string>();
}

ScanOutcome Outcome(ValidationStatus status, std::string summary, json details, json report) {
  ScanOutcome outcome;
  outcome.status = status;
  outcome.summary = std::move(summary);
  report["scan_type"] = ToString(ScanType::kSecurityContainer);
  report["status"] = ToString(status);
  report["summary"] = outcome.summary;
  outcome.details = Dump(details);
  outcome.report = Dump(report);
  return outcome;
}

ScanOutcome Skipped(std::string reason) {
  json details = {{"skipped", reason}};
  return Outcome(ValidationStatus::kSkipped, reason, details, {});
}

ScanOutcome NotRun(const std::string& why, const std::string& image) {
  const std::string summary = "container scan did not run: " + why;
  json details = {{"error", why}};
  if (!image.empty()) details["image"] = image;
  return Outcome(ValidationStatus::kFailed, summary, details, details);
}

json CountsJson(const VulnerabilityCounts& c) {
  return {{"critical", c.critical},
          {"high", c.high},
          {"medium", c.medium},
          {"low", c.low},
          {"unknown", c.unknown}};
}

}  // namespace

Status ValidateContainerScannerSettings(const ContainerScannerSettings& s) {
  const std::string_view endpoint = s.endpoint;
  if (!endpoint.empty() && !((endpoint.starts_with("http://") && endpoint.size() > 7) ||
                             (endpoint.starts_with("https://") && endpoint.size() > 8))) {
    return InvalidArgument("SECURITY_SCANNER_API_ENDPOINT must be an http:// or https:// URL");
  }
  if (endpoint.find_first_of(" \t\r\n") != std::string_view::npos) {
    return InvalidArgument("SECURITY_SCANNER_API_ENDPOINT must not contain whitespace");
  }
  // The URL appears in reports and messages; the key has its own variable.
  const std::string_view authority = endpoint.substr(0, endpoint.find('/', 8));
  if (authority.find('@') != std::string_view::npos) {
    return InvalidArgument(
        "SECURITY_SCANNER_API_ENDPOINT must not hold credentials; use SECURITY_SCANNER_API_KEY");
  }
  if (s.timeout_ms <= 0 || s.connect_timeout_ms <= 0) {
    return InvalidArgument("MLOPS_SECURITY_SCANNER_TIMEOUT_SECONDS must be positive");
  }
  if (s.max_critical < 0) {
    return InvalidArgument("MLOPS_SECURITY_SCANNER_MAX_CRITICAL must not be negative");
  }
  if (s.max_high < 0)
    return InvalidArgument("MLOPS_SECURITY_SCANNER_MAX_HIGH must not be negative");
  return OkStatus();
}

StatusOr<std::unique_ptr<SecurityContainerScanner>> SecurityContainerScanner::Create(
    ContainerScannerSettings settings) {
  RETURN_IF_ERROR(ValidateContainerScannerSettings(settings));
  return std::unique_ptr<SecurityContainerScanner>(
      new SecurityContainerScanner(std::move(settings)));
}

SecurityContainerScanner::SecurityContainerScanner(ContainerScannerSettings settings)
    : settings_(std::move(settings)) {
  if (!settings_.endpoint.empty()) {
    client_.emplace(ContainerScannerEndpoint{settings_.endpoint, settings_.api_key,
                                             settings_.connect_timeout_ms, settings_.timeout_ms});
  }
}

ScanOutcome SecurityContainerScanner::Scan(const ScanSubject& subject) {
  try {
    if (subject.version.model_format != ModelFormat::kCustomPythonContainer) {
      return Skipped("not a container image (model_format " +
                     std::string(ToString(subject.version.model_format)) + ")");
    }
    if (!client_) {
      return Skipped(
          "no container scanner is configured (SECURITY_SCANNER_API_ENDPOINT is not set)");
    }
    StatusOr<std::string> image = ImageOf(subject.version);
    if (!image.ok()) return NotRun(image.status().message(), "");
    return ScanImage(*image, subject.version);
  } catch (const std::exception& e) {
    return NotRun(std::string("internal error: ") + e.what(), "");
  } catch (...) {
    return NotRun("internal error", "");
  }
}

ScanOutcome SecurityContainerScanner::ScanImage(const std::string& image,
                                                const ModelVersion& version) {
  StatusOr<ContainerScanAnswer> answer = client_->Scan(image, version.id);
  if (!answer.ok()) return NotRun(answer.status().message(), image);

  const VulnerabilityCounts& c = answer->counts;
  const json thresholds = {{"max_critical", settings_.max_critical},
                           {"max_high", settings_.max_high}};
  ValidationStatus status = ValidationStatus::kPassed;
  std::string summary;
  if (c.critical > settings_.max_critical || c.high > settings_.max_high) {
    status = ValidationStatus::kFailed;
    summary = "image " + image + " has " + std::to_string(c.critical) + " critical and " +
              std::to_string(c.high) +
              " high vulnerabilities (allowed: " + std::to_string(settings_.max_critical) +
              " critical, " + std::to_string(settings_.max_high) + " high)";
  } else if (c.critical > 0 || c.high > 0 || c.medium > 0) {
    status = ValidationStatus::kWarning;
    summary = "image " + image +
              " has vulnerabilities within the thresholds: " + std::to_string(c.critical) +
              " critical, " + std::to_string(c.high) + " high, " + std::to_string(c.medium) +
              " medium";
  } else {
    summary = "image " + image + " has no critical, high or medium vulnerabilities (" +
              std::to_string(c.low) + " low)";
  }

  json details = CountsJson(c);
  details["image"] = image;
  if (!answer->digest.empty()) details["digest"] = answer->digest;
  json report = {
      {"image", image},
      {"digest", answer->digest},
      {"scanner_url", client_->ScanUrl()},
      {"scanner", json::parse(answer->scanner, nullptr, false)},
      {"thresholds", thresholds},
      {"vulnerabilities", CountsJson(c)},
      {"findings", json::parse(answer->findings, nullptr, false)},
      {"findings_truncated", answer->findings_truncated},
  };
  return Outcome(status, summary, details, report);
}

}  // namespace mlops::validation
