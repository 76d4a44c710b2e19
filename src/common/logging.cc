#include "common/logging.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "common/json_writer.h"

namespace mlops {
namespace {

spdlog::level::level_enum ToSpd(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarn:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

bool InitLogging(std::string_view level) {
  const auto parsed = spdlog::level::from_str(std::string(level));
  if (parsed == spdlog::level::off && level != "off") return false;
  auto logger = spdlog::stderr_logger_mt("mlops");
  logger->set_pattern(R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l","service":"mlops",%v})",
                      spdlog::pattern_time_type::utc);
  logger->set_level(parsed);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  return true;
}

bool LogEnabled(LogLevel level) { return spdlog::default_logger_raw()->should_log(ToSpd(level)); }

void LogPreformatted(LogLevel level, std::string_view message, std::string_view fields) {
  if (!LogEnabled(level)) return;
  std::string line = "\"message\":";
  AppendJsonString(line, message);
  if (!fields.empty()) {
    line.push_back(',');
    line.append(fields);
  }
  spdlog::default_logger_raw()->log(ToSpd(level), "{}", line);
}

void Log(LogLevel level, std::string_view message, const nlohmann::json& fields) {
  if (!LogEnabled(level)) return;
  std::string members;
  if (fields.is_object()) {
    const std::string object =
        fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    members = object.substr(1, object.size() - 2);
  }
  LogPreformatted(level, message, members);
}

}  // namespace mlops
