#include "store/sqlite/sqlite_status.h"

#include <sqlite3.h>

#include <string>

namespace mlops {
namespace {

constexpr std::string_view kConstraintFailed = "constraint failed: ";

}  // namespace

Status SqliteStatus(int rc, sqlite3* db) {
  std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return Conflict(std::move(message));
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return NotFound(std::move(message));
  }
  switch (rc & 0xff) {
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Unavailable("database unavailable: " + message);
  }
  return Internal("database error: " + message);
}

std::string_view ConflictColumns(const Status& status) {
  if (status.code() != StatusCode::kConflict) return {};
  std::string_view message = status.message();
  const std::size_t at = message.find(kConstraintFailed);
  if (at == std::string_view::npos) return {};
  return message.substr(at + kConstraintFailed.size());
}

}  // namespace mlops
