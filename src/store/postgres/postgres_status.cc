#include "store/postgres/postgres_status.h"

#include <libpq-fe.h>

#include <string>

namespace mlops {
namespace {

constexpr std::string_view kUniqueViolation = "unique constraint violated: ";

// libpq's messages end with a newline and may span lines; a Status message is one line.
std::string OneLine(std::string message) {
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  for (char& c : message) {
    if (c == '\n') c = ' ';
  }
  return message;
}

}  // namespace

StatusCode StatusCodeForSqlState(std::string_view sqlstate) {
  if (sqlstate == "23505") return StatusCode::kConflict;
  if (sqlstate == "23503") return StatusCode::kNotFound;
  if (sqlstate == "22P02") return StatusCode::kInvalidArgument;
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") {
    return StatusCode::kUnavailable;
  }
  if (sqlstate.starts_with("08") || sqlstate.starts_with("57") || sqlstate.starts_with("53")) {
    return StatusCode::kUnavailable;
  }
  return StatusCode::kInternal;
}

Status PostgresStatus(const pg_result* result, const pg_conn* connection) {
  const char* sqlstate = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string message = OneLine(result != nullptr && *PQresultErrorMessage(result) != '\0'
                                          ? PQresultErrorMessage(result)
                                          : PQerrorMessage(connection));
  if (PQstatus(connection) != CONNECTION_OK) {
    return Unavailable("database unavailable: " + message);
  }
  const StatusCode code = StatusCodeForSqlState(sqlstate != nullptr ? sqlstate : "");
  switch (code) {
    case StatusCode::kConflict: {
      const char* constraint = PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME);
      return Conflict(std::string(kUniqueViolation) + (constraint != nullptr ? constraint : "") +
                      ": " + message);
    }
    case StatusCode::kUnavailable:
      return Unavailable("database unavailable: " + message);
    case StatusCode::kInternal:
      return Internal("database error: " + message);
    default:
      return Status(code, message);
  }
}

std::string_view ViolatedConstraint(const Status& status) {
  if (status.code() != StatusCode::kConflict) return {};
  std::string_view message = status.message();
  if (!message.starts_with(kUniqueViolation)) return {};
  message.remove_prefix(kUniqueViolation.size());
  return message.substr(0, message.find(':'));
}

}  // namespace mlops
