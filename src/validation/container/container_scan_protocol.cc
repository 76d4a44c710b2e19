#include "validation/container/container_scan_protocol.h"

#include <cstddef>
#include <nlohmann/json.hpp>

namespace mlops::validation {
namespace {

using nlohmann::json;

// Answers come from another service: never throw on text we did not write.
std::string Dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

Status Malformed(const std::string& problem) {
  return Internal("the scanner's answer does not follow the contract: " + problem);
}

// Sanitized for quoting in a message: printable ASCII, at most `limit` characters.
std::string Quoted(std::string_view text, std::size_t limit) {
  std::string out;
  for (char c : text.substr(0, limit)) out.push_back(c >= 0x20 && c < 0x7F ? c : '?');
  if (text.size() > limit) out += "...";
  return out;
}

StatusOr<std::int64_t> Count(const json& counts, const char* key, bool required) {
  const auto it = counts.find(key);
  if (it == counts.end()) {
    if (required) return Malformed(std::string("vulnerabilities.") + key + " is missing");
    return std::int64_t{0};
  }
  if (!it->is_number_integer() || it->get<std::int64_t>() < 0) {
    return Malformed(std::string("vulnerabilities.") + key +
                     " must be a non-negative integer, got " + Quoted(Dump(*it), 40));
  }
  return it->get<std::int64_t>();
}

}  // namespace

std::string ScanRequestBody(std::string_view image, std::string_view model_version_id) {
  return Dump({{"image", image}, {"model_version_id", model_version_id}});
}

StatusOr<ContainerScanAnswer> ParseScanAnswer(std::string_view body, std::string_view image) {
  const json doc = json::parse(body, nullptr, false);
  if (doc.is_discarded()) return Malformed("not JSON: \"" + Quoted(body, 80) + "\"");
  if (!doc.is_object()) return Malformed("not a JSON object");

  if (const auto it = doc.find("image"); it != doc.end()) {
    if (!it->is_string() || it->get_ref<const std::string&>() != image) {
      return Malformed("it is about image " + Quoted(Dump(*it), 120) + ", not the one asked for");
    }
  }
  const auto counts = doc.find("vulnerabilities");
  if (counts == doc.end() || !counts->is_object()) {
    return Malformed("no \"vulnerabilities\" object");
  }
  ContainerScanAnswer answer;
  ASSIGN_OR_RETURN(answer.counts.critical, Count(*counts, "critical", true));
  ASSIGN_OR_RETURN(answer.counts.high, Count(*counts, "high", true));
  ASSIGN_OR_RETURN(answer.counts.medium, Count(*counts, "medium", true));
  ASSIGN_OR_RETURN(answer.counts.low, Count(*counts, "low", true));
  ASSIGN_OR_RETURN(answer.counts.unknown, Count(*counts, "unknown", false));

  if (const auto it = doc.find("digest"); it != doc.end()) {
    if (!it->is_string()) return Malformed("\"digest\" must be a string");
    answer.digest = Quoted(it->get_ref<const std::string&>(), 200);
  }
  const auto scanner = doc.find("scanner");
  if (scanner != doc.end() && !scanner->is_object()) {
    return Malformed("\"scanner\" must be an object");
  }
  answer.scanner = scanner == doc.end() ? "{}" : Dump(*scanner);

  json findings = json::array();
  if (const auto it = doc.find("findings"); it != doc.end()) {
    if (!it->is_array()) return Malformed("\"findings\" must be a list");
    for (const json& finding : *it) {
      if (findings.size() == kMaxReportedFindings) {
        answer.findings_truncated = true;
        break;
      }
      findings.push_back(finding);
    }
  }
  answer.findings = Dump(findings);
  return answer;
}

std::string ErrorMessageOf(std::string_view body) {
  const json doc = json::parse(body, nullptr, false);
  if (doc.is_object()) {
    if (const auto it = doc.find("error"); it != doc.end() && it->is_string()) {
      return Quoted(it->get_ref<const std::string&>(), 300);
    }
  }
  return Quoted(body, 200);
}

}  // namespace mlops::validation
