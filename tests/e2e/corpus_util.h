#pragma once

// The committed corpus (tests/corpus/) as the e2e tests upload it.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "harness.h"

namespace mlops::e2e {

// The metadata the shipped content policy asks of every version (config/content_policy.json).
inline nlohmann::json WellDescribed(nlohmann::json parameters = nlohmann::json::object()) {
  parameters["license"] = "Apache-2.0";
  parameters["intended_use"] = "Draft illustrations for internal marketing mock-ups";
  parameters["model_card"] =
      "# Corpus model\n## Intended Use\nA tiny test model standing in for a creative model; it "
      "turns four numbers into two.\n## Limitations\nIt knows nothing about images, people or "
      "text and must not be used for anything real.\n## Training Data\nRandom weights drawn "
      "from a seeded generator; no data of any person.\n";
  return parameters;
}

// Polls the version until its validation run has decided (it leaves PENDING_VALIDATION) or
// `timeout` passes (a test failure); returns the version as last read.
inline nlohmann::json WaitForValidationDecision(
    const HttpClient& client, const std::string& version_id,
    std::chrono::seconds timeout = std::chrono::seconds(60)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  nlohmann::json version;
  while (std::chrono::steady_clock::now() < deadline) {
    version = client.Get(std::string(kApi) + "/models/versions/" + version_id).json();
    if (version.value("status", "") != "PENDING_VALIDATION") return version;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "no decision in time: " << version.dump();
  return version;
}

// The result of `scan_type` among a version's validation results (a test failure if none).
inline nlohmann::json ResultOf(const nlohmann::json& results, const std::string& scan_type) {
  for (const nlohmann::json& result : results) {
    if (result["scan_type"] == scan_type) return result;
  }
  ADD_FAILURE() << "no " << scan_type << " result in " << results.dump();
  return nlohmann::json::object();
}

}  // namespace mlops::e2e
