#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace mlops {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// Sets up JSON-lines logging to stderr: time, level, service, message, then the caller's fields.
// `level` is trace, debug, info, warn or error; false for anything else.
bool InitLogging(std::string_view level);

// Logs one JSON line. `fields` (a JSON object, may be empty) is merged after the message.
// Thread-safe. Callers must not put secrets in fields.
void Log(LogLevel level, std::string_view message, const nlohmann::json& fields = {});

// Logs one JSON line whose extra fields are given pre-serialized: `fields` is empty or a
// comma-separated list of JSON members without braces (`"status":200,"path":"/x"`). For hot paths.
void LogPreformatted(LogLevel level, std::string_view message, std::string_view fields);

bool LogEnabled(LogLevel level);

}  // namespace mlops
